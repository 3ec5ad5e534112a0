import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Party, type PartyRole } from '../../src/domain/party.ts';
import { partiesRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';

const NOW = '2024-06-01T12:00:00.000Z';
const party = (id: string, roles: PartyRole[], over: Partial<Party> = {}): Party =>
  Party.parse({ id, name: `Party ${id}`, roles, country: 'cn', ...over });

const PARTIES: Party[] = [
  party('P-01', ['importer'], { aeo: true }),
  party('P-02', ['exporter', 'seller'], { country: 'KR' }),
  party('P-03', ['importer', 'declarant']),
  party('P-04', ['carrier']),
  party('P-05', ['courier', 'importer'], { name: 'Quote "and" percent % underscore _' }),
];

forEachStore('parties repo', (h) => {
  it('upsert then get returns each party as saved', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    await repo.upsert(PARTIES, NOW);
    for (const p of PARTIES) assert.deepEqual(await repo.get(p.id), p);
    assert.equal(PARTIES[0]!.country, 'CN');
    assert.equal((await repo.get('P-01'))?.aeo, true);
    assert.equal((await repo.get('P-03'))?.aeo, false);
  });

  it('get of an unknown id is undefined', async () => {
    const store = await h.open();
    assert.equal(await partiesRepo(store.db).get('P-404'), undefined);
  });

  it('upsert replaces a party whole', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    await repo.upsert(PARTIES, NOW);
    const changed = party('P-01', ['seller'], { name: 'Renamed', country: 'KR', aeo: false });
    await repo.upsert([changed], '2024-06-02T00:00:00.000Z');
    assert.deepEqual(await repo.get('P-01'), changed);
    assert.equal((await repo.list({ limit: 100 })).length, PARTIES.length);
  });

  it('upsert with nothing to save does nothing', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    await repo.upsert([], NOW);
    assert.deepEqual(await repo.list(), []);
  });

  it('list is in id order and filters by role', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    await repo.upsert([...PARTIES].reverse(), NOW);
    assert.deepEqual((await repo.list()).map((p) => p.id), ['P-01', 'P-02', 'P-03', 'P-04', 'P-05']);
    const roles: [PartyRole, string[]][] = [
      ['importer', ['P-01', 'P-03', 'P-05']],
      ['exporter', ['P-02']],
      ['seller', ['P-02']],
      ['declarant', ['P-03']],
      ['carrier', ['P-04']],
      ['courier', ['P-05']],
    ];
    for (const [role, ids] of roles) {
      assert.deepEqual((await repo.list({ role })).map((p) => p.id), ids, role);
    }
  });

  it('list pages with limit and afterId', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    await repo.upsert(PARTIES, NOW);
    assert.deepEqual((await repo.list({ limit: 2 })).map((p) => p.id), ['P-01', 'P-02']);
    assert.deepEqual((await repo.list({ limit: 2, afterId: 'P-02' })).map((p) => p.id), ['P-03', 'P-04']);
    assert.deepEqual((await repo.list({ role: 'importer', afterId: 'P-01' })).map((p) => p.id), ['P-03', 'P-05']);
    assert.deepEqual(await repo.list({ afterId: 'P-05' }), []);
  });

  it('upsert saves more than one chunk of parties', async () => {
    const store = await h.open();
    const repo = partiesRepo(store.db);
    const many = Array.from({ length: 1_201 }, (_, i) => party(`M-${String(i).padStart(5, '0')}`, i % 2 === 0 ? ['importer'] : ['seller']));
    await repo.upsert(many, NOW);
    const all = await repo.list({ limit: 10_000 });
    assert.deepEqual(all, many);
    assert.equal((await repo.list({ role: 'importer', limit: 10_000 })).length, 601);
  });
});
