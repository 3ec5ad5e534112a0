import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { modelsRepo, type ModelRegistration } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { at } from '../support/targeting-fixtures.ts';

const model = (n: number, label = 'illicit', over: Partial<ModelRegistration> = {}): ModelRegistration => ({
  id: `sha256:${String(n).padStart(64, '0')}`,
  label,
  body: JSON.stringify({ format: 'portcullis-gbdt', version: 1, trees: [[n, 0.5, -1]], note: 'ünïcödé "quoted"' }),
  summary: { rows: 1000 * n, auc: 0.8 + n / 100, features: ['hs6', 'value_per_kg'] },
  by: 'analyst-1',
  at: at(n),
  ...over,
});

forEachStore('models repo', (h) => {
  it('register then get returns the model with its file; list leaves the file out', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    const m = model(1);
    assert.equal(await repo.register(m), true);
    assert.deepEqual(await repo.get(m.id), { id: m.id, label: m.label, body: m.body, summary: m.summary, registeredBy: 'analyst-1', registeredAt: at(1), status: 'registered' });
    const [listed] = await repo.list();
    assert.deepEqual(listed, { id: m.id, label: m.label, summary: m.summary, registeredBy: 'analyst-1', registeredAt: at(1), status: 'registered' });
    assert.equal(await repo.get('sha256:none'), undefined);
  });

  it('registering the same hash again changes nothing', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    await repo.register(model(1));
    assert.equal(await repo.register(model(1, 'other', { by: 'someone', at: at(9) })), false);
    assert.equal((await repo.get(model(1).id))?.registeredBy, 'analyst-1');
    assert.equal((await repo.list()).length, 1);
  });

  it('a file of several MB round-trips', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    const body = JSON.stringify({ trees: Array.from({ length: 600_000 }, (_, i) => i * 0.5) });
    assert.ok(body.length > 3_000_000);
    await repo.register(model(2, 'illicit', { body }));
    assert.equal((await repo.get(model(2).id))?.body, body);
  });

  it('one active model per label: activating one retires the one before', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    for (const m of [model(1), model(2), model(3), model(4, 'critical')]) await repo.register(m);
    assert.equal(await repo.active('illicit'), undefined);
    assert.deepEqual(await repo.activate(model(1).id, 'sup', at(10)), { retired: undefined });
    assert.deepEqual(await repo.activate(model(4).id, 'sup', at(11)), { retired: undefined });
    assert.deepEqual(await repo.activate(model(2).id, 'sup2', at(12)), { retired: model(1).id });
    const active = await repo.active('illicit');
    assert.equal(active?.id, model(2).id);
    assert.equal(active?.body, model(2).body);
    assert.equal(active?.activatedBy, 'sup2');
    assert.equal(active?.activatedAt, at(12));
    assert.equal((await repo.active('critical'))?.id, model(4).id);
    const status = Object.fromEntries((await repo.list()).map((m) => [m.id, m.status]));
    assert.deepEqual(status, { [model(1).id]: 'retired', [model(2).id]: 'active', [model(3).id]: 'registered', [model(4).id]: 'active' });
    // Activating the active one again changes nothing, not even who activated it.
    assert.deepEqual(await repo.activate(model(2).id, 'other', at(13)), { retired: undefined });
    assert.equal((await repo.active('illicit'))?.activatedBy, 'sup2');
  });

  it('activating an unknown model is NOT_FOUND and leaves the active one active', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    await repo.register(model(1));
    await repo.activate(model(1).id, 'sup', at(10));
    await assert.rejects(repo.activate('sha256:none', 'sup', at(11)), (e) => isPortcullisError(e) && e.code === 'NOT_FOUND');
    assert.equal((await repo.active('illicit'))?.id, model(1).id);
  });

  it('the database itself refuses a second active model of a label', async () => {
    const store = await h.open();
    const repo = modelsRepo(store.db);
    await repo.register(model(1));
    await repo.register(model(2));
    await repo.activate(model(1).id, 'sup', at(10));
    await assert.rejects(store.db.updateTable('models').set({ status: 'active' }).where('id', '=', model(2).id).execute());
  });
});
