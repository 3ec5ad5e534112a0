import { resolve } from 'node:path';
import { postgresAdapter } from './dialects/postgres.ts';
import { sqliteAdapter } from './dialects/sqlite.ts';
import type { FieldCodec } from './field-codec.ts';
import { migrateToLatest } from './migrate.ts';
import type { StoreAdapter } from './store-adapter.ts';

export interface StoreConfig {
  /** PostgreSQL connection URL; when absent the embedded SQLite file is used. */
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL schema to use instead of the default one. */
  readonly pgSchema?: string | undefined;
  /** The SQLite file (or ":memory:"). */
  readonly sqliteFile: string;
  /** How the sensitive columns are sealed at rest; plaintext when absent (src/app always gives one). */
  readonly codec?: FieldCodec | undefined;
  /**
   * SQLite: fold the write-ahead log back on a thread of its own rather than in the commits of
   * this process's connection (dialects/sqlite-checkpointer-thread.mjs). For the long-running service,
   * whose event loop would otherwise block for those copies and syncs.
   */
  readonly checkpointThread?: boolean | undefined;
  /** What the store has to say to the operator while it runs (a failing checkpoint, say). */
  readonly warn?: ((message: string) => void) | undefined;
}

export const DEFAULT_SQLITE_FILE = './data/portcullis.db';

/** Opens the store that the configuration names and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<StoreAdapter> {
  const store = config.databaseUrl
    ? postgresAdapter(config.databaseUrl, { schema: config.pgSchema, ...(config.codec === undefined ? {} : { codec: config.codec }) })
    : sqliteAdapter(config.sqliteFile === ':memory:' ? ':memory:' : resolve(config.sqliteFile), config.codec, { checkpointThread: config.checkpointThread === true, warn: config.warn });
  try {
    await migrateToLatest(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
