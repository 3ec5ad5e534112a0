import { dirname, join, resolve } from 'node:path';
import { DEFAULT_SQLITE_FILE } from '../store/index.ts';

/** Configuration, read from the environment once, at the edge. Documented in README.md. */
export interface Config {
  /** The embedded SQLite file (PORTCULLIS_DB), used when no DATABASE_URL is set. */
  readonly sqliteFile: string;
  /** PostgreSQL connection URL (DATABASE_URL). */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema (PORTCULLIS_PG_SCHEMA), for several deployments or test runs in one database. */
  readonly pgSchema: string | undefined;
  /** External MQTT broker (MQTT_URL); when absent the server embeds one. */
  readonly mqttUrl: string | undefined;
  /** HTTP port of the server (PORTCULLIS_PORT). */
  readonly port: number;
  /** Where reject files and other working files go: beside the SQLite file, or ./data. */
  readonly dataDir: string;
  /** The ledger's keys, when not in files. */
  readonly ledger: LedgerConfig;
}

/**
 * The ledger's two private keys, in the signed-note format (PRIVATE+KEY+name+id+key): the log's,
 * which signs checkpoints (its name is the log's origin), and the service's own party key, which
 * signs the entries the service makes (decisions, rule changes…). From the environment, or from key
 * files in `keysDir` made on first use (mode 0600); never from the database.
 */
export interface LedgerConfig {
  /** PORTCULLIS_LOG_KEY */
  readonly logKey: string | undefined;
  /** PORTCULLIS_PARTY_KEY */
  readonly partyKey: string | undefined;
  /** PORTCULLIS_KEYS_DIR, else `keys` in the data directory; null: keys made for this process only (an in-memory store). */
  readonly keysDir: string | null;
  /** PORTCULLIS_LOG_ORIGIN: the log's name for a new log key. */
  readonly origin: string;
  /** PORTCULLIS_PARTY: the service's party name for a new party key. */
  readonly party: string;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const sqliteFile = env.PORTCULLIS_DB?.trim() || DEFAULT_SQLITE_FILE;
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const port = Number(env.PORTCULLIS_PORT ?? 8080);
  const dataDir = databaseUrl || sqliteFile === ':memory:' ? resolve('data') : dirname(resolve(sqliteFile));
  const keysDir = env.PORTCULLIS_KEYS_DIR?.trim() ? resolve(env.PORTCULLIS_KEYS_DIR.trim()) : !databaseUrl && sqliteFile === ':memory:' ? null : join(dataDir, 'keys');
  return {
    sqliteFile,
    databaseUrl,
    pgSchema: env.PORTCULLIS_PG_SCHEMA?.trim() || undefined,
    mqttUrl: env.MQTT_URL?.trim() || undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 8080,
    dataDir,
    ledger: {
      logKey: env.PORTCULLIS_LOG_KEY?.trim() || undefined,
      partyKey: env.PORTCULLIS_PARTY_KEY?.trim() || undefined,
      keysDir,
      origin: env.PORTCULLIS_LOG_ORIGIN?.trim() || 'portcullis.local/ledger',
      party: env.PORTCULLIS_PARTY?.trim() || 'customs',
    },
  };
}
