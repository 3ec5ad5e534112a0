import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvParser, type CsvRecord } from '../../../src/app/intake/csv-parser.ts';

/** Feeds text to a parser in the given pieces and collects every record. */
function run(pieces: string[], opts: { delimiter?: string; expected?: number } = {}): CsvRecord[] {
  const p = new CsvParser({ delimiter: opts.delimiter ?? ',', quote: '"' });
  p.expectedFields = opts.expected;
  const out: CsvRecord[] = [];
  for (const piece of pieces) p.push(piece, (r) => out.push(r));
  p.end((r) => out.push(r));
  return out;
}

const cellsOf = (rs: CsvRecord[]) => rs.map((r) => r.cells);

function quote(v: string): string {
  return /[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
}

describe('CsvParser', () => {
  it('reads plain, quoted, multi-line and CRLF records with their lines', () => {
    const rs = run(['a,b,c\r\n1,"x, y",3\n', '4,"two\nlines",6\n7,"say ""hi""",9']);
    assert.deepEqual(cellsOf(rs), [['a', 'b', 'c'], ['1', 'x, y', '3'], ['4', 'two\nlines', '6'], ['7', 'say "hi"', '9']]);
    assert.deepEqual(rs.map((r) => r.line), [1, 2, 3, 5]);
  });

  it('skips a byte-order mark and blank lines', () => {
    const rs = run(['\uFEFF"id",name\n\n1,a\r\n\r\n2,b\n']);
    assert.deepEqual(cellsOf(rs), [['id', 'name'], ['1', 'a'], ['2', 'b']]);
    assert.deepEqual(rs.map((r) => r.line), [1, 3, 5]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    assert.deepEqual(cellsOf(run(['a,5"x,6\n'])), [['a', '5"x', '6']]);
  });

  it('reports text after a closing quote on its line only and goes on', () => {
    const rs = run(['id,v\n"IMP"2,3\n4,5\n6,7\n'], { expected: 2 });
    assert.equal(rs[1]?.error?.includes('after the closing quote'), true);
    assert.equal(rs[1]?.line, 2);
    assert.deepEqual(cellsOf(rs.slice(2)), [['4', '5'], ['6', '7']]);
    assert.deepEqual(rs.slice(2).map((r) => r.line), [3, 4]);
  });

  it('reports a quote never closed in the middle of a file on its line only', () => {
    const rs = run(['id,v\n1,"oops\n2,b\n3,c\n4,"d"\n5,e\n'], { expected: 2 });
    assert.ok(rs[1]?.error, 'the line with the open quote is broken');
    assert.deepEqual(cellsOf(rs.slice(2)), [['2', 'b'], ['3', 'c'], ['4', 'd'], ['5', 'e']]);
  });

  it('reports a quote never closed at the end of the file', () => {
    const rs = run(['id,v\n1,a\n2,"trunc'], { expected: 2 });
    assert.deepEqual(cellsOf(rs.slice(0, 2)), [['id', 'v'], ['1', 'a']]);
    assert.match(rs[2]?.error ?? '', /never closed/);
    assert.equal(rs[2]?.line, 3);
  });

  it('gives up on a runaway quote past the size limit', () => {
    const p = new CsvParser({ delimiter: ',', quote: '"', maxRecordChars: 100 });
    const out: CsvRecord[] = [];
    p.push('1,"open\n', (r) => out.push(r));
    for (let i = 0; i < 20; i++) p.push(`${i},xxxxxxxxxx\n`, (r) => out.push(r));
    p.end((r) => out.push(r));
    assert.match(out[0]?.error ?? '', /runs past 100 characters/);
    assert.ok(out.length > 10, 'the lines after the broken one are read');
  });

  it('reads other delimiters', () => {
    assert.deepEqual(cellsOf(run(['a;b\n"1;2";3\n'], { delimiter: ';' })), [['a', 'b'], ['1;2', '3']]);
    assert.deepEqual(cellsOf(run(['a\tb\n1\t2\n'], { delimiter: '\t' })), [['a', 'b'], ['1', '2']]);
  });

  it('agrees with csv-parse on any well-formed CSV, however it is cut into chunks', () => {
    const cell = fc.stringMatching(/^[a-z0-9 ,"\r\n;é수]{0,8}$/);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (rows, cuts, crlf) => {
          // A record of one empty cell is a blank line; both parsers skip those.
          const data = rows.filter((r) => r.some((c) => c !== ''));
          const text = data.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let from = 0;
          for (const p of points) {
            pieces.push(text.slice(from, p));
            from = p;
          }
          pieces.push(text.slice(from));
          const ours = run(pieces);
          const theirs = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
          assert.deepEqual(cellsOf(ours), theirs);
          assert.ok(ours.every((r) => r.error === undefined));
        },
      ),
      { numRuns: 400 },
    );
  });
});
