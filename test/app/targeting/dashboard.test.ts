import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboard, type DashboardFigures } from '../../../src/app/targeting/dashboard.ts';
import type { Lane } from '../../../src/domain/rule.ts';
import type { Labels } from '../../../src/domain/declaration.ts';
import { alertsRepo, budgetsRepo, decisionsRepo, inspectionsRepo, type StoreAdapter } from '../../../src/store/index.ts';
import { declarationInput, forEachStore, makeRecord } from '../../support/stores.ts';
import { alert, decision, inspection, storeRecords } from '../../support/targeting-fixtures.ts';
import { appOf, failsWith, wilson } from './fixtures.ts';

const A = 'NLRTM01';
const B = 'KRPUS02';

/**
 * A small store whose every figure is counted by hand below: ten declarations, two offices, lanes,
 * an override, an inspection and its correction, labelled history, budgets and alerts.
 *
 *  id  filed (UTC)           office  lane (current)   outcome                              counts as
 *  D0  2024-03-04 10:00      A       red              seizure recorded, 500 recovered       inspected, finding, 500
 *  D1  2024-03-04 11:00      A       yellow           label: not illicit                    inspected
 *  D2  2024-03-04 12:00      B       green            label: illicit                        (not selected)
 *  D3  2024-03-05 09:00      B       red → green      —                                     (overridden: green)
 *  D4  2024-03-05 10:00      A       red              seizure 100, corrected to none        inspected
 *  D5  2024-03-06 00:00      A       (undecided)      label: illicit                        filed only
 *  D6  2024-03-06 01:00      B       red              label: illicit, 250 recovered         inspected, finding, 250
 *  D7  2024-03-06 02:00      B       red              label: illicit; duties 12.5 + 7.5     inspected, finding, 20
 *  D8  2024-03-18 00:00      A       red              —                                     (after the period)
 *  D9  2024-03-03 23:59:59   B       red              —                                     (before the period)
 */
async function seed(store: StoreAdapter): Promise<void> {
  const rows: [string, string, Labels, { duties?: number[] }?][] = [
    ['2024-03-04T10:00:00.000Z', A, {}],
    ['2024-03-04T11:00:00.000Z', A, { illicit: false }],
    ['2024-03-04T12:00:00.000Z', B, { illicit: true }],
    ['2024-03-05T09:00:00.000Z', B, {}],
    ['2024-03-05T10:00:00.000Z', A, {}],
    ['2024-03-06T00:00:00.000Z', A, { illicit: true }],
    ['2024-03-06T01:00:00.000Z', B, { illicit: true, revenueRecovered: 250 }],
    ['2024-03-06T02:00:00.000Z', B, { illicit: true }, { duties: [12.5, 7.5] }],
    ['2024-03-18T00:00:00.000Z', A, {}],
    ['2024-03-03T23:59:59.000Z', B, {}],
  ];
  await storeRecords(
    store,
    rows.map(([filedAt, office, labels, o], i) => {
      const items = declarationInput(i).items.slice(0, o?.duties?.length ?? 1).map((it, k) => ({ ...it, ...(o?.duties ? { duty: o.duties[k]! } : {}) }));
      return makeRecord(i, { prefix: 'D', labels, declaration: { id: `D${i}`, filedAt, customsOffice: office, items } });
    }),
  );
  const lane = (id: string, office: string, l: Lane, revision = 1) => decision(id, revision, { office, lane: l, ...(l === 'green' ? { selectionType: 'none', propensity: 0.9 } : {}) });
  await decisionsRepo(store.db).insert([lane('D0', A, 'red'), lane('D1', A, 'yellow'), lane('D2', B, 'green'), lane('D3', B, 'red'), lane('D4', A, 'red'), lane('D6', B, 'red'), lane('D7', B, 'red'), lane('D8', A, 'red'), lane('D9', B, 'red')]);
  await decisionsRepo(store.db).insert([lane('D3', B, 'green', 2)]);
  const inspections = inspectionsRepo(store.db);
  await inspections.record(inspection('D0', 'seizure', { revenueRecovered: 500 }), '2024-04-02T00:00:00.000Z');
  await inspections.record(inspection('D4', 'seizure', { revenueRecovered: 100 }), '2024-04-02T00:00:00.000Z');
  await inspections.record(inspection('D4', 'none'), '2024-04-03T00:00:00.000Z');
  await budgetsRepo(store.db).set({ office: A, redRate: 0.06, yellowRate: 0.04, exploreShare: 0.1, exploreMode: 'uniform' }, 'sue', '2024-01-01T00:00:00.000Z');

  const alerts = alertsRepo(store.db);
  await alerts.raise(alert('old-closed', { raisedAt: '2024-02-01T00:00:00.000Z' }));
  await alerts.acknowledge('old-closed', 'ana', '2024-02-02T00:00:00.000Z', 'seen');
  await alerts.raise(alert('old-open', { raisedAt: '2024-03-01T00:00:00.000Z' }));
  await alerts.acknowledge('old-open', 'ana', '2024-03-05T12:00:00.000Z', 'seen');
  await alerts.raise(alert('new-open', { raisedAt: '2024-03-04T08:00:00.000Z' }));
  await alerts.raise(alert('new-closed', { raisedAt: '2024-03-06T08:00:00.000Z' }));
  await alerts.acknowledge('new-closed', 'ana', '2024-03-06T20:00:00.000Z', 'seen');
  await alerts.raise(alert('later', { raisedAt: '2024-03-20T00:00:00.000Z' }));
}

type Counts = Pick<DashboardFigures, 'filed' | 'red' | 'yellow' | 'green' | 'inspected' | 'findings' | 'revenue'>;
const EMPTY: Counts = { filed: 0, red: 0, yellow: 0, green: 0, inspected: 0, findings: 0, revenue: 0 };

/** The figures that follow from the hand counts: decided, the rates and the interval. */
function expected(c: Counts): DashboardFigures {
  const decided = c.red + c.yellow + c.green;
  const w = wilson(c.findings, c.inspected);
  return {
    ...c, decided,
    inspectionRate: decided > 0 ? (c.red + c.yellow) / decided : null,
    hitRate: c.inspected > 0 ? w.rate : null, hitRateLow: c.inspected > 0 ? w.low : null, hitRateHigh: c.inspected > 0 ? w.high : null,
  };
}

/** Equal, rates within rounding (the interval is written out twice: here and in risk/effectiveness). */
function sameFigures(actual: DashboardFigures, want: DashboardFigures, what: string): void {
  for (const k of Object.keys(want) as (keyof DashboardFigures)[]) {
    const a = actual[k];
    const e = want[k];
    if (typeof a === 'number' && typeof e === 'number') assert.ok(Math.abs(a - e) < 1e-6, `${what} ${k}: ${a}, expected ${e}`);
    else assert.equal(a, e, `${what} ${k}`);
  }
}

const MAR4 = { filed: 3, red: 1, yellow: 1, green: 1, inspected: 2, findings: 1, revenue: 500 };
const MAR5 = { filed: 2, red: 1, yellow: 0, green: 1, inspected: 1, findings: 0, revenue: 0 };
const MAR6 = { filed: 3, red: 2, yellow: 0, green: 0, inspected: 2, findings: 2, revenue: 270 };
const sum = (...cs: Counts[]): Counts => cs.reduce((s, c) => ({ filed: s.filed + c.filed, red: s.red + c.red, yellow: s.yellow + c.yellow, green: s.green + c.green, inspected: s.inspected + c.inspected, findings: s.findings + c.findings, revenue: s.revenue + c.revenue }), EMPTY);

forEachStore('the dashboard', (h) => {
  test('day by day: flow, lanes, inspection rate, outcomes, revenue and alerts agree with the hand counts', async () => {
    const store = await h.open();
    await seed(store);
    const d = await dashboard(appOf(store), { from: '2024-03-04', to: '2024-03-18' });
    assert.equal(d.bucket, 'day');
    assert.equal(d.from, '2024-03-04T00:00:00.000Z');
    assert.equal(d.to, '2024-03-18T00:00:00.000Z');
    assert.equal(d.office, null);
    assert.deepEqual(d.offices, [B, A].sort());
    assert.equal(d.series.length, 14, 'every day of the period, the empty ones too');
    assert.equal(d.series[0]!.start, '2024-03-04');
    assert.equal(d.series[13]!.start, '2024-03-17');
    sameFigures(d.series[0]!, expected(MAR4), '4 March');
    sameFigures(d.series[1]!, expected(MAR5), '5 March');
    sameFigures(d.series[2]!, expected(MAR6), '6 March');
    for (const p of d.series.slice(3)) sameFigures(p, expected(EMPTY), p.start);
    sameFigures(d.totals, expected(sum(MAR4, MAR5, MAR6)), 'the period');
    assert.equal(d.totals.filed, 8);
    assert.equal(d.totals.inspectionRate, 5 / 7);

    // Open at the start: old-open. 4 March: new-open raised (2). 5 March: old-open acknowledged (1). 6 March: new-closed raised and acknowledged (1).
    assert.deepEqual(d.series.slice(0, 4).map((p) => [p.alertsRaised, p.alertsOpen]), [[1, 2], [0, 1], [1, 1], [0, 1]]);
    assert.equal(d.totals.alertsRaised, 2);
    assert.equal(d.totals.alertsOpen, 1);

    // Office A: D0, D1, D4, D5 under its own budget (6 % + 4 %); B: D2, D3, D6, D7 under the built-in default (3 % + 2 %).
    const a = { filed: 4, red: 2, yellow: 1, green: 0, inspected: 3, findings: 1, revenue: 500 };
    const b = { filed: 4, red: 2, yellow: 0, green: 2, inspected: 2, findings: 2, revenue: 270 };
    assert.deepEqual(d.byOffice.map((o) => [o.office, o.budget]), [[B, '*'], [A, A]]);
    sameFigures(d.byOffice.find((o) => o.office === A)!, expected(a), 'office A');
    sameFigures(d.byOffice.find((o) => o.office === B)!, expected(b), 'office B');
    assert.ok(Math.abs(d.byOffice.find((o) => o.office === A)!.target - 0.1) < 1e-12);
    assert.ok(Math.abs(d.byOffice.find((o) => o.office === B)!.target - 0.05) < 1e-12);
    assert.ok(Math.abs(d.totals.target! - (0.1 * 3 + 0.05 * 4) / 7) < 1e-12, 'the targets weighted by decisions');
    const ratesA = d.rates.find((r) => r.office === A)!;
    assert.deepEqual(ratesA.rates.slice(0, 4), [1, 1, null, null], 'A decided D0, D1 on the 4th, D4 on the 5th, nothing on the 6th (D5 undecided)');
    assert.deepEqual(d.rates.find((r) => r.office === B)!.rates.slice(0, 3), [0, 0, 1]);
  });

  test('one office: its figures and its own budget target; the offices to choose from stay all', async () => {
    const store = await h.open();
    await seed(store);
    const d = await dashboard(appOf(store), { from: '2024-03-04', to: '2024-03-18', office: A });
    assert.equal(d.office, A);
    assert.deepEqual(d.offices, [B, A].sort());
    sameFigures(d.totals, expected({ filed: 4, red: 2, yellow: 1, green: 0, inspected: 3, findings: 1, revenue: 500 }), 'office A');
    assert.ok(Math.abs(d.totals.target! - 0.1) < 1e-12);
    assert.deepEqual(d.byOffice.map((o) => o.office), [A]);
    assert.deepEqual(d.rates.map((r) => r.office), [A]);
    sameFigures(d.series[0]!, expected({ filed: 2, red: 1, yellow: 1, green: 0, inspected: 2, findings: 1, revenue: 500 }), 'A on 4 March');
    assert.equal(d.totals.alertsOpen, 1, 'alerts are every office\'s');
    const none = await dashboard(appOf(store), { from: '2024-03-04', to: '2024-03-18', office: 'ZZZZZ99' });
    sameFigures(none.totals, expected(EMPTY), 'an office without filings');
    assert.ok(Math.abs(none.totals.target! - 0.05) < 1e-12, 'the default budget');
  });

  test('longer periods go week by week (Monday weeks, the first one cut at the period) and month by month', async () => {
    const store = await h.open();
    await seed(store);
    const weeks = await dashboard(appOf(store), { from: '2024-03-01', to: '2024-05-10' });
    assert.equal(weeks.bucket, 'week');
    assert.deepEqual(weeks.series.slice(0, 4).map((p) => p.start), ['2024-03-01', '2024-03-04', '2024-03-11', '2024-03-18']);
    assert.equal(weeks.series.at(-1)!.start, '2024-05-06');
    const d9 = { filed: 1, red: 1, yellow: 0, green: 0, inspected: 0, findings: 0, revenue: 0 };
    sameFigures(weeks.series[0]!, expected(d9), 'the week cut at 1 March: D9');
    sameFigures(weeks.series[1]!, expected(sum(MAR4, MAR5, MAR6)), 'the week of 4 March');
    sameFigures(weeks.series[3]!, expected(d9), 'the week of 18 March: D8');
    // old-open is raised at the period's first instant (1 March), so it counts as raised in it, not as open before it.
    assert.deepEqual(weeks.series.slice(0, 4).map((p) => p.alertsRaised), [1, 2, 0, 1], 'old-open; new-open and new-closed; -; later');
    assert.deepEqual(weeks.series.slice(0, 4).map((p) => p.alertsOpen), [1, 1, 1, 2]);

    const months = await dashboard(appOf(store), { from: '2020-01-15', to: '2024-06-01' });
    assert.equal(months.bucket, 'month');
    assert.equal(months.series[0]!.start, '2020-01-15');
    assert.equal(months.series[1]!.start, '2020-02-01');
    sameFigures(months.series.find((p) => p.start === '2024-03-01')!, expected(sum(MAR4, MAR5, MAR6, d9, d9)), 'March 2024');
  });

  test('by default the twelve weeks up to the week of the newest filing, not up to today', async () => {
    const store = await h.open();
    await seed(store);
    const d = await dashboard(appOf(store, () => new Date('2026-12-07T12:00:00.000Z')));
    // The newest filing, D8, is on Monday 18 March 2024: the period runs to the Monday after.
    assert.equal(d.to, '2024-03-25T00:00:00.000Z');
    assert.equal(d.from, '2024-01-01T00:00:00.000Z');
    assert.equal(d.bucket, 'week');
    assert.equal(d.series.length, 12);
    assert.equal(d.totals.filed, 10);
    const four = await dashboard(appOf(store), { weeks: 4 });
    assert.deepEqual([four.from, four.to, four.bucket, four.totals.filed], ['2024-02-26T00:00:00.000Z', '2024-03-25T00:00:00.000Z', 'day', 10]);
    await assert.rejects(dashboard(appOf(store), { weeks: 0 }), failsWith('INVALID_INPUT', 'weeks'));
    const short = await dashboard(appOf(store), { from: '2024-03-11' });
    assert.equal(short.to, '2024-03-25T00:00:00.000Z');
    assert.equal(short.bucket, 'day');
    assert.equal(short.totals.filed, 1);
  });

  test('an empty store: the weeks up to today, nothing in them; a period that is none is refused', async () => {
    const store = await h.open();
    const app = appOf(store, () => new Date('2026-12-09T12:00:00.000Z'));
    const d = await dashboard(app);
    assert.equal(d.to, '2026-12-14T00:00:00.000Z');
    assert.equal(d.series.length, 12);
    sameFigures(d.totals, expected(EMPTY), 'empty');
    assert.equal(d.totals.target, null);
    assert.deepEqual([d.offices, d.byOffice, d.rates], [[], [], []]);
    await assert.rejects(dashboard(app, { from: '2024-03-05', to: '2024-03-05' }), failsWith('INVALID_INPUT', 'to'));
    await assert.rejects(dashboard(app, { from: 'yesterday', to: '2024-03-05' }), failsWith('INVALID_INPUT', 'from'));
    await assert.rejects(dashboard(app, { from: '1990-01-01', to: '2024-03-05' }), failsWith('INVALID_INPUT', 'from', /longer/));
  });
});
