import { dirname, resolve } from 'node:path';
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
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const sqliteFile = env.PORTCULLIS_DB?.trim() || DEFAULT_SQLITE_FILE;
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const port = Number(env.PORTCULLIS_PORT ?? 8080);
  return {
    sqliteFile,
    databaseUrl,
    pgSchema: env.PORTCULLIS_PG_SCHEMA?.trim() || undefined,
    mqttUrl: env.MQTT_URL?.trim() || undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 8080,
    dataDir: databaseUrl || sqliteFile === ':memory:' ? resolve('data') : dirname(resolve(sqliteFile)),
  };
}
