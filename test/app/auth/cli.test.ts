import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authenticate, login } from '../../../src/app/auth/index.ts';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { lastJson, runCli, spawnCliWithInput, type Run } from '../../support/cli.ts';
import { tempDir, type TempDir } from '../targeting/fixtures.ts';

/**
 * `portcullis users passwd` and `portcullis api-keys` on a SQLite file. A password is given on
 * standard input, so those commands run in a child process, as a user runs them; the others run in
 * this process (support/cli.ts).
 */
let tmp: TempDir;
let env: Record<string, string>;
before(() => {
  tmp = tempDir('auth-cli');
  env = { PORTCULLIS_DB: tmp.path('p.db'), PORTCULLIS_KEYS_DIR: tmp.path('keys'), DATABASE_URL: '', PORTCULLIS_USER: '' };
});
after(() => tmp.cleanup());

const cli = (input: string | undefined, ...args: string[]): Promise<Run> => (input === undefined ? runCli(env, ...args) : spawnCliWithInput(env, input, ...args));

async function withApp<T>(body: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig(env));
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

test('users passwd and api-keys create, list, revoke', async () => {
  assert.equal((await cli(undefined, 'users', 'add', 'ann', '--role', 'analyst')).code, 0);
  assert.equal((await cli(undefined, 'users', 'add', 'root', '--role', 'admin')).code, 0);

  const weak = await cli('short\n', 'users', 'passwd', 'ann', '--password-stdin', '--json');
  assert.equal(weak.code, 2, weak.stderr);
  assert.match(weak.stderr, /password: shorter than 12 characters/);
  const forbidden = await cli('juniper-anchor-19\n', 'users', 'passwd', 'root', '--password-stdin', '--as', 'ann');
  assert.equal(forbidden.code, 2);
  assert.match(forbidden.stderr, /FORBIDDEN/);
  const set = await cli('juniper-anchor-19\n', 'users', 'passwd', 'ann', '--password-stdin', '--json');
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(lastJson(set.stdout), { ok: true, user: 'ann' });
  const byAdmin = await cli('cobalt-harvest-26\n', 'users', 'passwd', 'root', '--password-stdin', '--as', 'root');
  assert.equal(byAdmin.code, 0, byAdmin.stderr);
  await withApp(async (app) => {
    const p = await login(app, { user: 'ann', password: 'juniper-anchor-19' });
    assert.equal((await authenticate(app, { bearer: p.accessToken })).id, 'ann');
    assert.ok(await login(app, { user: 'root', password: 'cobalt-harvest-26' }));
  });

  const noActor = await cli(undefined, 'api-keys', 'create', '--name', 'x');
  assert.equal(noActor.code, 2);
  assert.match(noActor.stderr, /as: no user given/);
  const created = await cli(undefined, 'api-keys', 'create', '--name', 'notebook', '--as', 'ann', '--json');
  assert.equal(created.code, 0, created.stderr);
  const k = lastJson(created.stdout).apiKey as { id: string; key: string; user: string };
  assert.equal(k.user, 'ann');
  const listed = await cli(undefined, 'api-keys', 'list', '--as', 'root', '--json');
  assert.deepEqual((lastJson(listed.stdout).apiKeys as { id: string }[]).map((x) => x.id), [k.id]);
  assert.ok(!listed.stdout.includes(k.key.slice(-43)), 'a list never shows the secret');
  await withApp(async (app) => assert.equal((await authenticate(app, { apiKey: k.key })).id, 'ann'));
  const revoked = await cli(undefined, 'api-keys', 'revoke', k.id, '--as', 'ann');
  assert.equal(revoked.code, 0, revoked.stderr);
  await withApp(async (app) => assert.rejects(authenticate(app, { apiKey: k.key }), /authentication failed/));
});
