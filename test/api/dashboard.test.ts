import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declarationOf, startApi, STORE_LABEL, type TestApi, type Who } from './support.ts';

describe(`GET /api/v1/dashboard (${STORE_LABEL})`, () => {
  let api: TestApi;
  /** The lane each filing was given, as the filing's answer told the trader. */
  const lanes = new Map<string, { office: string; lane: string }>();
  before(async () => {
    api = await startApi();
    // Six filings, 1 March 2024 from midnight a minute apart, in three offices (the series cycles them).
    for (let i = 0; i < 6; i++) {
      const d = declarationOf('IMP-A', i);
      const r = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: d });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      lanes.set(d.id, { office: d.customsOffice, lane: r.body.lane });
    }
  });
  after(async () => api.close());

  test('analysts, supervisors and auditors read it; the administrator, officers, traders and carriers are refused; no one signed out', async () => {
    const got: Record<string, number> = {};
    for (const who of ['analyst', 'supervisor', 'auditor', 'admin', 'officer', 'trader', 'carrier'] as const satisfies readonly Who[]) {
      const r = await api.call('GET', '/api/v1/dashboard', { as: who });
      got[who] = r.status;
      if (r.status !== 200) assert.equal(r.body.error.code, 'FORBIDDEN', who);
    }
    assert.deepEqual(got, { analyst: 200, supervisor: 200, auditor: 200, admin: 403, officer: 403, trader: 403, carrier: 403 });
    assert.equal((await api.call('GET', '/api/v1/dashboard')).status, 401);
  });

  test('by default the weeks up to the newest filing, with the lanes the filings were given', async () => {
    const r = await api.call('GET', '/api/v1/dashboard', { as: 'supervisor' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = r.body;
    // The filings are in the week of Monday 26 February 2024: the period ends the Monday after.
    assert.equal(d.to, '2024-03-04T00:00:00.000Z');
    assert.equal(d.bucket, 'week');
    const all = [...lanes.values()];
    const count = (lane: string, office?: string) => all.filter((x) => x.lane === lane && (office === undefined || x.office === office)).length;
    assert.equal(d.totals.filed, 6);
    assert.deepEqual([d.totals.red, d.totals.yellow, d.totals.green], [count('red'), count('yellow'), count('green')]);
    assert.equal(d.series.at(-1).filed, 6);
    const offices = [...new Set(all.map((x) => x.office))].sort();
    assert.deepEqual(d.offices, offices);
    assert.deepEqual(d.byOffice.map((o: { office: string; filed: number }) => [o.office, o.filed]), offices.map((o) => [o, 2]));
    assert.ok(d.byOffice.every((o: { budget: string; target: number }) => o.budget === '*' && Math.abs(o.target - 0.05) < 1e-12), 'the default budget: 3 % red + 2 % yellow');

    const four = (await api.call('GET', '/api/v1/dashboard?weeks=1', { as: 'supervisor' })).body;
    assert.deepEqual([four.from, four.to, four.bucket, four.series.length, four.totals.filed], ['2024-02-26T00:00:00.000Z', '2024-03-04T00:00:00.000Z', 'day', 7, 6]);

    const office = offices[1]!;
    const one = (await api.call('GET', `/api/v1/dashboard?from=2024-03-01&to=2024-03-02&office=${office}`, { as: 'analyst' })).body;
    assert.equal(one.bucket, 'day');
    assert.equal(one.office, office);
    assert.equal(one.totals.filed, 2);
    assert.deepEqual([one.totals.red, one.totals.yellow, one.totals.green], [count('red', office), count('yellow', office), count('green', office)]);
    assert.deepEqual(one.byOffice.map((o: { office: string }) => o.office), [office]);
    assert.deepEqual(one.offices, offices, 'every office stays there to choose from');
  });

  test('a budget set by a supervisor is the target the office is measured against', async () => {
    const office = [...lanes.values()][0]!.office;
    assert.equal((await api.call('PUT', `/api/v1/budgets/${office}`, { as: 'supervisor', body: { redRate: 0.1, yellowRate: 0.05 } })).status, 200);
    const d = (await api.call('GET', `/api/v1/dashboard?office=${office}`, { as: 'auditor' })).body;
    assert.ok(Math.abs(d.totals.target - 0.15) < 1e-12);
    assert.equal(d.byOffice[0].budget, office);
    assert.equal(d.rates[0].target, d.totals.target);
  });

  test('a query it does not know, a date that is none, an empty period or a bad office is refused, naming the field', async () => {
    for (const [path, field] of [
      ['/api/v1/dashboard?lane=red', 'lane'],
      ['/api/v1/dashboard?from=yesterday', 'from'],
      ['/api/v1/dashboard?from=2024-03-02&to=2024-03-01', 'to'],
      ['/api/v1/dashboard?office=NL%20RTM', 'office'],
      ['/api/v1/dashboard?weeks=0', 'weeks'],
    ] as const) {
      const r = await api.call('GET', path, { as: 'supervisor' });
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code === 'INVALID_INPUT' || r.body.error.code === 'VALIDATION', true, JSON.stringify(r.body));
      assert.ok(JSON.stringify(r.body.error.details ?? []).includes(field) || r.body.error.message.includes(field), `${path}: ${JSON.stringify(r.body)}`);
    }
  });
});
