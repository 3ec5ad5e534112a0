/**
 * One store test suite, run against every database: SQLite in a temporary file, SQLite in memory,
 * and PostgreSQL when DATABASE_URL is set (each store in its own schema, dropped afterwards).
 * Also a small factory of valid, normalised declaration records.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { Declaration, type DeclarationInput, type GoodsItem, type Labels } from '../../src/domain/declaration.ts';
import { openStore, type DeclarationRecord, type DeclarationSink, type FieldCodec, type StoreAdapter, type StoreConfig } from '../../src/store/index.ts';

export const PG_SKIP = 'DATABASE_URL not set: PostgreSQL store tests skipped';

/**
 * PostgreSQL schemas a suite makes for itself: `fresh()` names a new one (`test_…`), and `drop()`,
 * after the suite, removes them and what lives in them.
 */
export function pgSchemas(databaseUrl: string | undefined): { fresh(): string; drop(): Promise<void> } {
  const made: string[] = [];
  return {
    fresh() {
      const s = `test_${randomBytes(6).toString('hex')}`;
      made.push(s);
      return s;
    },
    drop: () => dropPgSchemas(databaseUrl, made),
  };
}

/**
 * The tables of the store's own schema (PostgreSQL) or database (SQLite), sorted, Kysely's own
 * included. On PostgreSQL it reads the catalogue of that schema alone: Kysely's introspection
 * lists every schema's tables and fails when another test drops a schema meanwhile.
 */
export async function tableNamesOf(store: StoreAdapter): Promise<string[]> {
  if (store.dialect !== 'postgres') return (await store.db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = COALESCE(${store.schema ?? null}, current_schema()) AND c.relkind IN ('r', 'p', 'v')`.execute(store.db);
  return r.rows.map((t) => t.name).sort();
}

/** Removes PostgreSQL schemas and everything in them (none when there is no database). */
export async function dropPgSchemas(databaseUrl: string | undefined, schemas: Iterable<string>): Promise<void> {
  const names = [...new Set(schemas)];
  if (names.length === 0 || databaseUrl === undefined) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    for (const s of names) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await c.end();
  }
}

export interface StoreHarness {
  /** "sqlite (file)", "sqlite (:memory:)" or "postgres". */
  readonly label: string;
  /** A fresh, migrated, empty store (sealing its sensitive columns with `codec` when given). Closed after the test that opened it; its data removed after the suite. */
  open(codec?: FieldCodec): Promise<StoreAdapter>;
  /**
   * One store for the whole suite, opened at first use and closed after the suite, with the sinks
   * opened on it. Tests that share it must keep to ids of their own (see `RecordOptions.prefix`).
   */
  shared(): Promise<StoreAdapter>;
  /**
   * A second, independent connection to the database of `store` (migrations run again on open),
   * or undefined where there is none to be had (SQLite :memory:).
   */
  readonly reopen: ((store: StoreAdapter, codec?: FieldCodec) => Promise<StoreAdapter>) | undefined;
}

interface Target {
  readonly label: string;
  readonly skip: string | false;
  /** A configuration for a new, empty database. */
  fresh(): StoreConfig;
  readonly reopenable: boolean;
  /** Removes what the suite left behind, once every store is closed. */
  cleanup(configs: readonly StoreConfig[]): Promise<void>;
}

function targets(): Target[] {
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  let dir: string | undefined;
  let n = 0;
  return [
    {
      label: 'sqlite (file)',
      skip: false,
      reopenable: true,
      fresh: () => {
        dir ??= mkdtempSync(join(tmpdir(), 'portcullis-store-test-'));
        n += 1;
        return { sqliteFile: join(dir, `store-${n}.db`) };
      },
      cleanup: async () => {
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      },
    },
    {
      label: 'sqlite (:memory:)',
      skip: false,
      reopenable: false,
      fresh: () => ({ sqliteFile: ':memory:' }),
      cleanup: async () => {},
    },
    {
      label: 'postgres',
      skip: databaseUrl === undefined ? PG_SKIP : false,
      reopenable: true,
      fresh: () => ({ databaseUrl, pgSchema: `test_${randomBytes(6).toString('hex')}`, sqliteFile: '' }),
      cleanup: async (configs) => {
        await dropPgSchemas(databaseUrl, configs.flatMap((c) => (c.pgSchema === undefined ? [] : [c.pgSchema])));
      },
    },
  ];
}

/**
 * Registers `describe(`${name} on ${database}`)` for every database and runs `fn` inside it to
 * register the tests. Stores opened by a test are closed after it; databases are removed after the suite.
 */
export function forEachStore(name: string, fn: (h: StoreHarness) => void): void {
  for (const target of targets()) {
    describe(`${name} on ${target.label}`, target.skip === false ? {} : { skip: target.skip }, () => {
      const configs: StoreConfig[] = [];
      const configOf = new WeakMap<StoreAdapter, StoreConfig>();
      type SinkEntry = { sink: DeclarationSink; ended: boolean };
      let openNow: StoreAdapter[] = [];
      let sinksNow: SinkEntry[] = [];
      const suiteSinks: SinkEntry[] = [];
      let sharedStore: Promise<StoreAdapter> | undefined;

      /** Sinks are tracked so that one left open (a thread, a connection, a lock) is ended, and reported when a test left it. */
      const trackSink = (sink: DeclarationSink, owner: SinkEntry[]): DeclarationSink => {
        const entry = { sink, ended: false };
        owner.push(entry);
        return {
          write: (batch) => sink.write(batch),
          commit: () => {
            entry.ended = true;
            return sink.commit();
          },
          rollback: () => {
            entry.ended = true;
            return sink.rollback();
          },
        };
      };

      const track = async (config: StoreConfig, suiteOwned = false): Promise<StoreAdapter> => {
        const store = await openStore(config);
        let closed: Promise<void> | undefined;
        const tracked: StoreAdapter = {
          ...store,
          openDeclarationSink: async (opts) => trackSink(await store.openDeclarationSink(opts), suiteOwned ? suiteSinks : sinksNow),
          close: () => (closed ??= store.close()),
        };
        configOf.set(tracked, config);
        if (!suiteOwned) openNow.push(tracked);
        return tracked;
      };

      const harness: StoreHarness = {
        label: target.label,
        open: (codec) => {
          const config = target.fresh();
          configs.push(config);
          return track(codec === undefined ? config : { ...config, codec });
        },
        shared: () => {
          if (sharedStore === undefined) {
            const config = target.fresh();
            configs.push(config);
            sharedStore = track(config, true);
          }
          return sharedStore;
        },
        reopen: target.reopenable
          ? (store, codec) => {
              const config = configOf.get(store);
              if (config === undefined) throw new Error('reopen: not a store opened by this harness');
              return track(codec === undefined ? config : { ...config, codec });
            }
          : undefined,
      };

      afterEach(async () => {
        const left = sinksNow.filter((e) => !e.ended);
        const closing = openNow;
        sinksNow = [];
        openNow = [];
        for (const e of left) await e.sink.rollback().catch(() => {});
        await Promise.all(closing.map((s) => s.close()));
        // A sink must be ended with commit or rollback (declaration-sink.ts): a test that forgets fails.
        if (left.length > 0) throw new Error(`the test left ${left.length} declaration sink(s) open: end each with commit() or rollback()`);
      });
      after(async () => {
        for (const e of suiteSinks) if (!e.ended) await e.sink.rollback().catch(() => {});
        if (sharedStore !== undefined) await (await sharedStore.catch(() => undefined))?.close();
        await target.cleanup(configs);
      });

      fn(harness);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Valid declarations, normalised by the domain schema exactly as intake would.

export const CONTAINERS = ['CSQU3054383', 'MSKU9070323'] as const;
export const OFFICES = ['NLRTM01', 'KRPUS02', 'CNSHA03'] as const;
export const HS_CODES = ['847130', '851712', '610910', '940360'] as const;
const T0 = Date.UTC(2024, 2, 1);

/** Parses through the zod `Declaration` schema, so that the result is exactly what the store receives. */
export function declaration(input: DeclarationInput): Declaration {
  return Declaration.parse(input);
}

/**
 * The i-th declaration of a deterministic series: offices, importers, HS codes, countries and
 * containers cycle; filed one minute apart from 2024-03-01T00:00:00.000Z. `over` replaces fields.
 */
export function declarationInput(i: number, over: Partial<DeclarationInput> = {}): DeclarationInput {
  const items: DeclarationInput['items'] = [];
  const itemCount = 1 + (i % 3);
  for (let s = 1; s <= itemCount; s += 1) {
    items.push({
      sequence: s,
      hsCode: HS_CODES[(i + s - 1) % HS_CODES.length]!,
      originCountry: (i + s) % 2 === 0 ? 'CN' : 'KR',
      quantity: 10 * s,
      quantityUnit: 'NAR',
      customsValue: 100 + i + s / 4,
      currency: 'USD',
    });
  }
  return {
    id: `DEC-${String(i).padStart(6, '0')}`,
    filedAt: new Date(T0 + i * 60_000).toISOString(),
    customsOffice: OFFICES[i % OFFICES.length]!,
    importer: `IMP-${i % 5}`,
    exportCountry: i % 2 === 0 ? 'CN' : 'KR',
    containers: i % 2 === 0 ? [CONTAINERS[0]] : [CONTAINERS[1]],
    items,
    ...over,
  };
}

export interface RecordOptions {
  /** The id is `${prefix}-${i}` (six digits); "DEC" unless given. Tests sharing a store each take their own. */
  readonly prefix?: string;
  readonly declaration?: Partial<DeclarationInput>;
  readonly labels?: Labels;
  readonly source?: string;
  readonly ingestedAt?: string;
}

export function makeRecord(i: number, opts: RecordOptions = {}): DeclarationRecord {
  return {
    declaration: declaration(declarationInput(i, { ...(opts.prefix === undefined ? {} : { id: `${opts.prefix}-${String(i).padStart(6, '0')}` }), ...opts.declaration })),
    labels: opts.labels ?? {},
    source: opts.source ?? `test.csv#${i + 2}`,
    ingestedAt: opts.ingestedAt ?? '2024-06-01T12:00:00.000Z',
  };
}

/** Records `start`, `start + 1`, … `start + n - 1` of the series. */
export function makeRecords(n: number, start = 0, opts: RecordOptions = {}): DeclarationRecord[] {
  return Array.from({ length: n }, (_, k) => makeRecord(start + k, opts));
}

/** A declaration with every optional field set, attributes of every kind, and text that tests quoting. */
export function fullRecord(id = 'FULL-1'): DeclarationRecord {
  const item = (sequence: number, hsCode: string, originCountry: string): DeclarationInput['items'][number] => ({
    sequence,
    hsCode,
    description: `Item ${sequence}: "thin" laptops, {braces}, back\\slash, NULL, ünïcödé`,
    originCountry,
    quantity: 12.5 * sequence,
    quantityUnit: 'KGM',
    netMassKg: 0.1 + 0.2,
    customsValue: 1234.56 * sequence,
    currency: 'USD',
    taxRate: 2.5,
    duty: 30.864,
  });
  return {
    declaration: declaration({
      id,
      filedAt: '2024-05-17T08:30:00.123Z',
      customsOffice: 'NLRTM01',
      declarant: 'DECL-9',
      importer: 'IMP-FULL',
      seller: 'SELL-7',
      courier: 'COUR-3',
      exportCountry: 'CN',
      modeOfTransport: '1',
      transportDocument: 'MBL-000123',
      containers: [...CONTAINERS],
      portOfLoading: 'CNSHA',
      portOfDischarge: 'NLRTM',
      items: [item(1, '847130', 'CN'), item(2, '851712', 'KR'), item(3, '610910', 'CN')],
      attributes: { text: 'a "quoted" value', empty: '', zero: 0, count: 42, ratio: -1.75, flag: true, off: false, none: null },
    }),
    labels: { illicit: true, critical: false, revenueRecovered: 987.65 },
    source: 'full.jsonl#1',
    ingestedAt: '2024-05-17T09:00:00.000Z',
  };
}

/** A record whose declaration has `items` as given (sequences and all). */
export function recordWithItems(i: number, items: readonly Partial<GoodsItem>[], opts: RecordOptions = {}): DeclarationRecord {
  const base = declarationInput(i).items[0]!;
  return makeRecord(i, { ...opts, declaration: { ...opts.declaration, items: items.map((it) => ({ ...base, ...it })) } });
}
