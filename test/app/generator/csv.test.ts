import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import {
  csvCell,
  formatCsvRow,
  GENERATED_COLUMNS,
  generatedCsvLine,
  writeGeneratedCsv,
  writeGeneratedJsonl,
} from '../../../src/app/generator/csv.ts';
import { generateRows } from '../../../src/app/generator/declarations.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-generator-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CSV cells', () => {
  it('quotes only cells with a comma, a quote, CR or LF, and doubles inner quotes', () => {
    assert.equal(csvCell('plain text'), 'plain text');
    assert.equal(csvCell(12.5), '12.5');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('55" TV'), '"55"" TV"');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(''), '');
  });

  it('round-trips awkward values through csv-parse', () => {
    const values = ['Reception apparatus for television, colour, screen 43" to 65"', '"quoted"', 'cr\r\nlf', ',', '', 'x'];
    const line = formatCsvRow(values);
    assert.deepEqual(parse(line, { relax_column_count: false }), [values]);
  });

  it('formats a generated row as the CSV columns', () => {
    const [row] = [...generateRows({ rows: 1, seed: 'one' })];
    assert.ok(row !== undefined);
    const [cells] = parse(generatedCsvLine(row)) as string[][];
    assert.deepEqual(cells, GENERATED_COLUMNS.map((c) => String(row[c])));
  });
});

describe('writeGeneratedCsv', () => {
  it('writes a header and one line per row, which parse back to the generated values', async () => {
    const path = join(dir, 'rows.csv');
    const progress: number[] = [];
    const summary = await writeGeneratedCsv(path, { rows: 1500, seed: 'file' }, (n) => progress.push(n));
    const text = await readFile(path, 'utf8');
    assert.equal(summary.rows, 1500);
    assert.equal(summary.bytes, Buffer.byteLength(text));
    assert.deepEqual(progress, [1000, 1500]);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, 1500);
    assert.equal(text.split('\n')[0], GENERATED_COLUMNS.join(','));
    const expected = [...generateRows({ rows: 1500, seed: 'file' })];
    assert.equal(summary.illicit, expected.filter((r) => r.illicit === 1).length);
    assert.equal(summary.critical, expected.filter((r) => r.critical === 1).length);
    const parsed = records.map((rec) => GENERATED_COLUMNS.map((c) => rec[c]));
    const wanted = expected.map((row) => GENERATED_COLUMNS.map((c) => String(row[c])));
    assert.equal(JSON.stringify(parsed), JSON.stringify(wanted));
    assert.ok(records.some((r) => (r.description ?? '').includes(',')), 'some descriptions needed quoting');
  });

  it('writes zero rows as a header only', async () => {
    const path = join(dir, 'empty.csv');
    const summary = await writeGeneratedCsv(path, { rows: 0, seed: 'x' });
    assert.equal(summary.rows, 0);
    assert.equal(await readFile(path, 'utf8'), GENERATED_COLUMNS.join(',') + '\n');
  });

  it('rejects an unwritable path with INVALID_FILE and bad options with INVALID_INPUT', async () => {
    await assert.rejects(
      writeGeneratedCsv(join(dir, 'no such dir', 'rows.csv'), { rows: 10, seed: 'x' }),
      (e: unknown) => isPortcullisError(e) && e.code === 'INVALID_FILE',
    );
    await assert.rejects(
      writeGeneratedCsv(join(dir, 'bad.csv'), { rows: -5, seed: 'x' }),
      (e: unknown) => isPortcullisError(e) && e.code === 'INVALID_INPUT',
    );
  });
});

describe('writeGeneratedJsonl', () => {
  it('writes one JSON object per row with the column names as keys', async () => {
    const path = join(dir, 'rows.jsonl');
    const summary = await writeGeneratedJsonl(path, { rows: 1200, seed: 'file' });
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 1200);
    assert.equal(summary.rows, 1200);
    const expected = [...generateRows({ rows: 1200, seed: 'file' })];
    lines.forEach((line, i) => assert.deepEqual(JSON.parse(line), expected[i]));
  });
});
