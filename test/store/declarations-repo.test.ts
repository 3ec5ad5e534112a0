import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels } from '../../src/domain/declaration.ts';
import { declarationsRepo, type DeclarationFilter, type DeclarationRecord, type StoreAdapter } from '../../src/store/index.ts';
import { forEachStore, makeRecord } from '../support/stores.ts';

const N = 30;
const T0 = Date.UTC(2024, 2, 1);
/** Three declarations share each filing time, so that paging has to break ties by id. */
const filedAt = (i: number) => new Date(T0 + Math.floor(i / 3) * 3_600_000).toISOString();

function labelsFor(i: number): Labels {
  if (i % 4 === 0) return { illicit: true, critical: i % 8 === 0, revenueRecovered: i * 10 };
  if (i % 4 === 1) return { illicit: false };
  if (i % 10 === 7) return { critical: true };
  return {};
}

/** The data set; ids are not in filing order (DEC-000029 is filed first), so order is never an accident. */
const RECORDS: DeclarationRecord[] = Array.from({ length: N }, (_, i) => makeRecord(N - 1 - i, { declaration: { filedAt: filedAt(i) }, labels: labelsFor(i) }));

const byFiledThenId = (a: DeclarationRecord, b: DeclarationRecord) => {
  const x = a.declaration;
  const y = b.declaration;
  if (x.filedAt !== y.filedAt) return x.filedAt < y.filedAt ? -1 : 1;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
};

/** What `list(filter)` should return, computed from the records without the database. */
function expected(f: DeclarationFilter): string[] {
  return RECORDS.filter((r) => {
    const d = r.declaration;
    if (f.office !== undefined && d.customsOffice !== f.office) return false;
    if (f.importer !== undefined && d.importer !== f.importer) return false;
    if (f.from !== undefined && d.filedAt < f.from) return false;
    if (f.to !== undefined && d.filedAt >= f.to) return false;
    if (f.hsPrefix !== undefined && !d.items.some((it) => it.hsCode.startsWith(f.hsPrefix!))) return false;
    if (f.after !== undefined && (d.filedAt < f.after.filedAt || (d.filedAt === f.after.filedAt && d.id <= f.after.id))) return false;
    return true;
  })
    .sort(byFiledThenId)
    .map((r) => r.declaration.id)
    .slice(0, f.limit ?? 100);
}

/** Writes the data set in a shuffled order, over several batches. */
async function seed(store: StoreAdapter): Promise<StoreAdapter> {
  const shuffled = RECORDS.map((_, k) => RECORDS[(k * 7) % N]!);
  const sink = await store.openDeclarationSink({ atomic: false });
  for (let k = 0; k < N; k += 8) await sink.write(shuffled.slice(k, k + 8));
  await sink.commit();
  return store;
}

/** Reads every page of `filter` with keyset paging. */
async function allPages(store: StoreAdapter, filter: DeclarationFilter, pageSize: number): Promise<string[][]> {
  const repo = declarationsRepo(store.db);
  const pages: string[][] = [];
  let after: DeclarationFilter['after'];
  for (;;) {
    const page = await repo.list({ ...filter, limit: pageSize, ...(after ? { after } : {}) });
    if (page.length === 0) return pages;
    assert.ok(page.length <= pageSize);
    pages.push(page.map((d) => d.declaration.id));
    const last = page[page.length - 1]!.declaration;
    after = { filedAt: last.filedAt, id: last.id };
    assert.ok(pages.length <= N + 1, 'paging does not end');
  }
}

forEachStore('declarations repo', (h) => {
  // The data set is written once per database; the tests only read it.
  let seeded: Promise<StoreAdapter> | undefined;
  const data = () => (seeded ??= h.shared().then(seed));

  describe('list', () => {
    const ids = async (store: StoreAdapter, f: DeclarationFilter) => (await declarationsRepo(store.db).list(f)).map((d) => d.declaration.id);

    it('without a filter lists every declaration in (filedAt, id) order', async () => {
      const store = await data();
      const all = await ids(store, {});
      assert.equal(all.length, N);
      assert.deepEqual(all, expected({}));
    });

    it('returns declarations with their goods items and labels', async () => {
      const store = await data();
      const list = await declarationsRepo(store.db).list({});
      const byId = new Map(RECORDS.map((r) => [r.declaration.id, r]));
      for (const d of list) {
        assert.deepEqual(d.declaration, byId.get(d.declaration.id)?.declaration);
        assert.deepEqual(d.labels, byId.get(d.declaration.id)?.labels);
      }
    });

    const filters: [string, DeclarationFilter][] = [
      ['office', { office: 'KRPUS02' }],
      ['importer', { importer: 'IMP-3' }],
      ['hsPrefix of a whole code', { hsPrefix: '851712' }],
      ['hsPrefix of a chapter', { hsPrefix: '61' }],
      ['hsPrefix of a heading', { hsPrefix: '9403' }],
      ['from (inclusive)', { from: filedAt(9) }],
      ['to (exclusive)', { to: filedAt(9) }],
      ['from and to', { from: filedAt(6), to: filedAt(15) }],
      ['office, importer and time', { office: 'NLRTM01', importer: 'IMP-0', from: filedAt(3) }],
      ['office and hsPrefix', { office: 'CNSHA03', hsPrefix: '847130' }],
      ['limit', { limit: 7 }],
      ['after, inside a group of equal filing times', { after: { filedAt: filedAt(4), id: RECORDS[4]!.declaration.id } }],
    ];
    for (const [name, f] of filters) {
      it(`filters by ${name}`, async () => {
        const store = await data();
        const want = expected(f);
        assert.ok(want.length > 0 && want.length < N, `the filter should select some, not all (got ${want.length})`);
        assert.deepEqual(await ids(store, f), want);
      });
    }

    it('a filter that matches nothing gives an empty list', async () => {
      const store = await data();
      assert.deepEqual(await ids(store, { office: 'NOWHERE' }), []);
      assert.deepEqual(await ids(store, { hsPrefix: '0101' }), []);
      assert.deepEqual(await ids(store, { from: '2030-01-01T00:00:00.000Z' }), []);
      assert.deepEqual(await ids(store, { importer: 'IMP-3', office: 'NOWHERE' }), []);
    });

    it('a declaration with several matching items is listed once', async () => {
      const store = await data();
      const multi = RECORDS.filter((r) => r.declaration.items.filter((it) => it.hsCode.startsWith('8')).length > 1);
      assert.ok(multi.length > 0);
      const got = await ids(store, { hsPrefix: '8' });
      assert.equal(new Set(got).size, got.length);
      assert.deepEqual(got, expected({ hsPrefix: '8' }));
    });

    for (const pageSize of [1, 4, 7, N]) {
      it(`keyset paging by ${pageSize} returns every declaration exactly once, in order`, async () => {
        const store = await data();
        const pages = await allPages(store, {}, pageSize);
        assert.deepEqual(pages.flat(), expected({}));
        assert.equal(pages.length, Math.ceil(N / pageSize));
        for (const p of pages.slice(0, -1)) assert.equal(p.length, pageSize);
      });
    }

    it('keyset paging keeps a filter across pages', async () => {
      const store = await data();
      const f: DeclarationFilter = { office: 'NLRTM01', from: filedAt(2) };
      const pages = await allPages(store, f, 3);
      assert.deepEqual(pages.flat(), expected({ ...f, limit: N }));
    });

    it(
      'orders filing times of different fractional precision by time',
      // "…:00Z" and "…:00.500Z" are both valid filedAt values, but as text "." sorts before "Z", so the
      // later one is listed first and escapes a `to` bound it is after.
      async () => {
        const store = await h.open();
        const sink = await store.openDeclarationSink({ atomic: false });
        const a = makeRecord(1, { declaration: { id: 'A', filedAt: '2024-01-01T00:00:00.000Z' } });
        const b = makeRecord(2, { declaration: { id: 'B', filedAt: '2024-01-01T00:00:00.500Z' } });
        const c = makeRecord(3, { declaration: { id: 'C', filedAt: '2024-01-01T00:00:01.000Z' } });
        await sink.write([c, b, a]);
        await sink.commit();
        const repo = declarationsRepo(store.db);
        assert.deepEqual((await repo.list()).map((d) => d.declaration.id), ['A', 'B', 'C']);
        assert.deepEqual((await repo.list({ to: '2024-01-01T00:00:00.250Z' })).map((d) => d.declaration.id), ['A']);
      },
    );
  });

  describe('stats', () => {
    it('counts declarations, goods items and labels, and the filing span', async () => {
      const store = await data();
      const stats = await declarationsRepo(store.db).stats();
      assert.deepEqual(stats, {
        declarations: N,
        goodsItems: RECORDS.reduce((n, r) => n + r.declaration.items.length, 0),
        labelled: RECORDS.filter((r) => r.labels.illicit !== undefined).length,
        illicit: RECORDS.filter((r) => r.labels.illicit === true).length,
        critical: RECORDS.filter((r) => r.labels.critical === true).length,
        firstFiledAt: filedAt(0),
        lastFiledAt: filedAt(N - 1),
      });
    });

    it('of an empty store are zeros and nulls', async () => {
      const store = await h.open();
      assert.deepEqual(await declarationsRepo(store.db).stats(), {
        declarations: 0,
        goodsItems: 0,
        labelled: 0,
        illicit: 0,
        critical: 0,
        firstFiledAt: null,
        lastFiledAt: null,
      });
    });
  });
});
