import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import { PortcullisError } from '../../domain/errors.ts';
import { pump } from './row-pump.ts';
import type { Locate } from './row-converter.ts';
import type { RowSource, SourceRow } from './source.ts';

/**
 * Streams a CSV file: any delimiter (given, or guessed from the header), quoted fields, UTF-8 with
 * or without a byte-order mark. Rows the parser cannot read (a quote never closed, a truncated last
 * line) come out as broken rows with their number, never as an exception that stops the file.
 */
export async function openCsvSource(file: string, opts: { delimiter: string; quote: string }, onChunk: (chunk: Buffer) => void): Promise<RowSource<string[]>> {
  const delimiter = opts.delimiter === 'auto' ? await guessDelimiter(file, opts.quote) : opts.delimiter;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => onChunk(chunk as Buffer));
  const parser = input.pipe(
    parse({ bom: true, delimiter, quote: opts.quote, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }),
  );
  const p = pump<SourceRow<string[]>>(parser, [input]);
  let header: string[] | null = null;
  let headerReady: (h: string[]) => void = () => {};
  const headerPromise = new Promise<string[]>((resolve) => (headerReady = resolve));
  let row = 0;
  parser.on('data', (cells: string[]) => {
    if (header === null) {
      header = cells.map((c) => c.trim());
      headerReady(header);
      return;
    }
    row += 1;
    if (cells.length !== header.length) {
      p.push({ row, cells, broken: { problem: `has ${cells.length} fields, ${header.length} in the header (a truncated or broken row)`, expected: `${header.length} fields separated by "${delimiter}"` } });
    } else {
      p.push({ row, cells });
    }
  });
  parser.on('skip', (e: CsvError) => {
    if (header === null) return;
    row += 1;
    p.push({ row, broken: { problem: `cannot be read as CSV: ${e.message}`, expected: 'well-formed CSV (quotes closed, no quote inside an unquoted field)' } });
  });
  const empty = new Promise<string[]>((resolve) => parser.on('end', () => resolve([])));
  const failed = new Promise<never>((_, reject) => {
    input.on('error', reject);
    parser.on('error', reject);
  });
  const cols = await Promise.race([headerPromise, empty, failed]);
  if (cols.length === 0) throw new PortcullisError('INVALID_FILE', `${file}: the file is empty; expected a header row`);
  return { columns: cols, locate: csvLocate(file, cols), rows: p.batches(), close: () => input.destroy() };
}

function csvLocate(file: string, header: readonly string[]): Locate<string[]> {
  return (column) => {
    let i = header.indexOf(column);
    if (i < 0) {
      const want = column.trim().toLowerCase();
      i = header.findIndex((h) => h.toLowerCase() === want);
    }
    if (i < 0) {
      throw new PortcullisError('INVALID_MAPPING', `${file}: the mapping names column "${column}", which the header does not have; the header has: ${header.join(', ')}`, [
        { field: column, problem: 'column not in the file header', expected: `one of ${header.join(', ')}` },
      ]);
    }
    const idx = i;
    return (cells) => cells[idx];
  };
}

/** Reads the first line and picks the delimiter that splits it most often outside quotes. */
async function guessDelimiter(file: string, quote: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    let best = ',';
    let bestCount = 0;
    for (const d of [',', ';', '\t', '|']) {
      let n = 0;
      let inQuote = false;
      for (const ch of first) {
        if (ch === quote) inQuote = !inQuote;
        else if (ch === d && !inQuote) n++;
      }
      if (n > bestCount) [best, bestCount] = [d, n];
    }
    return best;
  } finally {
    await fh.close();
  }
}
