import { type DatabaseIntrospector, type Kysely, type Migration, type MigrationProvider, Migrator, sql, type TableMetadata } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import * as initial from './migrations/0001-initial.ts';
import * as dropImporterIndex from './migrations/0002-drop-importer-index.ts';
import * as targeting from './migrations/0003-targeting.ts';
import * as ledger from './migrations/0004-ledger.ts';
import * as movements from './migrations/0005-movements.ts';
import * as auth from './migrations/0006-auth.ts';
import * as worklist from './migrations/0009-worklist.ts';
import * as currentDecisions from './migrations/0010-current-decisions.ts';
import * as worklistWithoutGreen from './migrations/0011-worklist-index-without-green.ts';
import * as iot from './migrations/0012-iot.ts';
import * as iotInbox from './migrations/0013-iot-inbox.ts';
import * as movementsByCarrier from './migrations/0014-movements-by-carrier.ts';
import * as ledgerQueue from './migrations/0015-ledger-queue.ts';
import * as jobs from './migrations/0016-jobs.ts';
import type { Schema } from './schema.ts';
import type { StoreAdapter } from './store-adapter.ts';

/** Migrations are listed here, in order; the same ones run on SQLite and PostgreSQL. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-drop-importer-index': dropImporterIndex,
  '0003-targeting': targeting,
  '0004-ledger': ledger,
  '0005-movements': movements,
  '0006-auth': auth,
  '0009-worklist': worklist,
  '0010-current-decisions': currentDecisions,
  '0011-worklist-index-without-green': worklistWithoutGreen,
  '0012-iot': iot,
  '0013-iot-inbox': iotInbox,
  '0014-movements-by-carrier': movementsByCarrier,
  '0015-ledger-queue': ledgerQueue,
  '0016-jobs': jobs,
};

/** Brings the schema up to date; safe to run at every start and from several processes. */
export async function migrateToLatest(store: StoreAdapter): Promise<string[]> {
  if (store.dialect !== 'postgres') return migrateOn(store, migratorOn(store.db, undefined));
  // Instances started together on a new database would race to create the schema and the
  // migration tables: one at a time, under a session lock of this schema's own.
  return store.db.connection().execute(async (conn) => {
    const key = `portcullis.migrate:${store.schema ?? ''}`;
    await sql`SELECT pg_advisory_lock(hashtext(${key}))`.execute(conn);
    try {
      if (store.schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(store.schema)}`.execute(conn);
      // Kysely looks for its migration tables in every schema unless told which one holds them; without
      // this, a schema on a server where another schema has them never gets its own.
      const r = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(conn);
      const own = store.schema ?? r.rows[0]?.s ?? 'public';
      return await migrateOn(store, migratorOn(conn, own));
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}

/**
 * A migrator over the store's migrations (or those given), looking only in the store's own schema
 * on PostgreSQL (see withinSchema): for moving a schema to a given migration, as tests do.
 */
export function migratorFor(store: StoreAdapter, migrations: Readonly<Record<string, Migration>> = MIGRATIONS): Migrator {
  return migratorOn(store.db, store.dialect === 'postgres' ? store.schema : undefined, migrations);
}

/** Kysely's migrator on `db`; with a PostgreSQL schema, its migration tables and look-ups in that schema alone. */
function migratorOn(db: Kysely<Schema>, pgSchema: string | undefined, migrations: Readonly<Record<string, Migration>> = MIGRATIONS): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  return pgSchema === undefined ? new Migrator({ db, provider }) : new Migrator({ db: withinSchema(db, pgSchema), provider, migrationTableSchema: pgSchema });
}

async function migrateOn(store: StoreAdapter, migrator: Migrator): Promise<string[]> {
  // Reading first keeps a read-only command from queueing for the write lock behind a long intake.
  if ((await migrator.getMigrations()).every((m) => m.executedAt !== undefined)) return [];
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new PortcullisError('STORE_ERROR', `migration failed on ${store.description}: ${String(error)}`, [], { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The connection as Kysely's migrator sees it, with its look-ups of schemas and tables confined to
 * `schema`. Its own introspection lists every table of every schema on the server, and fails
 * ("schema … does not exist") when someone drops another schema meanwhile: on a server shared by
 * several deployments, or by tests run side by side.
 */
function withinSchema(db: Kysely<Schema>, schema: string): Kysely<Schema> {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => (await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname = ${schema}`.execute(db)).rows,
    getTables: async () => {
      const r = await sql<{ name: string; kind: string }>`
        SELECT c.relname AS name, c.relkind AS kind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'v')`.execute(db);
      return r.rows.map((t): TableMetadata => ({ name: t.name, schema, isView: t.kind === 'v', columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
