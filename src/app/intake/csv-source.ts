import { open } from 'node:fs/promises';
import { PortcullisError } from '../../domain/errors.ts';
import { pieces, readTextChunks } from './chunks.ts';
import { CsvParser, type CsvRecord } from './csv-parser.ts';
import type { Locate } from './row-converter.ts';
import type { RowSource, SourceRow } from './source.ts';

/**
 * Streams a CSV file: any delimiter (given, or guessed from the header), quoted fields, UTF-8 with
 * or without a byte-order mark. Rows that cannot be read (a quote never closed, text after a closing
 * quote, a truncated line, the wrong number of fields) come out as broken rows with their number
 * and line, never as an exception that stops the file.
 */
export async function openCsvSource(
  file: string,
  opts: { delimiter: string; quote: string },
  onChunk: (chunk: Buffer) => void,
  batchRows = 1024,
): Promise<RowSource<string[]>> {
  const delimiter = opts.delimiter === 'auto' ? await guessDelimiter(file, opts.quote) : opts.delimiter;
  const reader = readTextChunks(file);
  const parser = new CsvParser({ delimiter, quote: opts.quote });
  let pending: CsvRecord[] = [];
  const collect = (r: CsvRecord) => {
    // The header's width is known at once, so that a runaway quote in the first chunk is caught too.
    if (parser.expectedFields === undefined && r.error === undefined) parser.expectedFields = r.cells.length;
    pending.push(r);
  };

  // Read until the header record has come out.
  let header: string[] | null = null;
  let ended = false;
  while (pending.length === 0) {
    const next = await reader.chunks.next();
    if (next.done) {
      parser.end(collect);
      ended = true;
      break;
    }
    onChunk(next.value.bytes);
    parser.push(next.value.text, collect);
  }
  const first = pending.shift();
  if (first === undefined || first.cells.every((c) => c.trim() === '')) {
    reader.close();
    throw new PortcullisError('INVALID_FILE', `${file}: the file is empty; expected a header row`);
  }
  if (first.error !== undefined) {
    reader.close();
    throw new PortcullisError('INVALID_FILE', `${file}: the header line cannot be read: ${first.error}`);
  }
  header = first.cells.map((c) => c.trim());
  parser.expectedFields = header.length;
  const width = header.length;
  let row = 0;

  const toRow = (r: CsvRecord): SourceRow<string[]> => {
    row += 1;
    if (r.error !== undefined) {
      return { row, line: r.line, cells: r.cells, broken: { problem: `cannot be read as CSV: ${r.error}`, expected: 'well-formed CSV (quoted fields closed, nothing after a closing quote)' } };
    }
    if (r.cells.length !== width) {
      return { row, line: r.line, cells: r.cells, broken: { problem: `has ${r.cells.length} fields, ${width} in the header (a truncated or broken row)`, expected: `${width} fields separated by "${delimiter === '\t' ? '\\t' : delimiter}"` } };
    }
    return { row, line: r.line, cells: r.cells };
  };

  // Batches of exactly batchRows rows (the last one excepted), whatever the chunks hold: a short batch
  // after each chunk would leave the store's writer waiting.
  async function* rows(): AsyncGenerator<SourceRow<string[]>[]> {
    for (;;) {
      if (pending.length >= batchRows || (ended && pending.length > 0)) {
        const take = ended ? pending.length : pending.length - (pending.length % batchRows);
        const out = pending.slice(0, take).map(toRow);
        pending = pending.slice(take);
        yield* pieces(out, batchRows);
        continue;
      }
      if (ended) return;
      const next = await reader.chunks.next();
      if (next.done) {
        parser.end(collect);
        ended = true;
      } else {
        onChunk(next.value.bytes);
        parser.push(next.value.text, collect);
      }
    }
  }
  return { columns: header, locate: csvLocate(file, header), rows: rows(), close: () => reader.close() };
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
