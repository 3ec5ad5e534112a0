import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Labels } from '../../src/domain/declaration.ts';
import { declarationsRepo, type DeclarationRecord, type StoreAdapter } from '../../src/store/index.ts';
import { declaration, forEachStore, fullRecord, makeRecord } from '../support/stores.ts';

// The cases, each with ids of its own; all are written once per database and read back by each test.

const FULL = fullRecord('FULL-1');

const MINIMAL: DeclarationRecord = {
  declaration: declaration({
    id: 'MIN-1',
    filedAt: '2024-01-02T03:04:05.000Z',
    customsOffice: 'KRPUS02',
    importer: 'IMP-MIN',
    items: [{ sequence: 1, hsCode: '8471.30', customsValue: 0, currency: 'usd' }],
  }),
  labels: {},
  source: 'api',
  ingestedAt: '2024-01-02T03:05:00.000Z',
};

const LABELS: Labels[] = [
  {},
  { illicit: true },
  { illicit: false },
  { critical: true },
  { illicit: true, critical: true, revenueRecovered: 0 },
  { illicit: false, critical: false, revenueRecovered: 1e9 + 0.25 },
  { revenueRecovered: 12.34 },
];
const LABELLED = LABELS.map((labels, i) => makeRecord(i, { prefix: 'LABEL', labels }));

const ATTRIBUTES = {
  'a key with spaces': 'value with \'single\' and "double" quotes',
  json: '{"not":"parsed"}',
  backslash: 'C:\\temp\\x',
  newline: 'line 1\nline 2\ttab',
  unicode: '貨物 — ñ — 🚢',
  nullWord: 'NULL',
  empty: '',
  big: 1e21,
  small: 5e-324,
  negative: -0.5,
  integer: 9007199254740991,
  yes: true,
  no: false,
  nothing: null,
};
const AWKWARD = makeRecord(1, {
  prefix: 'AWKWARD',
  declaration: { containers: ['CSQU3054383', 'MSKU9070323'], transportDocument: 'B/L {1},"2"', attributes: ATTRIBUTES },
});

const PRECISE = makeRecord(1, {
  prefix: 'PRECISE',
  declaration: {
    items: [
      { sequence: 1, hsCode: '847130', quantity: 0.1 + 0.2, netMassKg: 1 / 3, customsValue: 123456789.123456, currency: 'USD', taxRate: 12.345678901234, duty: Number.MAX_SAFE_INTEGER },
    ],
  },
});

const SERIES = [fullRecord('FULL-A'), ...[0, 1, 2, 3, 4].map((i) => makeRecord(i, { prefix: 'SERIES' })), fullRecord('FULL-B')];

const ALL = [FULL, MINIMAL, ...LABELLED, AWKWARD, PRECISE, ...SERIES];

forEachStore('round trip', (h) => {
  let written: Promise<StoreAdapter> | undefined;
  const store = () =>
    (written ??= h.shared().then(async (s) => {
      const sink = await s.openDeclarationSink({ atomic: false });
      const statuses = await sink.write(ALL);
      await sink.commit();
      assert.deepEqual(statuses, ALL.map(() => 'inserted'));
      return s;
    }));
  const get = async (r: DeclarationRecord) => declarationsRepo((await store()).db).get(r.declaration.id);

  it('a declaration with every optional field comes back deep-equal and as the same JSON text, with its labels and source', async () => {
    const got = await get(FULL);
    assert.ok(got);
    assert.deepEqual(got.declaration, FULL.declaration);
    assert.deepEqual(got.labels, FULL.labels);
    assert.equal(got.source, FULL.source);
    // What comes back is, as JSON text, what went in (key order included): duplicate detection relies on it.
    assert.equal(JSON.stringify(got.declaration), JSON.stringify(FULL.declaration));
  });

  it('a declaration with only the required fields comes back without the optional ones', async () => {
    const got = await get(MINIMAL);
    assert.ok(got);
    assert.deepEqual(got.declaration, MINIMAL.declaration);
    assert.deepEqual(Object.keys(got.declaration), ['id', 'filedAt', 'customsOffice', 'importer', 'containers', 'items', 'attributes']);
    assert.deepEqual(got.declaration.containers, []);
    assert.deepEqual(got.declaration.attributes, {});
    assert.deepEqual(got.declaration.items, [{ sequence: 1, hsCode: '847130', customsValue: 0, currency: 'USD' }]);
    assert.deepEqual(got.labels, {});
    assert.equal(got.source, 'api');
    assert.equal(JSON.stringify(got.declaration), JSON.stringify(MINIMAL.declaration));
  });

  it('labels come back as given: set, unset, false and zero', async () => {
    const got = await Promise.all(LABELLED.map(get));
    assert.deepEqual(got.map((g) => g?.labels), LABELS);
  });

  it('attributes of every kind, containers and awkward text round-trip', async () => {
    const got = await get(AWKWARD);
    assert.ok(got);
    assert.deepEqual(got.declaration.attributes, ATTRIBUTES);
    assert.deepEqual(got.declaration.containers, ['CSQU3054383', 'MSKU9070323']);
    assert.deepEqual(got.declaration, AWKWARD.declaration);
    assert.equal(JSON.stringify(got.declaration), JSON.stringify(AWKWARD.declaration));
  });

  it('numbers keep full double precision', async () => {
    assert.deepEqual((await get(PRECISE))?.declaration.items, PRECISE.declaration.items);
  });

  it('every declaration of a batch comes back as written, as the same JSON text', async () => {
    for (const r of SERIES) {
      const got = await get(r);
      assert.deepEqual(got?.declaration, r.declaration, r.declaration.id);
      assert.deepEqual(got?.labels, r.labels, r.declaration.id);
      assert.equal(JSON.stringify(got?.declaration), JSON.stringify(r.declaration), r.declaration.id);
    }
  });

  it('get of an unknown id is undefined', async () => {
    const s = await store();
    assert.equal(await declarationsRepo(s.db).get('NOPE'), undefined);
    assert.equal(await declarationsRepo(s.db).get('full-1'), undefined);
  });
});
