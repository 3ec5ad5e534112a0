import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMapping, type Mapping } from '../../../src/app/intake/mapping.ts';
import { declarationsRepo } from '../../../src/store/index.ts';
import { CONTAINERS, ingest, readRejects, withStore } from '../../support/intake-fixtures.ts';

const mapping = (): Mapping =>
  parseMapping({
    version: 1,
    format: 'jsonl',
    fields: {
      id: { column: 'decl.no' },
      filedAt: { column: 'decl.date', type: 'datetime', utcOffset: '+09:00' },
      customsOffice: { column: 'decl.office' },
      importer: { column: 'parties.importer.id' },
      containers: { column: 'transport.containers', split: ';' },
      'item.hsCode': { column: 'goods.hs', pad: 6 },
      'item.originCountry': { column: 'goods.origin', upper: true, null: ['ZZ'] },
      'item.customsValue': { column: 'goods.value', type: 'number' },
      'item.currency': { const: 'USD' },
    },
    attributes: { channel: { column: 'channel' } },
    labels: { illicit: { column: 'outcome.fraud', type: 'boolean' } },
  });

const decl = (no: string, over: Record<string, unknown> = {}) => ({
  decl: { no, date: '2021-03-04T10:00:00', office: '030' },
  parties: { importer: { id: `IMP-${no}` } },
  transport: { containers: [CONTAINERS[0]] },
  goods: { hs: '847130', value: 100, origin: 'cn' },
  ...over,
});
const line = (o: unknown) => JSON.stringify(o);

describe('JSON Lines intake', () => {
  it('reads nested key paths and JSON values, and refuses bad lines one by one', withStore(async (store, tmp) => {
    const text = [
      `\uFEFF${line(decl('J1', { goods: { hs: 71080, value: 1234.5, origin: 'kr' }, outcome: { fraud: 1 }, channel: 'post' }))}`,
      line(decl('J2', { transport: { containers: `${CONTAINERS[1]};${CONTAINERS[2]}` }, outcome: { fraud: false } })),
      '',
      '[1, 2]',
      line(decl('J4', { parties: {} })),
      line(decl('J5', { goods: { hs: '847130', value: 'lots' } })),
      line(decl('J6', { goods: { hs: '847130', value: { amount: 5 } } })),
      line(decl('J7', { decl: { no: 'J7', date: '2021-03-04T10:00:00Z', office: '030' }, goods: { hs: '847130', value: 7, origin: 'ZZ' }, transport: {} })),
      '{"decl": {"no": "J8", "da',
    ].join('\r\n');
    const file = tmp.write('decl.jsonl', text);
    const s = await ingest(store, [file], mapping(), tmp.path('rejects.csv'));
    assert.deepEqual([s.rows, s.accepted, s.rejected, s.duplicates], [8, 3, 5, 0]);

    const repo = declarationsRepo(store.db);
    const j1 = (await repo.get('J1'))!;
    assert.deepEqual(j1.declaration, {
      id: 'J1',
      filedAt: '2021-03-04T01:00:00.000Z',
      customsOffice: '030',
      importer: 'IMP-J1',
      containers: [CONTAINERS[0]],
      items: [{ sequence: 1, hsCode: '071080', originCountry: 'KR', customsValue: 1234.5, currency: 'USD' }],
      attributes: { channel: 'post' },
    });
    assert.deepEqual(j1.labels, { illicit: true });
    assert.equal(j1.source, 'decl.jsonl#1');
    const j2 = (await repo.get('J2'))!;
    assert.deepEqual(j2.declaration.containers, [CONTAINERS[1], CONTAINERS[2]]);
    assert.deepEqual(j2.labels, { illicit: false });
    const j7 = (await repo.get('J7'))!;
    assert.equal(j7.declaration.filedAt, '2021-03-04T10:00:00.000Z', 'a zone in the value wins over utcOffset');
    assert.deepEqual(j7.declaration.containers, []);
    assert.equal(j7.declaration.items[0]?.originCountry, undefined);
    assert.equal(j7.source, 'decl.jsonl#7', 'the blank line is not counted');

    const rejects = readRejects(tmp.path('rejects.csv'));
    assert.deepEqual(
      rejects.map((r) => [r.row, r.declaration_id, r.field, r.column, r.value, r.problem]),
      [
        ['3', '', '(row)', '', '', 'is JSON but not an object'],
        ['4', 'J4', 'importer', 'parties.importer.id', '', 'is missing'],
        ['5', 'J5', 'item.customsValue', 'goods.value', 'lots', '"lots" is not a number'],
        ['6', 'J6', 'item.customsValue', 'goods.value', '{"amount":5}', 'a object where a single value belongs'],
        ['8', '', '(row)', '', '', 'is not valid JSON (truncated or broken line)'],
      ],
    );
    assert.equal(rejects[0]?.expected, 'one JSON object per line');
    assert.equal(rejects[3]?.expected, 'a number');
  }));

  it('re-ingests as duplicates and honours strict', withStore(async (store, tmp) => {
    const clean = tmp.write('clean.jsonl', `${[1, 2, 3].map((i) => line(decl(`C${i}`))).join('\n')}\n`);
    const bad = tmp.write('bad.jsonl', `${line(decl('B1'))}\n{"truncated": `);
    assert.equal((await ingest(store, [clean], mapping(), tmp.path('r1.csv'), { strict: true })).accepted, 3);
    const again = await ingest(store, [clean], mapping(), tmp.path('r2.csv'));
    assert.deepEqual([again.accepted, again.duplicates], [0, 3]);
    const s = await ingest(store, [bad], mapping(), tmp.path('r3.csv'), { strict: true });
    assert.deepEqual([s.accepted, s.rejected, s.files[0]?.rolledBack], [0, 1, true]);
    assert.equal((await declarationsRepo(store.db).stats()).declarations, 3);
    assert.equal(await declarationsRepo(store.db).get('B1'), undefined);
  }));

  it('reads an empty JSON Lines file as no rows', withStore(async (store, tmp) => {
    const s = await ingest(store, [tmp.write('empty.jsonl', '\n\n')], mapping(), tmp.path('rejects.csv'));
    assert.deepEqual([s.rows, s.accepted, s.rejected], [0, 0, 0]);
  }));

  it('keeps a multi-byte character that straddles a 1 MiB read boundary', withStore(async (store, tmp) => {
    // An unmapped "padding" key fills the line up to the boundary; the importer id comes next.
    const u1 = decl('U1');
    const rest = { decl: u1.decl, transport: u1.transport, goods: u1.goods };
    const head = '{"padding":"';
    const toImporter = '","parties":{"importer":{"id":"';
    const fill = 'a'.repeat((1 << 20) - 1 - Buffer.byteLength(head + toImporter));
    const text = `${head}${fill}${toImporter}수입자"}},${line(rest).slice(1)}\n`;
    assert.equal(Buffer.from(text).subarray((1 << 20) - 1, (1 << 20) + 2).toString('utf8'), '수', 'the character spans bytes 2^20-1 .. 2^20+1');
    const s = await ingest(store, [tmp.write('wide.jsonl', text)], mapping(), tmp.path('rejects.csv'));
    assert.equal(s.accepted, 1);
    assert.equal((await declarationsRepo(store.db).get('U1'))?.declaration.importer, '수입자');
  }));
});
