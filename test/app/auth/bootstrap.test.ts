import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { it, test } from 'node:test';
import { loadConfig } from '../../../src/app/config.ts';
import { authenticate, bootstrapAdmin, login, tokenKeyOf } from '../../../src/app/auth/index.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { authRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { failsWith, tempDir } from '../targeting/fixtures.ts';
import { authApp, privileged } from './support.ts';

forEachStore('the first administrator', (h) => {
  it('made once, with a random password that signs in; nothing the second time', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'] });
      const first = await bootstrapAdmin(app);
      assert.equal(first.created, true);
      assert.equal(first.user, 'admin');
      assert.ok(first.password !== undefined && first.password.length >= 24);
      const hash = await authRepo(app.store.db).passwordHash('admin');
      assert.match(hash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const a = await authenticate(app, { bearer: (await login(app, { user: 'admin', password: first.password })).accessToken });
      assert.deepEqual(a.roles, ['admin']);
      assert.deepEqual(await bootstrapAdmin(app), { created: false, user: 'admin' });
      const added = (await privileged(app, 'user:admin')).find((e) => e.action === 'user.added');
      assert.equal(added?.password, 'set');
      assert.ok(!JSON.stringify(added).includes(first.password));
    } finally {
      await done();
    }
  });

  it('with PORTCULLIS_ADMIN_PASSWORD: that password, not returned; a weak one is a configuration error', async () => {
    const store = await h.open();
    const { app, done } = authApp(store);
    try {
      const weak = { ...app, config: { ...app.config, security: { ...app.config.security, adminPassword: 'admin' } } };
      await assert.rejects(bootstrapAdmin(weak), failsWith('CONFIG_ERROR', 'PORTCULLIS_ADMIN_PASSWORD'));
      const good = { ...app, config: { ...app.config, security: { ...app.config.security, adminPassword: 'saffron-lighthouse-5' } } };
      assert.deepEqual(await bootstrapAdmin(good), { created: true, user: 'admin' });
      assert.ok(await login(good, { user: 'admin', password: 'saffron-lighthouse-5' }));
    } finally {
      await done();
    }
  });

  it('a user "admin" without the admin role is a conflict, not a silent promotion', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'admin', roles: ['analyst'] });
      await assert.rejects(bootstrapAdmin(app), failsWith('CONFLICT', 'users'));
    } finally {
      await done();
    }
  });
});

test('the token key: configured, else a key file made once with mode 0600, else one per process', () => {
  const tmp = tempDir('token-key');
  try {
    const keysDir = tmp.path('keys');
    const config = loadConfig({ PORTCULLIS_KEYS_DIR: keysDir });
    const k1 = tokenKeyOf(config);
    assert.equal(k1.length, 32);
    const file = `${keysDir}/token.key`;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), Buffer.from(k1));
    assert.deepEqual(tokenKeyOf(loadConfig({ PORTCULLIS_KEYS_DIR: keysDir })), k1, 'another process reads the same file');

    const configured = randomBytes(32);
    assert.deepEqual(Buffer.from(tokenKeyOf(loadConfig({ PORTCULLIS_TOKEN_KEY: configured.toString('base64url'), PORTCULLIS_KEYS_DIR: keysDir }))), configured);
    assert.throws(() => tokenKeyOf(loadConfig({ PORTCULLIS_TOKEN_KEY: randomBytes(16).toString('base64url') })), failsWith('CONFIG_ERROR', 'PORTCULLIS_TOKEN_KEY'));
    assert.throws(() => tokenKeyOf(loadConfig({ PORTCULLIS_TOKEN_KEY: 'not base64!' })), failsWith('CONFIG_ERROR', 'PORTCULLIS_TOKEN_KEY'));

    const memory = loadConfig({ PORTCULLIS_DB: ':memory:' });
    assert.equal(memory.ledger.keysDir, null);
    assert.deepEqual(tokenKeyOf(memory), tokenKeyOf(memory));
    assert.notDeepEqual(tokenKeyOf(memory), tokenKeyOf(loadConfig({ PORTCULLIS_DB: ':memory:' })));
  } finally {
    tmp.cleanup();
  }
});
