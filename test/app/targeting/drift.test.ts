import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import { GENERATED_COLUMNS, generateRows, generatedCsvLine, type GeneratedRow } from '../../../src/app/generator/index.ts';
import { driftReport } from '../../../src/app/targeting/drift.ts';
import { psiOfShares } from '../../../src/risk/drift/psi.ts';
import { alertsRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { addStaff, appOf, failsWith, generated, ingest, putModelInForce, tempDir, trainSmall } from './fixtures.ts';

/**
 * Drift, on every database: traffic drawn as the model's training data was is stable against the
 * training period; traffic made different (another world of traders, its values ten times as high
 * and its goods from elsewhere) is flagged, with an alert that recommends retraining.
 */

const tmp = tempDir('drift');
after(() => tmp.cleanup());

// Two months of traffic: the model trains on the first six weeks; the last two are recent traffic like it.
const data = await generated(tmp.path('decl.csv'), { rows: 5000, seed: 'targeting-drift', start: '2025-01-01', days: 56 });
const trained = await trainSmall(data.file, '2025-02-12', tmp.path('model.json'));

// Later traffic, changed: generated with another seed, then every value multiplied by ten and the goods of another origin.
const changedFile = tmp.path('changed.csv');
const changed: GeneratedRow[] = [...generateRows({ rows: 600, seed: 'targeting-drift-changed', start: '2025-04-01', days: 14 })].map((r) => ({
  ...r,
  customs_value: Math.round(r.customs_value * 1000) / 100,
  duty: Math.round(r.duty * 1000) / 100,
  revenue_recovered: Math.round(r.revenue_recovered * 1000) / 100,
  origin_country: r.origin_country === 'BR' ? 'AR' : 'BR',
}));
writeFileSync(changedFile, [GENERATED_COLUMNS.join(','), ...changed.map(generatedCsvLine)].join('\n') + '\n');

forEachStore('drift of the traffic from the training period', (h) => {
  let app: AppContext;
  let model: string;
  before(async () => {
    app = appOf(await h.shared());
    await addStaff(app);
    await assert.rejects(driftReport(app, { recentFrom: '2025-02-12', recentTo: '2025-02-26' }), failsWith('CONFLICT', undefined, /no model is active/));
    await ingest(app.store, [data.file, changedFile], tmp.path(`rejects-${h.label.replace(/\W+/g, '-')}.csv`));
    model = await putModelInForce(app, trained.path);
  });

  it('finds traffic like the training data stable', async () => {
    const r = await driftReport(app, { recentFrom: '2025-02-12', recentTo: '2025-02-26', raiseAlert: true });
    assert.equal(r.model, model);
    // The reference is the training period: its first filing to its last, included.
    const train = data.rows.filter((x) => x.filed_at < '2025-02-12');
    assert.equal(r.reference.from, new Date(train[0]!.filed_at).toISOString());
    assert.equal(r.reference.declarations, train.length);
    assert.equal(r.recent.declarations, data.rows.length - train.length);
    assert.ok(r.features.length > 0 && r.features.length <= 10);
    assert.equal(r.drifted, false, JSON.stringify({ score: r.score, features: r.features }));
    assert.ok(r.score.psi < r.threshold && r.features.every((f) => f.psi < r.threshold));
    assert.match(r.recommendation, /^none/);
    assert.equal(r.alert, null);
    assert.deepEqual(await alertsRepo(app.store.db).list({ kind: 'drift' }), []);
  });

  it('flags traffic that moved, raises an alert and recommends retraining', async () => {
    const quiet = await driftReport(app, { recentFrom: '2025-04-01', recentTo: '2025-04-15' });
    assert.equal(quiet.drifted, true);
    assert.equal(quiet.alert, null, 'no alert unless asked for');

    const r = await driftReport(app, { recentFrom: '2025-04-01', recentTo: '2025-04-15', raiseAlert: true });
    assert.equal(r.recent.declarations, changed.length);
    assert.equal(r.drifted, true);
    const worst = Math.max(r.score.psi, ...r.features.map((f) => f.psi));
    assert.ok(worst >= r.threshold, JSON.stringify(r.features));
    assert.match(r.recommendation, /^retrain/);
    for (const f of r.features.filter((x) => x.psi >= r.threshold)) assert.ok(r.recommendation.includes(f.feature), r.recommendation);
    assert.ok(r.alert !== null);
    const alerts = await alertsRepo(app.store.db).list({ kind: 'drift' });
    assert.deepEqual(alerts.map((a) => [a.id, a.subject, a.status]), [[r.alert, model, 'open']]);
    assert.match(alerts[0]!.message, /retrain/);
  });

  it('gives the score\'s distributions over the bins its PSI was taken on, for a chart', async () => {
    for (const period of [{ recentFrom: '2025-02-12', recentTo: '2025-02-26' }, { recentFrom: '2025-04-01', recentTo: '2025-04-15' }]) {
      const { score } = await driftReport(app, period);
      assert.ok(score.bins.length >= 2 && score.bins.length <= 10, `${score.bins.length} bins`);
      // Open at both ends, each bin starting where the one before ended, the cuts probabilities.
      assert.equal(score.bins[0]!.from, null);
      assert.equal(score.bins.at(-1)!.to, null);
      for (let i = 1; i < score.bins.length; i++) {
        assert.equal(score.bins[i]!.from, score.bins[i - 1]!.to);
        assert.ok(score.bins[i]!.from! > 0 && score.bins[i]!.from! < 1);
      }
      const total = (k: 'reference' | 'recent') => score.bins.reduce((a, b) => a + b[k], 0);
      assert.ok(Math.abs(total('reference') - 1) < 1e-9 && Math.abs(total('recent') - 1) < 1e-9);
      // The PSI is the one of these shares.
      assert.ok(Math.abs(psiOfShares(score.bins.map((b) => b.reference), score.bins.map((b) => b.recent)) - score.psi) < 1e-9);
    }
  });

  it('refuses an empty recent period and dates that are not dates', async () => {
    await assert.rejects(driftReport(app, { recentFrom: '2030-01-01', recentTo: '2030-02-01' }), failsWith('INVALID_INPUT', 'from'));
    await assert.rejects(driftReport(app, { recentFrom: 'lately', recentTo: '2025-04-15' }), failsWith('INVALID_INPUT', 'from'));
    await assert.rejects(driftReport(app, { recentFrom: '2025-04-01', recentTo: '2025-04-15', referenceFrom: '2030-01-01', referenceTo: '2030-02-01' }), failsWith('CONFLICT', undefined, /no declaration filed in the reference period/));
  });
});
