import assert from 'node:assert/strict';
import { it } from 'node:test';
import { authenticate, createApiKey, listApiKeys, revokeApiKey, type Actor } from '../../../src/app/auth/index.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { authRepo, usersRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { failsWith } from '../targeting/fixtures.ts';
import { allPayloads, authApp, privileged } from './support.ts';

const actor = (id: string, roles: Actor['roles'], party?: string): Actor => ({ id, name: id, roles, ...(party !== undefined ? { party } : {}), via: 'token' });

forEachStore('API keys', (h) => {
  it('round trip: a key authenticates its user, its secret is stored only as a hash, and its use is noted', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'cara', roles: ['carrier'], party: 'CARR-1' });
      const k = await createApiKey(app, actor('cara', ['carrier'], 'CARR-1'), { user: 'cara', name: 'TOS integration' });
      assert.match(k.key, /^pcl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual({ ...k, key: undefined }, { id: k.id, name: 'TOS integration', user: 'cara', key: undefined, createdAt: '2026-03-02T08:00:00.000Z', expiresAt: null });
      const a = await authenticate(app, { apiKey: k.key });
      assert.deepEqual(a, { id: 'cara', name: 'cara', roles: ['carrier'], party: 'CARR-1', via: 'api-key' });
      const stored = await authRepo(app.store.db).apiKey(k.id);
      assert.equal(stored?.lastUsedAt, '2026-03-02T08:00:00.000Z');
      const secret = k.key.slice(-43);
      assert.ok(!JSON.stringify(stored).includes(secret), 'the secret is not stored');
      assert.ok(!(await allPayloads(app)).includes(secret), 'nor in the ledger');
      const listed = await listApiKeys(app, actor('cara', ['carrier'], 'CARR-1'));
      assert.deepEqual(listed, [{ id: k.id, name: 'TOS integration', user: 'cara', createdAt: k.createdAt, lastUsedAt: '2026-03-02T08:00:00.000Z', expiresAt: null, revokedAt: null }]);
      assert.ok(!('key' in listed[0]!) && !('secretHash' in listed[0]!));
      clock.advance(1000);
      await authenticate(app, { apiKey: k.key });
      assert.equal((await authRepo(app.store.db).apiKey(k.id))?.lastUsedAt, '2026-03-02T08:00:00.000Z', 'noted at most once a minute');
      assert.deepEqual((await privileged(app, `apikey:${k.id}`)).map((e) => [e.actor, e.action, e.user, e.name]), [['cara', 'apikey.created', 'cara', 'TOS integration']]);
    } finally {
      await done();
    }
  });

  it('a wrong secret, an unknown id, a malformed key, an expired key and a disabled user are refused', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'dev1', roles: ['device'] });
      await addUser(app, { id: 'root', roles: ['admin'] });
      const root = actor('root', ['admin']);
      const k = await createApiKey(app, root, { user: 'dev1', name: 'sensor 1', expiresAt: '2026-03-02T09:00:00Z' });
      assert.equal(k.expiresAt, '2026-03-02T09:00:00.000Z');
      const other = await createApiKey(app, root, { user: 'dev1', name: 'sensor 2' });
      assert.equal((await authenticate(app, { apiKey: k.key })).id, 'dev1');
      await assert.rejects(authenticate(app, { apiKey: k.key.slice(0, -43) + other.key.slice(-43) }), failsWith('UNAUTHENTICATED', 'apiKey'), 'another key’s secret');
      await assert.rejects(authenticate(app, { apiKey: `pcl_zzzzzzzzzzzz_${k.key.slice(-43)}` }), failsWith('UNAUTHENTICATED', 'apiKey'), 'unknown id');
      await assert.rejects(authenticate(app, { apiKey: 'pcl_nope' }), failsWith('UNAUTHENTICATED', 'apiKey'));
      clock.advance(3600_000);
      await assert.rejects(authenticate(app, { apiKey: k.key }), failsWith('UNAUTHENTICATED', 'apiKey'), 'expired');
      assert.ok(await authenticate(app, { apiKey: other.key }));
      await usersRepo(app.store.db).setDisabled('dev1', true);
      clock.advance(5000);
      await assert.rejects(authenticate(app, { apiKey: other.key }), failsWith('UNAUTHENTICATED'), 'the user is disabled');
      await assert.rejects(createApiKey(app, root, { user: 'root', name: 'x', expiresAt: '2026-03-01T00:00:00Z' }), failsWith('INVALID_INPUT', 'expiresAt'));
      await assert.rejects(createApiKey(app, root, { user: 'root', name: 'x', expiresAt: 'tomorrow' }), failsWith('INVALID_INPUT', 'expiresAt'));
      await assert.rejects(createApiKey(app, root, { user: 'root', name: '  ' }), failsWith('INVALID_INPUT', 'name'));
      await assert.rejects(createApiKey(app, root, { user: 'ghost', name: 'x' }), failsWith('NOT_FOUND', 'user'));
    } finally {
      await done();
    }
  });

  it('revoked: refused at once here and within 5 s in another process; revocation is recorded once', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'] });
      const ann = actor('ann', ['analyst']);
      const k = await createApiKey(app, ann, { user: 'ann', name: 'notebook' });
      const other = { ...app };
      assert.ok(await authenticate(app, { apiKey: k.key }));
      assert.ok(await authenticate(other, { apiKey: k.key }));
      await revokeApiKey(app, ann, k.id);
      await revokeApiKey(app, ann, k.id);
      await assert.rejects(authenticate(app, { apiKey: k.key }), failsWith('UNAUTHENTICATED', 'apiKey'));
      assert.ok(await authenticate(other, { apiKey: k.key }), 'cached there');
      clock.advance(5000);
      await assert.rejects(authenticate(other, { apiKey: k.key }), failsWith('UNAUTHENTICATED', 'apiKey'));
      assert.equal((await listApiKeys(app, ann))[0]?.revokedAt, '2026-03-02T08:00:00.000Z');
      assert.deepEqual((await privileged(app, `apikey:${k.id}`)).map((e) => e.action), ['apikey.created', 'apikey.revoked']);
    } finally {
      await done();
    }
  });

  it('own keys with apikey.own, anyone’s with apikey.admin; others’ keys are not found', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'] });
      await addUser(app, { id: 'tom', roles: ['trader'], party: 'IMP-1' });
      await addUser(app, { id: 'aud', roles: ['auditor'] });
      await addUser(app, { id: 'root', roles: ['admin'] });
      const ann = actor('ann', ['analyst']);
      const tom = actor('tom', ['trader'], 'IMP-1');
      const root = actor('root', ['admin']);
      const ka = await createApiKey(app, ann, { user: 'ann', name: 'a' });
      const kt = await createApiKey(app, tom, { user: 'tom', name: 't' });
      const kr = await createApiKey(app, root, { user: 'tom', name: 'made by admin' });
      await assert.rejects(createApiKey(app, ann, { user: 'tom', name: 'x' }), failsWith('FORBIDDEN', 'user'));
      await assert.rejects(createApiKey(app, actor('aud', ['auditor']), { user: 'aud', name: 'x' }), failsWith('FORBIDDEN', 'user'), 'the auditor only reads');
      await assert.rejects(listApiKeys(app, ann, 'tom'), failsWith('FORBIDDEN'));
      assert.deepEqual((await listApiKeys(app, tom)).map((k) => k.id).sort(), [kt.id, kr.id].sort());
      assert.deepEqual((await listApiKeys(app, root)).map((k) => k.id).sort(), [ka.id, kt.id, kr.id].sort());
      assert.deepEqual((await listApiKeys(app, root, 'ann')).map((k) => k.id), [ka.id]);
      await assert.rejects(revokeApiKey(app, ann, kt.id), failsWith('NOT_FOUND', 'id'));
      await assert.rejects(revokeApiKey(app, ann, 'nosuchkey000'), failsWith('NOT_FOUND', 'id'));
      await revokeApiKey(app, root, ka.id);
      await revokeApiKey(app, tom, kr.id);
      assert.deepEqual((await listApiKeys(app, root)).filter((k) => k.revokedAt !== null).map((k) => k.id).sort(), [ka.id, kr.id].sort());
      assert.deepEqual((await privileged(app, `apikey:${ka.id}`)).map((e) => [e.actor, e.action]), [['ann', 'apikey.created'], ['root', 'apikey.revoked']]);
    } finally {
      await done();
    }
  });
});
