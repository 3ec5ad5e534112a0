import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declarationOf, startApi, type TestApi } from './support.ts';

/**
 * What the models page reads: an evaluation carries the curves its charts draw (hits against
 * inspection rate, ROC; the reliability bins were there), a comparison carries both models'
 * curves, and the drift of the traffic from the training period of the model in force.
 */
describe(`models over HTTP: curves and drift (${process.env.DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let api: TestApi;
  let model: string;
  // 180 filings a minute apart from 2024-03-01T00:00Z; the model validates on the last 60.
  const N = 180;
  const VALID_FROM = '2024-03-01T02:00:00Z';
  before(async () => {
    api = await startApi();
    const batch = Array.from({ length: N }, (_, i) => declarationOf('IMP-A', i));
    assert.equal((await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: batch } })).status, 200);
    // Findings in the filings of one goods item (every third), so the model has something to learn.
    for (let i = 0; i < N; i += 1) {
      const r = await api.call('POST', '/api/v1/inspections', { as: 'officer', body: { declarationId: batch[i]!.id, ...(i % 3 === 0 ? { finding: 'seizure', revenueRecovered: 100 + i } : { finding: 'none' }) } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const started = await api.call('POST', '/api/v1/models/train', { as: 'analyst', body: { label: 'illicit', validFrom: VALID_FROM, seed: 5 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    let job = started.body;
    for (let i = 0; i < 600 && (job.status === 'queued' || job.status === 'running'); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await api.call('GET', `/api/v1/jobs/${started.body.id}`, { as: 'analyst' })).body;
    }
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    model = job.result.id;
  });
  after(async () => api.close());

  test('an evaluation carries the curves of its charts, consistent with its numbers', async () => {
    const r = await api.call('POST', `/api/v1/models/${model}/evaluate`, { as: 'analyst', body: { from: VALID_FROM } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { curves, precisionAt, recallAt, revenueAt, reliability, rows, positives } = r.body;
    assert.equal(rows, 60);
    assert.equal(positives, 20);
    assert.equal(curves.inspection.length, 100);
    assert.deepEqual(curves.inspection.slice(0, 2).map((m: { rate: number; k: number }) => [m.rate, m.k]), [[0.01, 0], [0.02, 1]]);
    // The curve passes through the figures at 5 % and 10 % (k = 3 and 6 of 60 rows).
    const at = (rate: number) => curves.inspection.find((m: { rate: number }) => Math.abs(m.rate - rate) < 1e-12);
    for (const [key, rate] of [['5', 0.05], ['10', 0.1]] as const) {
      assert.equal(at(rate).precision, precisionAt[key]);
      assert.equal(at(rate).recall, recallAt[key]);
      assert.equal(at(rate).revenueShare, revenueAt[key]);
    }
    assert.deepEqual(curves.inspection.at(-1), { rate: 1, k: 60, precision: 20 / 60, recall: 1, revenueShare: 1 });
    assert.deepEqual(curves.roc[0], { fpr: 0, tpr: 0 });
    assert.deepEqual(curves.roc.at(-1), { fpr: 1, tpr: 1 });
    assert.ok(curves.roc.length >= 2 && curves.roc.length <= 201, `${curves.roc.length} ROC points`);
    assert.equal(reliability.length, 10);
    assert.equal(reliability.reduce((a: number, b: { count: number }) => a + b.count, 0), 60);
  });

  test('a comparison carries both models\' curves; an unknown model is not found', async () => {
    const r = await api.call('POST', '/api/v1/models/compare', { as: 'analyst', body: { a: model, b: model, from: VALID_FROM } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.a.curves, r.body.b.curves);
    const unknown = `sha256:${'0'.repeat(64)}`;
    assert.equal((await api.call('POST', `/api/v1/models/${unknown}/evaluate`, { as: 'analyst', body: {} })).status, 404);
    assert.equal((await api.call('POST', '/api/v1/models/compare', { as: 'analyst', body: { a: model, b: unknown } })).status, 404);
  });

  test('drift: refused while no model is in force; then the PSI of the score and features, with the score\'s distributions', async () => {
    const path = `/api/v1/models/drift?from=${VALID_FROM}&to=2024-03-02`;
    const none = await api.call('GET', path, { as: 'analyst' });
    assert.equal(none.status, 409, JSON.stringify(none.body));
    assert.match(none.body.error.message, /no model is active/);
    assert.equal((await api.call('POST', `/api/v1/models/${model}/activate`, { as: 'supervisor' })).status, 200);

    const r = await api.call('GET', path, { as: 'analyst' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.model, model);
    assert.equal(r.body.recent.declarations, 60);
    assert.equal(r.body.reference.declarations, 120, 'the training period, its last filing included');
    assert.equal(r.body.threshold, 0.25);
    assert.ok(r.body.features.length > 0);
    for (const f of r.body.features) assert.ok(typeof f.feature === 'string' && f.psi >= 0 && ['stable', 'moderate', 'significant'].includes(f.level));
    const bins = r.body.score.bins as { from: number | null; to: number | null; reference: number; recent: number }[];
    assert.equal(bins[0]!.from, null);
    assert.equal(bins.at(-1)!.to, null);
    assert.ok(Math.abs(bins.reduce((a, b) => a + b.reference, 0) - 1) < 1e-9);
    assert.ok(Math.abs(bins.reduce((a, b) => a + b.recent, 0) - 1) < 1e-9);
    // Reading it raises no alert.
    assert.equal(r.body.alert, null);
    assert.deepEqual((await api.call('GET', '/api/v1/alerts?kind=drift', { as: 'analyst' })).body.alerts, []);

    // Who may read it: whoever may read models.
    assert.equal((await api.call('GET', path, { as: 'auditor' })).status, 200);
    assert.equal((await api.call('GET', path, { as: 'officer' })).status, 403);
    assert.equal((await api.call('GET', path)).status, 401);
  });

  test('drift: a query with a missing period, a date that is not one, or an unknown field is refused, saying which', async () => {
    for (const [q, field] of [['to=2024-03-02', 'from'], ['from=lately&to=2024-03-02', 'from'], ['from=2024-03-01&to=2024-03-02&raise=true', 'raise'], ['from=2024-03-01&to=2024-03-02&label=other', 'label']] as const) {
      const r = await api.call('GET', `/api/v1/models/drift?${q}`, { as: 'analyst' });
      assert.equal(r.status, 400, q);
      assert.ok(JSON.stringify(r.body.error).includes(field), `${q}: ${JSON.stringify(r.body.error)}`);
    }
  });
});
