import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Budget } from '../../src/domain/decision.ts';
import { budgetsRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { at } from '../support/targeting-fixtures.ts';

const DEFAULT = Budget.parse({ office: '*', redRate: 0.02, yellowRate: 0.08 });
const ROTTERDAM = Budget.parse({ office: 'NLRTM01', redRate: 0.05, yellowRate: 0.1, exploreShare: 0.2, exploreMode: 'uniform' });

forEachStore('budgets repo', (h) => {
  it('set then get returns the budget with who set it and when', async () => {
    const store = await h.open();
    const repo = budgetsRepo(store.db);
    await repo.set(ROTTERDAM, 'sup', at(1));
    assert.deepEqual(await repo.get('NLRTM01'), { ...ROTTERDAM, updatedBy: 'sup', updatedAt: at(1) });
  });

  it('set replaces an office budget', async () => {
    const store = await h.open();
    const repo = budgetsRepo(store.db);
    await repo.set(ROTTERDAM, 'sup', at(1));
    const changed = Budget.parse({ ...ROTTERDAM, redRate: 0.01, exploreMode: 'uncertainty' });
    await repo.set(changed, 'sup2', at(2));
    assert.deepEqual(await repo.get('NLRTM01'), { ...changed, updatedBy: 'sup2', updatedAt: at(2) });
    assert.equal((await repo.list()).length, 1);
  });

  it("get falls back to '*' for an office without a budget, and is undefined with neither", async () => {
    const store = await h.open();
    const repo = budgetsRepo(store.db);
    assert.equal(await repo.get('KRPUS02'), undefined);
    await repo.set(ROTTERDAM, 'sup', at(1));
    assert.equal(await repo.get('KRPUS02'), undefined);
    await repo.set(DEFAULT, 'admin', at(2));
    assert.deepEqual(await repo.get('KRPUS02'), { ...DEFAULT, updatedBy: 'admin', updatedAt: at(2) });
    assert.equal((await repo.get('NLRTM01'))?.office, 'NLRTM01');
    assert.equal((await repo.get('*'))?.office, '*');
  });

  it('list is in office order', async () => {
    const store = await h.open();
    const repo = budgetsRepo(store.db);
    await repo.set(ROTTERDAM, 'sup', at(1));
    await repo.set(DEFAULT, 'admin', at(2));
    await repo.set(Budget.parse({ office: 'CNSHA03', redRate: 0.1, yellowRate: 0 }), 'sup', at(3));
    assert.deepEqual((await repo.list()).map((b) => b.office), ['*', 'CNSHA03', 'NLRTM01']);
  });
});
