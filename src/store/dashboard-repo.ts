import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/**
 * One office's declarations filed on one day (UTC), counted by what became of them: their current
 * decision's lane, and, among those selected (red or yellow), how many have a known outcome — an
 * officer's latest inspection result where one was recorded, else the label the declaration came
 * with from history, as back-tests and the effectiveness report count them (app/targeting/outcome.ts) —
 * how many of those were findings, and the revenue the findings recovered.
 */
export interface DayOfficeCounts {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly office: string;
  readonly filed: number;
  readonly red: number;
  readonly yellow: number;
  readonly green: number;
  readonly inspected: number;
  readonly findings: number;
  readonly revenue: number;
}

/** Alerts raised and acknowledged on one day (UTC). */
export interface AlertDay {
  readonly day: string;
  readonly raised: number;
  readonly acknowledged: number;
}

/** [from, to): ISO 8601 UTC times; `office` narrows to one customs office. */
export interface DashboardRange {
  readonly from: string;
  readonly to: string;
  readonly office?: string;
}

const n = (v: number | string | bigint | null | undefined): number => Number(v ?? 0);

/**
 * The dashboard's sums, done by the database: a few rows per day and office come back, never the
 * declarations themselves. Times are ISO 8601 UTC text, so a day is the text's first ten characters
 * on SQLite and PostgreSQL alike; the caller folds days into weeks or months.
 */
export function dashboardRepo(db: Kysely<Schema>) {
  return {
    /** When the newest declaration was filed; undefined in an empty store (read from the filing-time index). */
    async newestFiling(): Promise<string | undefined> {
      const r = await db.selectFrom('declarations').select('filed_at').orderBy('filed_at', 'desc').limit(1).executeTakeFirst();
      return r?.filed_at;
    },

    /** The offices that filed in the period, in order. */
    async offices(r: Omit<DashboardRange, 'office'>): Promise<string[]> {
      const rows = await db.selectFrom('declarations').select('customs_office').distinct().where('filed_at', '>=', r.from).where('filed_at', '<', r.to).orderBy('customs_office').execute();
      return rows.map((x) => x.customs_office);
    },

    /**
     * Per day and office, the declarations filed in [from, to) and what became of them (see
     * DayOfficeCounts). A declaration counts in the day it was filed, whenever it was decided or
     * inspected: the figures of a day are those of its cohort. Current decisions only (not superseded).
     */
    async declarationDays(r: DashboardRange): Promise<DayOfficeCounts[]> {
      const day = sql<string>`substr(dec.filed_at, 1, 10)`;
      const selected = sql`d.lane in ('red', 'yellow')`;
      // The outcome of a selected declaration: its latest inspection where there is one, else its label.
      const known = sql`(${selected} and (i.declaration_id is not null or dec.label_illicit is not null))`;
      const finding = sql`(${selected} and case when i.declaration_id is not null then i.finding <> 'none' else dec.label_illicit = 1 end)`;
      // Labelled history's revenue is the one recorded with it, else the duty at stake (models/read-labelled.ts: revenueOf).
      // (`finding` is null, not false, for a declaration never decided: hence "when … then", not "when not … then 0".)
      const revenue = sql<number>`case when ${finding} then (case when i.declaration_id is not null then i.revenue_recovered else coalesce(dec.label_revenue, (select coalesce(sum(g.duty), 0) from goods_items g where g.declaration_id = dec.id)) end) else 0 end`;
      let q = db
        .selectFrom('declarations as dec')
        .leftJoin('decisions as d', (j) => j.onRef('d.declaration_id', '=', 'dec.id').on('d.superseded', '=', 0))
        .leftJoin('inspections as i', (j) =>
          j
            .onRef('i.declaration_id', '=', 'dec.id')
            .on(({ not, exists, selectFrom }) => not(exists(selectFrom('inspections as later').select('later.revision').whereRef('later.declaration_id', '=', 'i.declaration_id').whereRef('later.revision', '>', 'i.revision')))),
        )
        .select((eb) => [
          day.as('day'),
          'dec.customs_office as office',
          eb.fn.countAll<number | string>().as('filed'),
          sql<number | string>`sum(case when d.lane = 'red' then 1 else 0 end)`.as('red'),
          sql<number | string>`sum(case when d.lane = 'yellow' then 1 else 0 end)`.as('yellow'),
          sql<number | string>`sum(case when d.lane = 'green' then 1 else 0 end)`.as('green'),
          sql<number | string>`sum(case when ${known} then 1 else 0 end)`.as('inspected'),
          sql<number | string>`sum(case when ${finding} then 1 else 0 end)`.as('findings'),
          sql<number | string | null>`sum(${revenue})`.as('revenue'),
        ])
        .where('dec.filed_at', '>=', r.from)
        .where('dec.filed_at', '<', r.to);
      if (r.office !== undefined) q = q.where('dec.customs_office', '=', r.office);
      const rows = await q.groupBy([day, 'dec.customs_office']).orderBy(day).orderBy('dec.customs_office').execute();
      return rows.map((x) => ({
        day: x.day, office: x.office, filed: n(x.filed), red: n(x.red), yellow: n(x.yellow), green: n(x.green),
        inspected: n(x.inspected), findings: n(x.findings), revenue: n(x.revenue),
      }));
    },

    /**
     * Alerts open at `at` (raised before it, not acknowledged before it), and per day of [from, to)
     * those raised and those acknowledged: with them the caller knows how many were open at the end
     * of any day of the period. Alerts belong to no office.
     */
    async alertDays(r: Omit<DashboardRange, 'office'>): Promise<{ openAtFrom: number; days: AlertDay[] }> {
      const before = await db
        .selectFrom('alerts')
        .select(sql<number | string>`sum(case when acknowledged_at is null or acknowledged_at >= ${r.from} then 1 else 0 end)`.as('open'))
        .where('raised_at', '<', r.from)
        .executeTakeFirst();
      const raisedDay = sql<string>`substr(raised_at, 1, 10)`;
      const raised = await db
        .selectFrom('alerts')
        .select((eb) => [raisedDay.as('day'), eb.fn.countAll<number | string>().as('n')])
        .where('raised_at', '>=', r.from)
        .where('raised_at', '<', r.to)
        .groupBy(raisedDay)
        .execute();
      const ackDay = sql<string>`substr(acknowledged_at, 1, 10)`;
      const acknowledged = await db
        .selectFrom('alerts')
        .select((eb) => [ackDay.as('day'), eb.fn.countAll<number | string>().as('n')])
        .where('acknowledged_at', '>=', r.from)
        .where('acknowledged_at', '<', r.to)
        .groupBy(ackDay)
        .execute();
      const days = new Map<string, { day: string; raised: number; acknowledged: number }>();
      const of = (d: string) => days.get(d) ?? days.set(d, { day: d, raised: 0, acknowledged: 0 }).get(d)!;
      for (const x of raised) of(x.day).raised += n(x.n);
      for (const x of acknowledged) of(x.day).acknowledged += n(x.n);
      return { openAtFrom: n(before?.open), days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)) };
    },
  };
}
export type DashboardRepo = ReturnType<typeof dashboardRepo>;
