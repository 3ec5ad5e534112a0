import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { writeModel } from '../../../src/app/models/model-file.ts';
import { activateModel, activeModel, listModels, registerModel } from '../../../src/app/models/registry.ts';
import { DEFAULT_BUDGET, listBudgets, setBudget } from '../../../src/app/targeting/budgets.ts';
import { decideStored } from '../../../src/app/targeting/decide.ts';
import { forEachStore } from '../../support/stores.ts';
import { CLOCK, addStaff, appOf, failsWith, generated, ingest, tempDir, trainSmall } from './fixtures.ts';

/**
 * The model registry and the inspection budgets, on every database: who may register and activate
 * models and set budgets, one model in force per label, and decisions that name the one in force.
 */

const tmp = tempDir('registry');
after(() => tmp.cleanup());

const data = await generated(tmp.path('decl.csv'), { rows: 1200, seed: 'targeting-registry', start: '2025-01-01', days: 30 });
const first = await trainSmall(data.file, '2025-01-22', tmp.path('first.json'));
// A second model: the same trees, trained (as its record says) through another mapping, so another content hash.
const secondPath = tmp.path('second.json');
const second = await writeModel(secondPath, { ...first.model, training: { ...first.model.training, mapping: 'generated-copy.json' } });
const corrupt = tmp.path('corrupt.json');
writeFileSync(corrupt, '{"format": "portcullis-model"');

forEachStore('model registry and budgets', (h) => {
  it('registers models once, activates one per label (supervisors only), and decides with the one in force', async () => {
    const app = appOf(await h.open());
    await addStaff(app);
    await ingest(app.store, [data.file], tmp.path(`rejects-${h.label.replace(/\W+/g, '-')}.csv`));
    await assert.rejects(registerModel(app, 'oli', first.path), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(registerModel(app, 'ana', tmp.path('missing.json')), failsWith('INVALID_FILE'));
    await assert.rejects(registerModel(app, 'ana', corrupt), failsWith('INVALID_FILE'));

    const m1 = await registerModel(app, 'ana', first.path);
    assert.deepEqual([m1.id, m1.label, m1.status, m1.registeredBy], [first.id, 'illicit', 'registered', 'ana']);
    assert.equal((m1.summary.validation as { auc: number }).auc, (first.model.training.validation as { auc: number }).auc);
    assert.equal((await registerModel(app, 'sue', first.path)).registeredBy, 'ana', 'registering again changes nothing');
    const m2 = await registerModel(app, 'sue', secondPath);
    assert.equal(m2.id, second);
    assert.equal(await activeModel(app), undefined, 'registered is not in force');

    await assert.rejects(activateModel(app, 'ana', m1.id), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(activateModel(app, 'sue', 'sha256:0000'), failsWith('NOT_FOUND'));
    assert.equal((await activateModel(app, 'sue', m1.id)).status, 'active');
    assert.equal((await activeModel(app))?.contentHash, m1.id);
    const [one] = (await decideStored(app, { ids: [data.rows[0]!.declaration_id], seed: 1 })).decisions;
    assert.equal(one!.model, m1.id);

    // The second model takes over; the first is retired, and the next decision names the second.
    assert.equal((await activateModel(app, 'sam', m2.id)).activatedBy, 'sam');
    const statuses = Object.fromEntries((await listModels(app)).map((m) => [m.id, m.status]));
    assert.deepEqual(statuses, { [m1.id]: 'retired', [m2.id]: 'active' });
    assert.equal((await activeModel(app))?.contentHash, m2.id);
    const [two] = (await decideStored(app, { ids: [data.rows[0]!.declaration_id], seed: 1 })).decisions;
    assert.deepEqual([two!.revision, two!.model], [2, m2.id]);
    assert.equal(two!.probability, one!.probability, 'the same trees');
  });

  it('sets budgets (supervisors only), refuses one that is not a budget, and falls back to the default', async () => {
    const app = appOf(await h.open());
    await addStaff(app);
    assert.deepEqual(await listBudgets(app), { budgets: [], fallback: DEFAULT_BUDGET });
    await assert.rejects(setBudget(app, 'ana', { office: '*', redRate: 0.05, yellowRate: 0.05 }), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(setBudget(app, 'sue', { office: '*', redRate: 0.6, yellowRate: 0.5 }), failsWith('INVALID_INPUT', 'yellowRate'));
    await assert.rejects(setBudget(app, 'sue', { office: '*', redRate: -0.1, yellowRate: 0.05 }), failsWith('INVALID_INPUT', 'redRate'));
    await assert.rejects(setBudget(app, 'sue', { office: '*', redRate: 0.05, yellowRate: 0.05, exploreMode: 'sometimes' }), failsWith('INVALID_INPUT', 'exploreMode'));
    const office = await setBudget(app, 'sue', { office: 'NL000396', redRate: 0.02, yellowRate: 0.03 });
    assert.deepEqual(office, { office: 'NL000396', redRate: 0.02, yellowRate: 0.03, exploreShare: 0.1, exploreMode: 'uncertainty' });
    const at = CLOCK().toISOString();
    let r = await listBudgets(app);
    assert.deepEqual(r.budgets, [{ ...office, updatedBy: 'sue', updatedAt: at }], 'stored with who set it and when');
    assert.deepEqual(r.fallback, DEFAULT_BUDGET, 'offices without a budget of their own still have the default');
    const every = await setBudget(app, 'sam', { office: '*', redRate: 0.04, yellowRate: 0.01, exploreShare: 0.2, exploreMode: 'uniform' });
    await setBudget(app, 'sue', { office: 'NL000396', redRate: 0.03, yellowRate: 0.03 });
    r = await listBudgets(app);
    assert.deepEqual(r.fallback, { ...every, updatedBy: 'sam', updatedAt: at });
    assert.deepEqual(r.budgets.map((b) => [b.office, b.redRate]).sort(), [['*', 0.04], ['NL000396', 0.03]]);
  });
});
