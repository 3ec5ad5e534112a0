import type { Random } from './random.ts';

/**
 * When declarations are filed: more on weekdays than at weekends, fewer on public holidays and in
 * the weeks after Chinese New Year, a busier autumn; within a day mostly in business hours of
 * Central European time. Times come out in ascending order without buffering a day's rows.
 */

const DAY_MS = 86_400_000;
/** Sunday first, as Date.getUTCDay. */
const WEEKDAY = [0.12, 1.05, 1, 1, 1, 0.9, 0.25];
/** Filing intensity by UTC hour (offices on UTC+1/+2). */
const HOURS = [0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 2.5, 6, 8, 8.5, 8, 7, 6, 7.5, 8, 7.5, 6, 4, 2.5, 1.5, 1, 0.8, 0.6, 0.4];
const HOUR_CUMULATIVE: readonly number[] = (() => {
  const total = HOURS.reduce((a, b) => a + b, 0);
  let acc = 0;
  return HOURS.map((h) => (acc += h / total));
})();
const HOLIDAYS = new Set(['01-01', '05-01', '12-24', '12-25', '12-26', '12-31']);

/** Relative filing volume of a calendar day. */
export function dayWeight(dayStartMs: number): number {
  const date = new Date(dayStartMs);
  const monthDay = date.toISOString().slice(5, 10);
  let w = WEEKDAY[date.getUTCDay()] ?? 1;
  if (HOLIDAYS.has(monthDay)) w *= 0.2;
  const dayOfYear = (dayStartMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
  if (dayOfYear >= 35 && dayOfYear < 70) w *= 0.85; // factories close for Chinese New Year; fewer arrivals
  w *= 1 + 0.12 * Math.sin((2 * Math.PI * (dayOfYear - 200)) / 365); // autumn peak
  return w;
}

/**
 * How many of `rows` rows fall on each of `days` days from `startMs`: proportional to the day
 * weights, rounded so that the counts add up to `rows` exactly.
 */
export function dailyCounts(rows: number, startMs: number, days: number): Uint32Array {
  const weights = new Float64Array(days);
  let total = 0;
  for (let d = 0; d < days; d++) total += weights[d] = dayWeight(startMs + d * DAY_MS);
  const counts = new Uint32Array(days);
  let acc = 0;
  let given = 0;
  for (let d = 0; d < days; d++) {
    acc += weights[d] as number;
    const upTo = d === days - 1 ? rows : Math.round((rows * acc) / total);
    counts[d] = upTo - given;
    given = upTo;
  }
  return counts;
}

/**
 * `count` filing times on the day starting at `dayStartMs`, ascending. Draws the order statistics
 * of uniform variables one after another (the next minimum of the remaining ones), then maps them
 * through the inverse of the hourly distribution, which keeps their order.
 */
export function* filingTimes(rng: Random, dayStartMs: number, count: number): Generator<number> {
  let u = 0;
  for (let left = count; left > 0; left--) {
    u += (1 - u) * (1 - (1 - rng.next()) ** (1 / left));
    yield dayStartMs + Math.floor(hourQuantile(u) * 3_600_000);
  }
}

/** The time of day in hours (0 to 24) below which a fraction u of filings fall. */
function hourQuantile(u: number): number {
  let hour = 0;
  while (hour < 23 && (HOUR_CUMULATIVE[hour] as number) <= u) hour++;
  const below = hour === 0 ? 0 : (HOUR_CUMULATIVE[hour - 1] as number);
  const within = ((HOUR_CUMULATIVE[hour] as number) - below) || 1;
  return hour + Math.min(0.999999, (u - below) / within);
}

/** ISO 8601 UTC to the second, e.g. 2025-03-04T09:15:02Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/**
 * The UTC midnight of the day of an ISO 8601 date ("2025-01-01") or date-time with a zone
 * ("2025-01-01T08:00:00Z"), or undefined when it is not one or names no real day.
 */
export function utcMidnight(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(iso);
  if (m === null) return undefined;
  const [, y, mo, d] = m.map(Number);
  const midnight = Date.UTC(y ?? 0, (mo ?? 0) - 1, d ?? 0);
  if (new Date(midnight).toISOString().slice(0, 10) !== iso.slice(0, 10)) return undefined;
  const ms = m[4] === undefined ? midnight : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / DAY_MS) * DAY_MS;
}

export { DAY_MS };
