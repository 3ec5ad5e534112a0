import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { PortcullisError } from '../../domain/errors.ts';
import { generateRows, type GenerateOptions } from './declarations.ts';
import type { GeneratedRow } from './row.ts';

/**
 * Writing generated declarations to a file, as CSV (RFC 4180 quoting, "\n" line ends, one header
 * line) or as JSON Lines with the same keys, streamed in chunks with backpressure so that memory
 * stays flat for any number of rows.
 */

export const GENERATED_COLUMNS = [
  'declaration_id', 'filed_at', 'customs_office', 'declarant_id', 'importer_id', 'seller_id', 'courier_id',
  'export_country', 'mode_of_transport', 'transport_document', 'container_numbers', 'port_of_loading',
  'port_of_discharge', 'hs_code', 'description', 'origin_country', 'quantity', 'quantity_unit', 'net_mass_kg',
  'customs_value', 'currency', 'tax_rate', 'duty', 'incoterm', 'payment_type', 'importer_aeo', 'illicit',
  'critical', 'revenue_recovered', 'fraud_pattern',
] as const satisfies readonly (keyof GeneratedRow)[];

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: quoted, with inner quotes doubled, when it holds a comma, a quote, CR or LF. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line (without its line end). */
export function formatCsvRow(values: readonly (string | number)[]): string {
  return values.map(csvCell).join(',');
}

export function generatedCsvLine(row: GeneratedRow): string {
  let line = csvCell(row[GENERATED_COLUMNS[0]]);
  for (let i = 1; i < GENERATED_COLUMNS.length; i++) line += ',' + csvCell(row[GENERATED_COLUMNS[i] as keyof GeneratedRow]);
  return line;
}

export interface WriteSummary {
  readonly rows: number;
  readonly illicit: number;
  readonly critical: number;
  readonly bytes: number;
}

const CHUNK_ROWS = 1000;

async function writeRows(
  path: string,
  opts: GenerateOptions,
  header: string | undefined,
  format: (row: GeneratedRow) => string,
  onProgress?: (rows: number) => void,
): Promise<WriteSummary> {
  const rows = generateRows(opts); // checks the options before the file is created
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  const fail = (e: Error) =>
    new PortcullisError('INVALID_FILE', `cannot write ${path}: ${e.message}`, [{ field: 'out', problem: e.message, expected: 'a writable file path' }], { cause: e });
  let count = 0;
  let illicit = 0;
  let critical = 0;
  let bytes = 0;
  const write = async (chunk: string): Promise<void> => {
    if (failure !== undefined) throw fail(failure);
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    await once(out, 'open');
    if (header !== undefined) await write(header + '\n');
    let lines: string[] = [];
    for (const row of rows) {
      lines.push(format(row));
      count++;
      illicit += row.illicit;
      critical += row.critical;
      if (lines.length === CHUNK_ROWS) {
        await write(lines.join('\n') + '\n');
        lines = [];
        onProgress?.(count);
      }
    }
    if (lines.length > 0) {
      await write(lines.join('\n') + '\n');
      onProgress?.(count);
    }
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    throw failure !== undefined && !(e instanceof PortcullisError) ? fail(failure) : e;
  }
  return { rows: count, illicit, critical, bytes };
}

/** Writes generated declarations as CSV with a header line; resolves once the file is complete. */
export function writeGeneratedCsv(path: string, opts: GenerateOptions, onProgress?: (rows: number) => void): Promise<WriteSummary> {
  return writeRows(path, opts, GENERATED_COLUMNS.join(','), generatedCsvLine, onProgress);
}

/** Writes generated declarations as JSON Lines, one object per row with the CSV column names as keys. */
export function writeGeneratedJsonl(path: string, opts: GenerateOptions, onProgress?: (rows: number) => void): Promise<WriteSummary> {
  return writeRows(path, opts, undefined, (row) => JSON.stringify(row), onProgress);
}
