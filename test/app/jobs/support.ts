/**
 * Two (or more) instances of the application on one PostgreSQL schema, as several `portcullis
 * serve` would be: each its own connections and its own job queue, sharing the database and the
 * keys directory. Removed after the suite (the store's schema and pg-boss's).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../src/app/config.ts';
import { openApp, type AppContext } from '../../../src/app/context.ts';
import { bossSchemaOf } from '../../../src/app/jobs/pg-queue.ts';
import { dropPgSchemas } from '../../support/stores.ts';

export const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;

/** Short enough for a takeover in seconds: held 2 s without renewal, maintenance every second. */
export const FAST = { expireSeconds: 2, maintenanceSeconds: 1, pollMs: 100, progressMs: 0, retryDelaySeconds: 1 } as const;

export interface Site {
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly schema: string;
  readonly dir: string;
  open(): Promise<AppContext>;
  /** Closes what it opened and drops the schemas. */
  close(): Promise<void>;
}

export function pgSite(): Site {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-jobs-test-'));
  const schema = `jobs_${randomBytes(6).toString('hex')}`;
  const env = { DATABASE_URL: DATABASE_URL!, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: join(dir, 'keys'), PORTCULLIS_DB: join(dir, 'unused.db') };
  const config: Config = { ...loadConfig(env), dataDir: dir };
  const opened: AppContext[] = [];
  return {
    env,
    config,
    schema,
    dir,
    async open() {
      const app = await openApp(config);
      opened.push(app);
      return app;
    },
    async close() {
      for (const a of opened) await a.close().catch(() => undefined);
      await dropPgSchemas(DATABASE_URL, [schema, bossSchemaOf(schema)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns something other than undefined (or fails after `ms`). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
