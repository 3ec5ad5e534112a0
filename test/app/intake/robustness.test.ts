import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../../src/domain/errors.ts';
import { declarationsRepo } from '../../../src/store/index.ts';
import { COLUMNS, csvText, ingest, readRejects, testMapping, testRow, withStore } from '../../support/intake-fixtures.ts';

/** Inputs that once lost rows, stored half a declaration or crashed the intake. */
describe('intake robustness', () => {
  it('a quote never closed near the top of a file breaks its own line only', withStore(async (store, tmp) => {
    const rows = [1, 2, 3, 4, 5, 6, 7].map((i) => testRow(i));
    const text = csvText([[...COLUMNS], ...rows]).replace(`${rows[1]![0]},`, `${rows[1]![0]},"`);
    const file = tmp.write('quote.csv', text);
    const s = await ingest(store, [file], testMapping(), tmp.path('r.csv'));
    assert.deepEqual([s.rows, s.accepted, s.rejected], [7, 6, 1]);
    assert.equal(readRejects(tmp.path('r.csv'))[0]?.row, '2');
  }));

  it('a broken row inside a group of goods items rejects the whole declaration', withStore(async (store, tmp) => {
    const rows = [testRow(1), testRow(1, { hs: '851712' }).slice(0, 5), testRow(1, { hs: '940360' }), testRow(2)];
    const file = tmp.write('group.csv', csvText([[...COLUMNS], ...rows]));
    const s = await ingest(store, [file], testMapping((d) => (d.groupItems = true)), tmp.path('r.csv'));
    assert.equal(s.accepted, 1, 'only D000002');
    assert.equal(await declarationsRepo(store.db).get('D000001'), undefined);
  }));

  it('a text cell with a NUL character is refused with its field', withStore(async (store, tmp) => {
    const file = tmp.write('nul.csv', csvText([[...COLUMNS], testRow(1, { importer: 'IMP\u0000X' }), testRow(2)]));
    const s = await ingest(store, [file], testMapping(), tmp.path('r.csv'));
    assert.deepEqual([s.accepted, s.rejected], [1, 1]);
    assert.equal(readRejects(tmp.path('r.csv'))[0]?.field, 'importer');
  }));

  it('re-filing with other labels is a conflict, not a silent duplicate', withStore(async (store, tmp) => {
    const a = tmp.write('a.csv', csvText([[...COLUMNS], testRow(1, { fraud: '0' })]));
    const b = tmp.write('b.csv', csvText([[...COLUMNS], testRow(1, { fraud: '1' })]));
    await ingest(store, [a], testMapping(), tmp.path('r1.csv'));
    const s = await ingest(store, [b], testMapping(), tmp.path('r2.csv'));
    assert.deepEqual([s.accepted, s.duplicates, s.rejected], [0, 0, 1]);
    assert.deepEqual((await declarationsRepo(store.db).get('D000001'))?.labels, { illicit: false });
  }));

  it('a reject file that cannot be written is refused before anything is stored', withStore(async (store, tmp) => {
    const file = tmp.write('ok.csv', csvText([[...COLUMNS], testRow(1)]));
    await assert.rejects(ingest(store, [file], testMapping(), tmp.dir), (e) => e instanceof PortcullisError && e.code === 'INVALID_INPUT');
    assert.equal((await declarationsRepo(store.db).stats()).declarations, 0);
  }));

  it('a JSON Lines line longer than the limit is refused without holding it whole', withStore(async (store, tmp) => {
    const mapping = testMapping((d) => (d.format = 'jsonl'));
    const good = (i: number) => JSON.stringify(Object.fromEntries(COLUMNS.map((c, k) => [c, testRow(i)[k]])));
    const file = tmp.write('long.jsonl', `${good(1)}\n{"note":"${'x'.repeat(3 << 20)}"}\n${good(2)}\n`);
    const s = await ingest(store, [file], mapping, tmp.path('r.csv'));
    assert.deepEqual([s.rows, s.accepted, s.rejected], [3, 2, 1]);
    assert.match(readRejects(tmp.path('r.csv'))[0]?.problem ?? '', /longer than/);
  }));
});
