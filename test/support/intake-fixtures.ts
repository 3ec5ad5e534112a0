import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ingestFiles, type IngestOptions, type IngestSummary } from '../../src/app/intake/ingest.ts';
import { parseMapping, type Mapping } from '../../src/app/intake/mapping.ts';
import type { Locate } from '../../src/app/intake/row-converter.ts';
import { openStore, type StoreAdapter } from '../../src/store/index.ts';

/**
 * Data and helpers for the intake tests. Everything a test reads it writes itself, under a fresh
 * directory in the OS temp dir.
 */

export const CLOCK = (): Date => new Date('2026-01-01T00:00:00Z');

/** Real ISO 6346 numbers (check digits verified by the container-number tests). */
export const CONTAINERS = ['CSQU3054383', 'MSKU9070323', 'TCNU7200794'] as const;
/** CSQU3054383 with its check digit changed: ISO 6346 computes 3. */
export const BAD_CONTAINER = 'CSQU3054384';

export interface TempDir {
  readonly dir: string;
  path(name: string): string;
  write(name: string, text: string | Buffer): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-intake-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** CSV text with RFC 4180 quoting: a cell holding the delimiter, a quote or a line break is quoted. */
export function csvText(rows: readonly (readonly string[])[], delimiter = ',', eol = '\n'): string {
  const cell = (s: string) => (s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return rows.map((r) => r.map(cell).join(delimiter)).join(eol) + eol;
}

/** The columns of the test export: one goods item per row. */
export const COLUMNS = ['decl_id', 'filed', 'office', 'importer', 'export_country', 'containers', 'hs', 'origin', 'value', 'rate', 'fraud', 'note'] as const;
export type Column = (typeof COLUMNS)[number];

/** A mapping document for COLUMNS (a plain object, so tests can change it before parsing). */
export function testMappingDoc(): Record<string, unknown> {
  return {
    version: 1,
    name: 'intake test export',
    format: 'csv',
    // csv.delimiter left out: its default is "auto" (writing "auto" out is refused, see mapping.test.ts).
    fields: {
      id: { column: 'decl_id' },
      filedAt: { column: 'filed', type: 'date', format: 'DD/MM/YYYY' },
      customsOffice: { column: 'office' },
      importer: { column: 'importer' },
      exportCountry: { column: 'export_country', null: ['ZZ'], upper: true },
      containers: { column: 'containers', split: ';' },
      'item.hsCode': { column: 'hs', pad: 6 },
      'item.originCountry': { column: 'origin', null: ['ZZ'], upper: true },
      'item.customsValue': { column: 'value', type: 'number' },
      'item.currency': { const: 'KRW' },
      'item.taxRate': { column: 'rate', type: 'number' },
    },
    attributes: { note: { column: 'note' } },
    labels: { illicit: { column: 'fraud', equals: '1' } },
  };
}

export function testMapping(change?: (doc: Record<string, unknown>) => void): Mapping {
  const doc = testMappingDoc();
  change?.(doc);
  return parseMapping(doc, 'test mapping');
}

/** A good row numbered i: id D000i, value 1000+i, rate 8. */
export function testRow(i: number, over: Partial<Record<Column, string>> = {}): string[] {
  const base: Record<Column, string> = {
    decl_id: `D${String(i).padStart(6, '0')}`,
    filed: `${String((i % 28) + 1).padStart(2, '0')}/03/2021`,
    office: '030',
    importer: `IMP${i % 97}`,
    export_country: 'CN',
    containers: CONTAINERS[i % CONTAINERS.length]!,
    hs: '847130',
    origin: 'CN',
    value: String(1000 + i),
    rate: '8',
    fraud: i % 5 === 0 ? '1' : '0',
    note: '',
  };
  const r = { ...base, ...over };
  return COLUMNS.map((c) => r[c]);
}

/** A locate over string[] rows given a header, like the CSV source's. */
export function arrayLocate(header: readonly string[]): Locate<readonly string[]> {
  return (column) => {
    const i = header.indexOf(column);
    if (i < 0) throw new Error(`no column ${column}`);
    return (cells) => cells[i];
  };
}

export async function openTempStore(dir: TempDir, name = 'store.db'): Promise<StoreAdapter> {
  return openStore({ sqliteFile: dir.path(name) });
}

/** A test body run with a fresh store in a fresh temp dir; both closed and removed afterwards. */
export function withStore(fn: (store: StoreAdapter, tmp: TempDir) => Promise<void>): () => Promise<void> {
  return async () => {
    const tmp = tempDir();
    const store = await openTempStore(tmp);
    try {
      await fn(store, tmp);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  };
}

export function ingestOptions(mapping: Mapping, rejectFile: string, more: Partial<IngestOptions> = {}): IngestOptions {
  return { mapping, mappingName: 'test', strict: false, rejectFile, clock: CLOCK, ...more };
}

export function ingest(store: StoreAdapter, files: readonly string[], mapping: Mapping, rejectFile: string, more: Partial<IngestOptions> = {}): Promise<IngestSummary> {
  return ingestFiles(store, files, ingestOptions(mapping, rejectFile, more));
}

/** One line of the reject file, keyed by its header. */
export interface RejectLine {
  readonly file: string;
  readonly row: string;
  readonly declaration_id: string;
  readonly field: string;
  readonly column: string;
  readonly value: string;
  readonly problem: string;
  readonly expected: string;
}

export function readRejects(path: string): RejectLine[] {
  return parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as RejectLine[];
}
