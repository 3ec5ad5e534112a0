import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import * as initial from './migrations/0001-initial.ts';
import type { StoreAdapter } from './store-adapter.ts';

/** Migrations are listed here, in order; the same ones run on SQLite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; safe to run at every start and from several processes. */
export async function migrateToLatest(store: StoreAdapter): Promise<string[]> {
  if (store.schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(store.schema)}`.execute(store.db);
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new PortcullisError('STORE_ERROR', `migration failed on ${store.description}: ${String(error)}`, [], { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
