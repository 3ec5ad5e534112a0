import { PortcullisError } from '../../domain/errors.ts';
import { wilsonInterval } from '../../risk/effectiveness/wilson.ts';
import { dashboardRepo, type DayOfficeCounts } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { listBudgets } from './budgets.ts';
import { weekOf } from './week.ts';

/** How long a period the dashboard shows when none is asked for. */
export const DEFAULT_WEEKS = 12;
/** Periods up to this many days are shown day by day; up to LONGEST_WEEKLY_DAYS week by week; longer ones month by month. */
export const LONGEST_DAILY_DAYS = 62;
export const LONGEST_WEEKLY_DAYS = 3 * 366;
/** The longest period shown (in days): twenty years, month by month. */
export const LONGEST_DAYS = 20 * 366;

export type Bucket = 'day' | 'week' | 'month';

/**
 * What became of a set of declarations: filed, decided (by lane), the inspection rate they were
 * selected at (red and yellow among the decided), the selected ones whose outcome is known
 * (`inspected`: an officer's result, else labelled history) and the findings among them, the hit
 * rate with its Wilson 95 % interval, and the revenue the findings recovered (summed as recorded,
 * whatever each one's currency, as the effectiveness report does). Rates are null where nothing
 * was decided or inspected.
 */
export interface DashboardFigures {
  readonly filed: number;
  readonly decided: number;
  readonly red: number;
  readonly yellow: number;
  readonly green: number;
  readonly inspectionRate: number | null;
  readonly inspected: number;
  readonly findings: number;
  readonly hitRate: number | null;
  readonly hitRateLow: number | null;
  readonly hitRateHigh: number | null;
  readonly revenue: number;
}

/** One bucket (day, week or month) of the period: its figures and the alerts (of every office) raised in it and open at its end. */
export interface DashboardPoint extends DashboardFigures {
  /** The bucket's first day (YYYY-MM-DD); the first bucket may begin later than its week or month does, where the period does. */
  readonly start: string;
  readonly alertsRaised: number;
  readonly alertsOpen: number;
}

/** An office's figures over the period, and its inspection budget's target (red + yellow rates). */
export interface OfficeFigures extends DashboardFigures {
  readonly office: string;
  readonly target: number;
  /** Whose budget that is: the office's own, or "*" (every office without one; the built-in default where none is set). */
  readonly budget: string;
}

/** An office's inspection rate bucket by bucket, against its budget's target. */
export interface OfficeRates {
  readonly office: string;
  readonly target: number;
  readonly rates: readonly (number | null)[];
}

export interface Dashboard {
  readonly from: string;
  readonly to: string;
  readonly office: string | null;
  readonly bucket: Bucket;
  /** Every office that filed in the period (whatever `office` is), for choosing one. */
  readonly offices: readonly string[];
  /**
   * The period's figures; `target` is the office's budget target, or for every office the target
   * their decisions would have met had each kept to its own (weighted by its decisions); null when
   * nothing was decided. Alerts belong to no office: they are every office's.
   */
  readonly totals: DashboardFigures & { readonly target: number | null; readonly alertsRaised: number; readonly alertsOpen: number };
  readonly series: readonly DashboardPoint[];
  readonly byOffice: readonly OfficeFigures[];
  /** For each office in the period (the one asked for, if one was), its rate per bucket of `series`. */
  readonly rates: readonly OfficeRates[];
}

export interface DashboardQuery {
  /** ISO 8601; default: `weeks` weeks before `to`. */
  readonly from?: string;
  /** Without `from`: how many weeks up to `to` (DEFAULT_WEEKS unless given). */
  readonly weeks?: number;
  /** ISO 8601, not included; default: the Monday after the week of the newest filing (demo data may lie in the past), or after today in an empty store. */
  readonly to?: string;
  readonly office?: string;
}

const DAY = 86_400_000;
const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

interface Tally { filed: number; red: number; yellow: number; green: number; inspected: number; findings: number; revenue: number }
const tally = (): Tally => ({ filed: 0, red: 0, yellow: 0, green: 0, inspected: 0, findings: 0, revenue: 0 });
function add(t: Tally, c: DayOfficeCounts): void {
  t.filed += c.filed;
  t.red += c.red;
  t.yellow += c.yellow;
  t.green += c.green;
  t.inspected += c.inspected;
  t.findings += c.findings;
  t.revenue += c.revenue;
}
function figures(t: Tally): DashboardFigures {
  const decided = t.red + t.yellow + t.green;
  const hit = t.inspected > 0 ? wilsonInterval(t.findings, t.inspected) : undefined;
  return {
    filed: t.filed, decided, red: t.red, yellow: t.yellow, green: t.green,
    inspectionRate: decided > 0 ? (t.red + t.yellow) / decided : null,
    inspected: t.inspected, findings: t.findings,
    hitRate: hit?.rate ?? null, hitRateLow: hit?.low ?? null, hitRateHigh: hit?.high ?? null,
    revenue: t.revenue,
  };
}

function time(field: 'from' | 'to', s: string): number {
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) throw new PortcullisError('INVALID_INPUT', `${field} "${s}" is not a date`, [{ field, problem: `"${s}"`, expected: 'an ISO 8601 date or UTC time, e.g. 2026-01-01' }]);
  return t;
}

/** The bucket a period is shown in: days for two months or less, weeks up to three years, months beyond. */
export function bucketFor(from: number, to: number): Bucket {
  const days = (to - from) / DAY;
  return days <= LONGEST_DAILY_DAYS ? 'day' : days <= LONGEST_WEEKLY_DAYS ? 'week' : 'month';
}

/** The first day of the bucket holding `day` (YYYY-MM-DD), not before the period's first day. */
function bucketStart(bucket: Bucket, day: string, firstDay: string): string {
  const start = bucket === 'day' ? day : bucket === 'week' ? weekOf(`${day}T00:00:00.000Z`) : `${day.slice(0, 7)}-01`;
  return start < firstDay ? firstDay : start;
}

/**
 * The dashboard over a period (by default the DEFAULT_WEEKS weeks, or `weeks`, up to the newest filing) and
 * optionally one office, bucket by bucket: the flow of declarations filed and the lanes they went
 * to, the inspection rate against the budget's target, the hit rate with its interval, the revenue,
 * the alerts raised and open; and each office's figures. A declaration counts in the bucket it was
 * filed in (its decision and inspection may come later). The database does the sums
 * (store/dashboard-repo.ts), one row per day and office.
 */
export async function dashboard(app: AppContext, q: DashboardQuery = {}): Promise<Dashboard> {
  const repo = dashboardRepo(app.store.db);
  let to: number;
  if (q.to !== undefined) to = time('to', q.to);
  else {
    const newest = await repo.newestFiling();
    to = Date.parse(`${weekOf(newest ?? app.clock().toISOString())}T00:00:00.000Z`) + 7 * DAY;
  }
  if (q.weeks !== undefined && !(Number.isInteger(q.weeks) && q.weeks >= 1)) throw new PortcullisError('INVALID_INPUT', `weeks ${q.weeks} is not a number of weeks`, [{ field: 'weeks', problem: String(q.weeks), expected: 'a whole number ≥ 1' }]);
  const from = q.from !== undefined ? time('from', q.from) : to - (q.weeks ?? DEFAULT_WEEKS) * 7 * DAY;
  if (from >= to) throw new PortcullisError('INVALID_INPUT', `the period ${new Date(from).toISOString()} to ${new Date(to).toISOString()} is empty`, [{ field: q.to !== undefined ? 'to' : 'from', problem: 'the period ends before it begins', expected: 'from before to' }]);
  if (to - from > LONGEST_DAYS * DAY) throw new PortcullisError('INVALID_INPUT', `the period ${new Date(from).toISOString()} to ${new Date(to).toISOString()} is longer than ${LONGEST_DAYS} days`, [{ field: 'from', problem: 'too long a period', expected: `at most ${LONGEST_DAYS} days (twenty years)` }]);
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const bucket = bucketFor(from, to);

  const [offices, days, alerts, budgets] = await Promise.all([
    repo.offices(range),
    repo.declarationDays({ ...range, ...(q.office !== undefined ? { office: q.office } : {}) }),
    repo.alertDays(range),
    listBudgets(app),
  ]);

  // Every bucket of the period, the empty ones too, so that the charts' axis runs evenly.
  const firstDay = dayOf(from);
  const starts: string[] = [];
  for (let t = Date.parse(`${firstDay}T00:00:00.000Z`); t < to; t += DAY) {
    const s = bucketStart(bucket, dayOf(t), firstDay);
    if (starts[starts.length - 1] !== s) starts.push(s);
  }
  const index = new Map(starts.map((s, i) => [s, i]));
  const at = (day: string): number => index.get(bucketStart(bucket, day, firstDay))!;

  const total = tally();
  const perBucket = starts.map(tally);
  const perOffice = new Map<string, { total: Tally; buckets: Tally[] }>();
  for (const c of days) {
    add(total, c);
    add(perBucket[at(c.day)]!, c);
    let o = perOffice.get(c.office);
    if (o === undefined) perOffice.set(c.office, (o = { total: tally(), buckets: starts.map(tally) }));
    add(o.total, c);
    add(o.buckets[at(c.day)]!, c);
  }

  const raised = starts.map(() => 0);
  const acknowledged = starts.map(() => 0);
  for (const a of alerts.days) {
    raised[at(a.day)]! += a.raised;
    acknowledged[at(a.day)]! += a.acknowledged;
  }
  let open = alerts.openAtFrom;
  const series: DashboardPoint[] = starts.map((start, i) => {
    open += raised[i]! - acknowledged[i]!;
    return { start, ...figures(perBucket[i]!), alertsRaised: raised[i]!, alertsOpen: open };
  });

  const budgetOf = (office: string) => {
    const b = budgets.budgets.find((x) => x.office === office) ?? budgets.fallback;
    return { target: b.redRate + b.yellowRate, budget: b.office };
  };
  const byOffice: OfficeFigures[] = [...perOffice].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([office, o]) => ({ office, ...budgetOf(office), ...figures(o.total) }));
  const rates: OfficeRates[] = [...perOffice].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([office, o]) => ({ office, target: budgetOf(office).target, rates: o.buckets.map((t) => figures(t).inspectionRate) }));
  const totals = figures(total);
  // Each office's target weighted by its decisions: the rate the flow would show had every office kept to its own budget.
  const weighted = byOffice.reduce((s, o) => s + o.target * o.decided, 0);
  const target = q.office !== undefined ? budgetOf(q.office).target : totals.decided > 0 ? weighted / totals.decided : null;

  return {
    ...range, office: q.office ?? null, bucket, offices,
    totals: { ...totals, target, alertsRaised: raised.reduce((s, x) => s + x, 0), alertsOpen: open },
    series, byOffice, rates,
  };
}
