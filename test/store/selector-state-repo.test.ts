import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { selectorStateRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { at } from '../support/targeting-fixtures.ts';

const state = (n: number) => ({ thresholds: { red: 0.9 - n / 100, yellow: 0.5 }, seen: n, window: [0.25, 0.5, 0.125], note: 'a "quoted" ünïcödé text' });

forEachStore('selector state repo', (h) => {
  it('get is undefined before put; put then get returns the state; put replaces it', async () => {
    const store = await h.open();
    const repo = selectorStateRepo(store.db);
    assert.equal(await repo.get('NLRTM01'), undefined);
    await repo.put('NLRTM01', state(1), at(1));
    assert.deepEqual(await repo.get('NLRTM01'), state(1));
    await repo.put('NLRTM01', state(2), at(2));
    assert.deepEqual(await repo.get('NLRTM01'), state(2));
    assert.equal(await repo.get('KRPUS02'), undefined);
  });

  it('putMany saves many offices, the last of an office given twice', async () => {
    const store = await h.open();
    const repo = selectorStateRepo(store.db);
    await repo.put('O-00000', state(0), at(0));
    const many = Array.from({ length: 1_203 }, (_, i) => ({ office: `O-${String(i).padStart(5, '0')}`, state: state(i) }));
    await repo.putMany([...many, { office: 'O-00001', state: 'last' }], at(1));
    assert.deepEqual(await repo.get('O-00000'), state(0));
    assert.equal(await repo.get('O-00001'), 'last');
    assert.deepEqual(await repo.get('O-01202'), state(1202));
    await repo.putMany([], at(2));
  });

  it('a long sample of scores round-trips exactly (stored as float64 bytes); a state stored as plain JSON still reads', async () => {
    const store = await h.open();
    const repo = selectorStateRepo(store.db);
    const scores = Array.from({ length: 2048 }, (_, i) => Math.sin(i) ** 2 / 3 + Number.EPSILON * i);
    const big = { version: 1, scores, seen: 5000, short: [0.1, 0.2], mixed: [...Array.from({ length: 70 }, () => 1), 'x'] };
    await repo.put('NLRTM01', big, at(1));
    assert.deepEqual(await repo.get('NLRTM01'), big);
    const { rows } = await sql<{ state: string }>`SELECT state FROM selector_state WHERE office = 'NLRTM01'`.execute(store.db);
    assert.ok(rows[0]!.state.length < 25_000, `${rows[0]!.state.length} characters`);
    const old = { version: 1, scores: Array.from({ length: 100 }, (_, i) => i / 100) };
    await sql`INSERT INTO selector_state (office, state, updated_at) VALUES ('OLD', ${JSON.stringify(old)}, ${at(2)})`.execute(store.db);
    assert.deepEqual(await repo.get('OLD'), old);
  });
});
