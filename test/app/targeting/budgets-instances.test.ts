import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setBudget } from '../../../src/app/targeting/budgets.ts';
import { openDecider } from '../../../src/app/targeting/decide.ts';
import { closeLedger } from '../../../src/app/ledger/ledger.ts';
import { declarationsRepo, openStore, type StoreAdapter } from '../../../src/store/index.ts';
import type { Declaration } from '../../../src/domain/declaration.ts';
import { PG_SKIP, pgSchemas } from '../../support/stores.ts';
import { addStaff, appOf, generated, ingest, putModelInForce, tempDir, trainSmall } from './fixtures.ts';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

/**
 * Several instances on one PostgreSQL database each decide a share of an office's traffic (a load
 * balancer spreads the filings): each instance's selector steers its own share to the office's
 * target rate, so the office as a whole keeps its budget, as one instance deciding everything does.
 */
describe('selection budgets across instances on PostgreSQL', databaseUrl === undefined ? { skip: PG_SKIP } : {}, () => {
  const tmp = tempDir('budgets-instances');
  const schemas = pgSchemas(databaseUrl);
  const stores: StoreAdapter[] = [];
  after(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    await schemas.drop();
    tmp.cleanup();
  });

  const BUDGET = { office: '*', redRate: 0.05, yellowRate: 0.05, exploreShare: 0.1, exploreMode: 'uniform' } as const;

  it('two instances deciding alternate batches keep the combined red and yellow rates within ±10% of the target', async () => {
    const data = await generated(tmp.path('decl.csv'), { rows: 6000, seed: 'budgets-instances', start: '2025-01-01', days: 60 });
    const trained = await trainSmall(data.file, '2025-01-20', tmp.path('model.json'));
    const schema = schemas.fresh();
    const open = () => openStore({ databaseUrl, pgSchema: schema, sqliteFile: '' }).then((s) => (stores.push(s), s));
    const first = appOf(await open());
    await ingest(first.store, [data.file], tmp.path('rejects.csv'));
    await addStaff(first);
    await putModelInForce(first, trained.path);
    await setBudget(first, 'sue', { ...BUDGET });
    const second = { ...first, store: await open() };

    // In filing order, as they would arrive.
    const all: Declaration[] = (await declarationsRepo(first.store.db).list({ limit: 10_000 })).map((r) => r.declaration);
    assert.equal(all.length, data.rows.length);
    const [a, b] = [await openDecider(first, { seed: 1 }), await openDecider(second, { seed: 2 })];
    const lanes = { red: 0, yellow: 0, green: 0 };
    const perInstance = [0, 0];
    for (let i = 0, k = 0; i < all.length; i += 25, k++) {
      const decider = k % 2 === 0 ? a : b;
      for (const d of await decider.decide(all.slice(i, i + 25))) {
        lanes[d.lane] += 1;
        if (d.lane !== 'green') perInstance[k % 2]! += 1;
      }
    }
    await a.close();
    await b.close();
    await closeLedger(first);
    await closeLedger(second);
    const n = all.length;
    assert.equal(lanes.red + lanes.yellow + lanes.green, n);
    for (const lane of ['red', 'yellow'] as const) {
      const rate = lanes[lane] / n;
      const target = lane === 'red' ? BUDGET.redRate : BUDGET.yellowRate;
      assert.ok(Math.abs(rate - target) <= 0.1 * target, `${lane}: ${(100 * rate).toFixed(2)}% of ${n}, target ${100 * target}%`);
    }
    // Both instances took their share of the inspections, not one of them all.
    assert.ok(perInstance.every((c) => c > 0.35 * (lanes.red + lanes.yellow)), `checked per instance ${perInstance.join(', ')}`);
  });
});
