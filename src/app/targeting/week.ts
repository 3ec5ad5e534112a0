/** The Monday 00:00 UTC of the week holding an ISO time. */
export function weekOf(iso: string): string {
  const t = Date.parse(iso);
  const day = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
  const monday = Math.floor(t / 86_400_000) * 86_400_000 - day * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
}
