import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openApp } from '../../src/app/context.ts';
import { fileDeclarations } from '../../src/app/filing/file-declarations.ts';
import { shutdown } from '../../src/api/server.ts';
import { countRows, declarationOf, PASSWORD, startApi, USERS, type TestApi } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const INJECTIONS = ["' OR '1'='1", "1; DROP TABLE declarations; --", "x' UNION SELECT id, roles FROM users --", "%' OR importer LIKE '%", '") OR 1=1 --', "IMP-A'--"];
const TABLES = ['declarations', 'goods_items', 'decisions', 'users', 'parties', 'rules'] as const;

describe(`hardening over HTTP (${DB})`, () => {
  describe('SQL injection', () => {
    let api: TestApi;
    before(async () => {
      api = await startApi();
      for (const who of ['analyst', 'supervisor', 'trader', 'trader2'] as const) await api.token(who);
      await api.call('POST', '/api/v1/declarations', { as: 'trader', body: declarationOf('IMP-A', 1) });
      await api.call('POST', '/api/v1/declarations', { as: 'trader2', body: declarationOf('IMP-B', 2) });
    });
    after(async () => api.close());

    test('in path and query parameters and bodies: 4xx or empty answers, and nothing changes', async () => {
      const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await countRows(api.app, t)] as const)));
      const before = await counts();
      for (const bad of INJECTIONS) {
        const e = encodeURIComponent(bad);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
        const expectations: [string, string, 'analyst' | 'trader' | 'supervisor', (s: number, body: any) => boolean][] = [
          ['GET', `/api/v1/declarations/${e}`, 'analyst', (s) => s === 400 || s === 404],
          ['GET', `/api/v1/declarations/${e}/decisions`, 'trader', (s) => s === 400 || s === 404],
          ['GET', `/api/v1/declarations?importer=${e}`, 'analyst', (s, b) => s === 200 && b.items.length === 0],
          ['GET', `/api/v1/declarations?importer=${e}`, 'trader', (s, b) => s === 200 && b.items.length === 0],
          ['GET', `/api/v1/declarations?office=${e}`, 'analyst', (s, b) => (s === 200 && b.items.length === 0) || s === 400],
          ['GET', `/api/v1/declarations?hs=${e}`, 'analyst', (s) => s === 400],
          ['GET', `/api/v1/declarations?cursor=${e}`, 'analyst', (s) => s === 400],
          ['GET', `/api/v1/worklist?office=${e}`, 'analyst', (s, b) => (s === 200 && b.items.length === 0) || s === 400],
          ['GET', `/api/v1/parties?after=${e}`, 'analyst', (s, b) => s === 400 || (s === 200 && Array.isArray(b.parties))],
          ['GET', `/api/v1/ledger/entries?subject=${e}`, 'analyst', (s) => s === 400],
          ['GET', `/api/v1/rules/${e}`, 'analyst', (s) => s === 400 || s === 404],
          ['GET', `/api/v1/movements?document=${e}`, 'analyst', (s, b) => s === 200 && b.movements.length === 0],
        ];
        for (const [method, path, who, ok] of expectations) {
          const r = await api.call(method, path, { as: who });
          assert.ok(ok(r.status, r.body), `${method} ${path} as ${who}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        }
        const bodies: [string, string, 'analyst' | 'trader' | 'supervisor' | undefined, unknown][] = [
          ['POST', '/api/v1/auth/login', undefined, { user: bad, password: bad }],
          ['POST', '/api/v1/auth/login', undefined, { user: 'ana', password: bad }],
          ['POST', '/api/v1/declarations', 'trader', declarationOf(bad, 3)],
          ['POST', '/api/v1/worklist/X/override', 'analyst', { lane: bad, reason: bad }],
          ['POST', '/api/v1/inspections', 'supervisor', { declarationId: bad, finding: 'none' }],
          ['PUT', '/api/v1/budgets/NLRTM01', 'supervisor', { redRate: bad, yellowRate: 0 }],
          ['POST', `/api/v1/rules/R0001/submit`, 'analyst', { version: bad }],
        ];
        for (const [method, path, who, body] of bodies) {
          const r = await api.call(method, path, { ...(who !== undefined ? { as: who } : {}), body });
          assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} with ${JSON.stringify(body).slice(0, 80)}: ${r.status}`);
        }
      }
      assert.deepEqual(await counts(), before);
      // The store still answers as before.
      const list = await api.call('GET', '/api/v1/declarations?limit=10', { as: 'analyst' });
      assert.equal(list.body.items.length, 2);
    });
  });

  describe('brute-force sign-in', () => {
    let api: TestApi;
    before(async () => {
      api = await startApi();
    });
    after(async () => api.close());

    test('failed logins are slowed (429 with Retry-After) and then the account is locked, even for the right password', async () => {
      const login = (password: string) => api.call('POST', '/api/v1/auth/login', { body: { user: USERS.analyst.id, password } });
      assert.equal((await login('wrong-password-1')).status, 401);
      assert.equal((await login('wrong-password-2')).status, 401);
      assert.equal((await login('wrong-password-3')).status, 401);
      const slowed = await login('wrong-password-4');
      assert.equal(slowed.status, 429);
      assert.equal(slowed.body.error.code, 'RATE_LIMITED');
      assert.ok(Number(slowed.headers.get('retry-after')) >= 1, `retry-after ${slowed.headers.get('retry-after')}`);
      let locked: Awaited<ReturnType<typeof login>> | undefined;
      for (let i = 0; i < 20 && locked === undefined; i += 1) {
        api.advance(61_000);
        const r = await login(`wrong-password-${i + 5}`);
        if (r.status === 429) locked = r;
        else assert.equal(r.status, 401);
      }
      assert.ok(locked !== undefined, 'never locked');
      assert.ok(Number(locked.headers.get('retry-after')) > 60, `locked for ${locked.headers.get('retry-after')} s`);
      api.advance(2_000);
      const right = await login(PASSWORD);
      assert.equal(right.status, 429, 'the right password does not open a locked account');
      api.advance(16 * 60_000);
      assert.equal((await login(PASSWORD)).status, 200, 'the lock ends');
    });

    test('sign-in requests per client are limited by the server too', async () => {
      const limited = await startApi({ rateLimit: { max: 100_000, loginMax: 3 } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i += 1) statuses.push((await limited.call('POST', '/api/v1/auth/login', { body: { user: `nobody${i}`, password: 'whatever-password' } })).status);
        assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
        const r = await limited.call('POST', '/api/v1/auth/login', { body: { user: 'x', password: 'y' } });
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
        assert.equal(r.body.error.code, 'RATE_LIMITED');
      } finally {
        await limited.close();
      }
    });
  });

  describe('graceful shutdown', () => {
    test('a request under way finishes, new ones are refused, and the ledger is flushed with a last checkpoint', async () => {
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const api = await startApi({
        beforeListen: (server) =>
          server.get('/test/slow', { config: { public: true } }, async () => {
            entered();
            await new Promise((r) => setTimeout(r, 400));
            const filed = await fileDeclarations(api.app, [declarationOf('IMP-A', 77)], { source: 'test', decide: async () => [] });
            return { filed: filed.length };
          }),
      });
      try {
        const slow = api.call('GET', '/test/slow');
        await inside;
        const closing = shutdown(api.server, api.app);
        await new Promise((r) => setTimeout(r, 50));
        const late = await fetch(`${api.base}/healthz`).then((r) => r.status, () => 'refused');
        assert.ok(late === 'refused' || late === 503, `a new request during shutdown: ${late}`);
        const r = await slow;
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { filed: 1 });
        await closing;
        const again = await openApp(api.config);
        try {
          const size = Number((await again.store.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
          const signed = await again.store.db.selectFrom('ledger_checkpoints').select((eb) => eb.fn.max('size').as('size')).executeTakeFirstOrThrow();
          assert.ok(size > 0);
          assert.equal(Number(signed.size), size, 'the last checkpoint covers every entry');
          assert.equal(Number((await again.store.db.selectFrom('declarations').select((eb) => eb.fn.countAll<number | string>().as('n')).where('id', '=', 'IMP-A-00077').executeTakeFirstOrThrow()).n), 1);
        } finally {
          await again.close();
        }
      } finally {
        await api.close();
      }
    });
  });
});
