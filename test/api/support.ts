/**
 * A live API server for tests: a fresh store (a SQLite file, or a PostgreSQL schema of its own when
 * DATABASE_URL is set), the real authentication and policy, listening on port 0, with a clock the
 * test can move. Users of every role sign in through /auth/login.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/app/config.ts';
import { openApp, type AppContext } from '../../src/app/context.ts';
import { addUser } from '../../src/app/targeting/users.ts';
import { buildServer, type ApiServer, type ServerOptions } from '../../src/api/server.ts';
import { authPort, policy } from '../../src/api/wiring.ts';
import { partiesRepo } from '../../src/store/index.ts';
import type { DeclarationInput } from '../../src/domain/declaration.ts';
import { declarationInput, dropPgSchemas } from '../support/stores.ts';
import { bossSchemaOf } from '../../src/app/jobs/pg-queue.ts';

export const PASSWORD = 'Tr0ub4dor&3-portcullis-test';

/** Every role, one user each (two traders, two supervisors for four eyes). */
export const USERS = {
  admin: { id: 'adm', roles: ['admin'] },
  analyst: { id: 'ana', roles: ['analyst'] },
  supervisor: { id: 'sam', roles: ['supervisor'] },
  supervisor2: { id: 'sue', roles: ['supervisor'] },
  officer: { id: 'olga', roles: ['officer'] },
  trader: { id: 'tra', roles: ['trader'], party: 'IMP-A' },
  trader2: { id: 'trb', roles: ['trader'], party: 'IMP-B' },
  carrier: { id: 'car', roles: ['carrier'], party: 'CAR-1' },
  auditor: { id: 'aud', roles: ['auditor'] },
} as const;
export type Who = keyof typeof USERS;

export interface TestApi {
  readonly app: AppContext;
  /** The configuration the application was opened with (to open the same store again). */
  readonly config: Config;
  readonly server: ApiServer;
  readonly base: string;
  readonly label: string;
  /** Moves the application's clock forward. */
  advance(ms: number): void;
  /** A signed-in user's access token (signed in once through /auth/login). */
  token(who: Who): Promise<string>;
  /** fetch with JSON in and out; `as` signs the request in as that user. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are JSON of many shapes, checked field by field
  call(method: string, path: string, o?: { as?: Who; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export const STORE_LABEL = process.env.DATABASE_URL?.trim() ? 'postgres' : 'sqlite';

export async function startApi(o: Partial<ServerOptions> & { beforeListen?: (server: ApiServer) => void; env?: Record<string, string>; port?: number } = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-api-test-'));
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const schema = databaseUrl !== undefined ? `api_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig({
    PORTCULLIS_DB: join(dir, 'api.db'),
    PORTCULLIS_KEYS_DIR: join(dir, 'keys'),
    ...(databaseUrl !== undefined ? { DATABASE_URL: databaseUrl, PORTCULLIS_PG_SCHEMA: schema } : {}),
    ...o.env,
  });
  let now = Date.now();
  const appConfig: Config = { ...config, dataDir: dir };
  const app = await openApp(appConfig, () => new Date(now));
  for (const u of Object.values(USERS)) await addUser(app, { ...u, roles: [...u.roles], password: PASSWORD });
  await partiesRepo(app.store.db).upsert(
    [
      { id: 'IMP-A', name: 'Importer A', roles: ['importer'], country: 'NL', aeo: false },
      { id: 'IMP-B', name: 'Importer B', roles: ['importer'], country: 'DE', aeo: true },
      { id: 'CAR-1', name: 'Carrier One', roles: ['carrier'], country: 'DK', aeo: true },
    ],
    new Date(now).toISOString(),
  );
  const { beforeListen, env: _env, port, ...options } = o;
  const server = await buildServer(app, { auth: authPort, can: policy, logger: false, rateLimit: { max: 100_000, loginMax: 1000 }, ...options });
  beforeListen?.(server);
  await server.listen({ port: port ?? 0, host: '127.0.0.1' });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const tokens = new Map<Who, string>();
  const api: TestApi = {
    app,
    config: appConfig,
    server,
    base,
    label: STORE_LABEL,
    advance: (ms) => {
      now += ms;
    },
    async token(who) {
      let t = tokens.get(who);
      if (t === undefined) {
        const r = await api.call('POST', '/api/v1/auth/login', { body: { user: USERS[who].id, password: PASSWORD } });
        if (r.status !== 200) throw new Error(`login of ${who} answered ${r.status}: ${JSON.stringify(r.body)}`);
        t = r.body.accessToken as string;
        tokens.set(who, t);
      }
      return t;
    },
    async call(method, path, c = {}) {
      const headers: Record<string, string> = { ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...c.headers };
      if (c.as !== undefined) headers.authorization = `Bearer ${await api.token(c.as)}`;
      const res = await fetch(`${base}${path}`, { method, headers, ...(c.body !== undefined ? { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) } : {}) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // text answers (the ledger's notes and proofs)
      }
      return { status: res.status, body, headers: res.headers };
    },
    async close() {
      await server.close().catch(() => undefined);
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      // The store's schema, and the job queue's (app/jobs/pg-queue.ts).
      if (schema !== undefined) await dropPgSchemas(databaseUrl, [schema, bossSchemaOf(schema)]);
    },
  };
  return api;
}

/** A valid declaration of `importer`, the i-th of the test series, with an id of its own. */
export function declarationOf(importer: string, i: number, over: Partial<DeclarationInput> = {}): DeclarationInput {
  return { ...declarationInput(i), id: `${importer}-${String(i).padStart(5, '0')}`, importer, ...over };
}

/** How many rows a table holds (what an attack must not change). */
export async function countRows(app: AppContext, table: 'declarations' | 'goods_items' | 'decisions' | 'users' | 'parties' | 'ledger_entries' | 'rules'): Promise<number> {
  const r = await app.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
