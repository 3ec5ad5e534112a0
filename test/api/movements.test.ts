import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordMovements } from '../../src/app/movements/record-movements.ts';
import { movementsRepo } from '../../src/store/index.ts';
import { movement, movementInput } from '../support/movement-fixtures.ts';
import { startApi, type TestApi } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

describe(`carriers' movements over the API (${DB})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
    const at = (i: number) => new Date(Date.UTC(2025, 2, 1, i)).toISOString();
    // CAR-1 is the test carrier's party (support.ts); five of its own and three of another carrier.
    await movementsRepo(api.app.store.db).add([
      ...Array.from({ length: 5 }, (_, i) => movement(`OWN-${i}`, { carrier: 'CAR-1', eventDateTime: at(i) })),
      ...Array.from({ length: 3 }, (_, i) => movement(`OTHER-${i}`, { carrier: 'MSCU', eventDateTime: at(10 + i) })),
    ], at(20));
  });
  after(async () => api.close());

  const ids = (b: { movements: { event: { eventId: string } }[] }) => b.movements.map((m) => m.event.eventId);

  test('a carrier lists its own movements, newest first, page after page; never another carrier\'s', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await api.call('GET', `/api/v1/movements?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, { as: 'carrier' });
      assert.equal(r.status, 200);
      seen.push(...ids(r.body));
      cursor = r.body.next;
    } while (cursor !== null);
    assert.deepEqual(seen, ['OWN-4', 'OWN-3', 'OWN-2', 'OWN-1', 'OWN-0']);
  });

  test('staff list everyone\'s; a trader may not; a cursor not given by the API is refused, naming it', async () => {
    const all = await api.call('GET', '/api/v1/movements', { as: 'officer' });
    assert.equal(all.status, 200);
    assert.deepEqual(ids(all.body), ['OTHER-2', 'OTHER-1', 'OTHER-0', 'OWN-4', 'OWN-3', 'OWN-2', 'OWN-1', 'OWN-0']);
    assert.equal(all.body.next, null);
    assert.equal((await api.call('GET', '/api/v1/movements', { as: 'trader' })).status, 403);
    const bad = await api.call('GET', '/api/v1/movements?cursor=bm90LWEtY3Vyc29y', { as: 'officer' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].field, 'querystring.cursor');
  });
  test('a carrier gets the inclusion proofs of its own movements\' ledger entries, and no other party\'s', async () => {
    const file = join(api.config.dataDir, 'recorded.jsonl');
    writeFileSync(file, [movementInput('LEDGERED-OWN', { carrier: 'CAR-1' }), movementInput('LEDGERED-OTHER', { carrier: 'MSCU' })].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const recorded = await recordMovements(api.app, 'sam', file);
    assert.equal(recorded.ledgerEntries, 2);
    const index = async (id: string) => (await movementsRepo(api.app.store.db).get(id))!.ledgerIndex!;
    const own = await index('LEDGERED-OWN');
    const other = await index('LEDGERED-OTHER');
    const proof = await api.call('GET', `/api/v1/ledger/entries/${own}/proof`, { as: 'carrier' });
    assert.equal(proof.status, 200, JSON.stringify(proof.body));
    assert.equal(JSON.parse(proof.body.payload.json).eventId, 'LEDGERED-OWN');
    assert.equal((await api.call('GET', `/api/v1/ledger/entries/${own}`, { as: 'carrier' })).status, 200);
    // Another carrier's entry, and a movement's entry to a trader, answer as an unknown entry does.
    for (const [who, i] of [['carrier', other], ['trader', own]] as const) {
      const r = await api.call('GET', `/api/v1/ledger/entries/${i}/proof`, { as: who });
      assert.equal(r.status, 404, `${who} ${i}`);
    }
    assert.equal((await api.call('GET', `/api/v1/ledger/entries/${other}/proof`, { as: 'officer' })).status, 200);
  });
});
