/**
 * The API's periods are [from, to): `to` is the first instant left out. A date chosen in a form
 * means "to the end of that day", so it is sent as the day after ('' stays '': no end).
 */
export function throughDay(day: string): string {
  const t = Date.parse(day);
  return Number.isNaN(t) ? '' : new Date(t + 86_400_000).toISOString().slice(0, 10);
}
