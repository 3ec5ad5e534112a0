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
  /**
   * PORTCULLIS_SHARING: the data-sharing policy, which fields of a risk alert may leave the service
   * (app/cooperation/sharing.ts), as JSON (`{"indicators": ["hsCodes", "routes", …]}`) or @FILE.
   */
  readonly sharing?: string | undefined;
  readonly security: SecurityConfig;
}

/**
 * The service's secrets and exposure. Secrets come from the environment or from key files in the
 * ledger's `keysDir` (made on first use, mode 0600), never from the database.
 */
export interface SecurityConfig {
  /** PORTCULLIS_TOKEN_KEY: base64url of the 32-byte HMAC key that signs access tokens; else the key file `token.key`. */
  readonly tokenKey: string | undefined;
  /**
   * PORTCULLIS_DATA_KEYS: the key ring for fields encrypted at rest, "kid:base64key,kid:base64key…",
   * the first one current (new rows are sealed with it, older ones stay readable until `keys rotate`);
   * else the key file `data-keys.json`.
   */
  readonly dataKeys: string | undefined;
  /** PORTCULLIS_ADMIN_PASSWORD: the admin account's password on first start; else one is made and printed once. */
  readonly adminPassword: string | undefined;
  /** PORTCULLIS_HOST: the address the server listens on (127.0.0.1). */
  readonly host: string;
  /** PORTCULLIS_TLS_CERT and PORTCULLIS_TLS_KEY: PEM files; the server speaks HTTPS when both are set. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** PORTCULLIS_CORS_ORIGINS: origins allowed to call the API from a browser, comma-separated; none by default. */
  readonly corsOrigins: readonly string[];
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
  /** PORTCULLIS_WITNESS_KEY: the cosignature key with which this deployment witnesses its partners' logs. */
  readonly witnessKey?: string | undefined;
  /**
   * PORTCULLIS_WITNESS_LOGS: the partners' logs this deployment witnesses, as JSON
   * (`[{"url": "https://…", "key": "their log's verifier key"}]`), or @FILE holding it.
   */
  readonly witnessLogs?: string | undefined;
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
    sharing: env.PORTCULLIS_SHARING?.trim() || undefined,
    ledger: {
      logKey: env.PORTCULLIS_LOG_KEY?.trim() || undefined,
      partyKey: env.PORTCULLIS_PARTY_KEY?.trim() || undefined,
      witnessKey: env.PORTCULLIS_WITNESS_KEY?.trim() || undefined,
      witnessLogs: env.PORTCULLIS_WITNESS_LOGS?.trim() || undefined,
      keysDir,
      origin: env.PORTCULLIS_LOG_ORIGIN?.trim() || 'portcullis.local/ledger',
      party: env.PORTCULLIS_PARTY?.trim() || 'customs',
    },
    security: {
      tokenKey: env.PORTCULLIS_TOKEN_KEY?.trim() || undefined,
      dataKeys: env.PORTCULLIS_DATA_KEYS?.trim() || undefined,
      adminPassword: env.PORTCULLIS_ADMIN_PASSWORD || undefined,
      host: env.PORTCULLIS_HOST?.trim() || '127.0.0.1',
      tls: env.PORTCULLIS_TLS_CERT?.trim() && env.PORTCULLIS_TLS_KEY?.trim() ? { cert: env.PORTCULLIS_TLS_CERT.trim(), key: env.PORTCULLIS_TLS_KEY.trim() } : undefined,
      corsOrigins: (env.PORTCULLIS_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    },
  };
}
