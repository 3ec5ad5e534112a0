import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declarationsRepo } from '../../../src/store/index.ts';
import { COLUMNS, csvText, ingest, readRejects, testMapping, testRow, withStore, type TempDir } from '../../support/intake-fixtures.ts';

/**
 * Files larger than the row pump's batch (4096 rows) and the file stream's 1 MiB chunk: rows that
 * sit on a batch boundary, a strict file whose bad row comes batches after the first write, and
 * goods items of one declaration split across two batches.
 */

const N = 10_000;
const last = <T>(xs: readonly T[]): T => {
  assert.ok(xs.length > 0);
  return xs[xs.length - 1]!;
};
const BOUNDARY_BAD = [1, 4096, 4097, 8192, N];

/** N rows of about 270 bytes (a 200-character note): some 2.7 MB, so several 1 MiB read chunks too. */
function bigFile(tmp: TempDir, name: string, bad: readonly number[]): string {
  const badSet = new Set(bad);
  const rows: string[][] = [[...COLUMNS]];
  for (let i = 1; i <= N; i++) {
    const note = `${i} `.padEnd(200, 'n');
    rows.push(badSet.has(i) ? testRow(i, { value: 'lots', note }) : testRow(i, { note }));
  }
  return tmp.write(name, csvText(rows));
}

describe('intake of files larger than a batch', () => {
  it(
    `counts ${N} rows exactly, with bad rows on the batch boundaries`,
    withStore(async (store, tmp) => {
      const file = bigFile(tmp, 'big.csv', BOUNDARY_BAD);
      const progress: { rows: number; accepted: number; bytesRead: number; bytesTotal: number }[] = [];
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'), { onProgress: (p) => progress.push(p) });
      assert.deepEqual([s.rows, s.accepted, s.rejected, s.duplicates], [N, N - BOUNDARY_BAD.length, BOUNDARY_BAD.length, 0]);
      assert.deepEqual(
        readRejects(tmp.path('rejects.csv')).map((r) => [Number(r.row), r.declaration_id, r.field]),
        BOUNDARY_BAD.map((i) => [i, `D${String(i).padStart(6, '0')}`, 'item.customsValue']),
      );
      assert.ok(last(progress).bytesTotal > 2 * (1 << 20), 'the file spans several read chunks');
      assert.ok(progress.length >= 3, `progress reported per batch (${progress.length} times)`);
      for (let k = 1; k < progress.length; k++) assert.ok(progress[k]!.rows >= progress[k - 1]!.rows);
      const end = last(progress);
      assert.deepEqual([end.rows, end.accepted, end.bytesRead], [N, N - BOUNDARY_BAD.length, end.bytesTotal]);

      const st = await declarationsRepo(store.db).stats();
      assert.deepEqual([st.declarations, st.goodsItems], [N - BOUNDARY_BAD.length, N - BOUNDARY_BAD.length]);
      const repo = declarationsRepo(store.db);
      for (const i of [2, 4095, 4098, 8191, 8193, N - 1]) {
        const d = await repo.get(`D${String(i).padStart(6, '0')}`);
        assert.equal(d?.source, `big.csv#${i}`);
        assert.equal(d?.declaration.items[0]?.customsValue, 1000 + i);
        assert.equal(d?.declaration.attributes.note, `${i} `.padEnd(200, 'n'));
      }

    }),
  );

  it(
    `strict: a bad row at ${N - 1} undoes the batches already written`,
    withStore(async (store, tmp) => {
      const file = bigFile(tmp, 'strict.csv', [N - 1]);
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'), { strict: true });
      assert.deepEqual([s.rows, s.accepted, s.rejected, s.files[0]?.rolledBack], [N, 0, 1, true]);
      const st = await declarationsRepo(store.db).stats();
      assert.deepEqual([st.declarations, st.goodsItems], [0, 0]);
      assert.deepEqual(readRejects(tmp.path('rejects.csv')).map((r) => r.row), [String(N - 1)]);
    }),
  );

  it(
    'groups the goods items of one declaration split across two batches',
    withStore(async (store, tmp) => {
      // Rows in threes share an id; rows 4096-4098 make one declaration, cut after row 4096 by the batch.
      const rows: string[][] = [[...COLUMNS]];
      const total = 4101;
      for (let i = 1; i <= total; i++) rows.push(testRow(i, { decl_id: `G${Math.floor((i - 1) / 3)}`, hs: String(847130 + (i % 3)) }));
      const file = tmp.write('grouped.csv', csvText(rows));
      const s = await ingest(store, [file], testMapping((d) => (d.groupItems = true)), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.rejected], [total, total / 3, 0]);
      const st = await declarationsRepo(store.db).stats();
      assert.deepEqual([st.declarations, st.goodsItems], [total / 3, total]);
      const g = (await declarationsRepo(store.db).get('G1365'))!;
      assert.equal(g.source, 'grouped.csv#4096');
      assert.deepEqual(
        g.declaration.items.map((it) => [it.sequence, it.customsValue]),
        [[1, 5096], [2, 5097], [3, 5098]],
      );
      assert.equal(g.declaration.importer, testRow(4096)[3], 'declaration fields come from the first row');
    }),
  );

  it(
    'keeps a multi-byte character of a CSV cell that straddles a 1 MiB read boundary',
    withStore(async (store, tmp) => {
      // Good rows up to just short of 1 MiB, then one whose "note" (the last column, up to 1000
      // characters) is padded so that "수" starts one byte before the boundary.
      const header = csvText([[...COLUMNS]]);
      const lines: string[] = [];
      let bytes = Buffer.byteLength(header);
      let i = 0;
      while (bytes < (1 << 20) - 500) {
        i += 1;
        lines.push(csvText([testRow(i)]));
        bytes += Buffer.byteLength(lines.at(-1)!);
      }
      i += 1;
      const probe = csvText([testRow(i, { note: '수입자' })]);
      const shift = (1 << 20) - 1 - (bytes + Buffer.byteLength(probe.slice(0, probe.indexOf('수입자'))));
      const note = `${'x'.repeat(shift)}수입자`;
      lines.push(csvText([testRow(i, { note })]));
      const text = header + lines.join('');
      assert.equal(Buffer.from(text).subarray((1 << 20) - 1, (1 << 20) + 2).toString('utf8'), '수');
      const s = await ingest(store, [tmp.write('wide.csv', text)], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.rejected], [i, i, 0]);
      const stored = (await declarationsRepo(store.db).get(`D${String(i).padStart(6, '0')}`))?.declaration.attributes.note;
      assert.equal(typeof stored === 'string' && stored.length === note.length && stored.slice(-4), note.slice(-4));
    }),
  );
});
