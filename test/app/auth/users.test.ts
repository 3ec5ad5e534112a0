import assert from 'node:assert/strict';
import { it } from 'node:test';
import { authenticate, createApiKey, login, logoutAll, refreshSession, setUserDisabled, setUserRoles, type ActingUser } from '../../../src/app/auth/index.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { forEachStore } from '../../support/stores.ts';
import { failsWith } from '../targeting/fixtures.ts';
import { authApp, privileged } from './support.ts';

const PW = 'tangerine-oxbow-47';
const root: ActingUser = { id: 'root', roles: ['admin'] };

forEachStore('user changes', (h) => {
  it('roles change at once for a live token; disabling ends sessions and keys; each change is in the ledger', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'root', roles: ['admin'], password: 'granite-kettle-314' });
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW, by: 'root' });
      const p = await login(app, { user: 'ann', password: PW });
      const k = await createApiKey(app, root, { user: 'ann', name: 'batch' });
      assert.deepEqual((await authenticate(app, { bearer: p.accessToken })).roles, ['analyst']);

      await assert.rejects(setUserRoles(app, { id: 'ann', roles: ['analyst'] }, 'ann', ['admin']), failsWith('FORBIDDEN', 'actor'));
      await assert.rejects(setUserRoles(app, root, 'ann', ['wizard']), failsWith('INVALID_INPUT', 'roles'));
      await assert.rejects(setUserRoles(app, root, 'nobody', ['analyst']), failsWith('NOT_FOUND', 'user'));
      await setUserRoles(app, root, 'ann', ['supervisor']);
      assert.deepEqual((await authenticate(app, { bearer: p.accessToken })).roles, ['supervisor']);

      await setUserDisabled(app, root, 'ann', true);
      await assert.rejects(authenticate(app, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED'));
      await assert.rejects(authenticate(app, { apiKey: k.key }), failsWith('UNAUTHENTICATED'));
      await assert.rejects(refreshSession(app, p.refreshToken), failsWith('UNAUTHENTICATED'));
      await setUserDisabled(app, root, 'ann', false);
      assert.equal((await authenticate(app, { apiKey: k.key })).id, 'ann', 'enabled again, the key works again');
      await assert.rejects(refreshSession(app, p.refreshToken), failsWith('UNAUTHENTICATED'), 'the sessions stay ended');

      const actions = (await privileged(app, 'user:ann')).map((e) => `${e.actor} ${e.action}`);
      for (const a of ['root user.added', 'root user.roles-changed', 'root user.disabled', 'root auth.sessions-revoked', 'root user.enabled']) assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
    } finally {
      await done();
    }
  });

  it('the last enabled administrator can be neither disabled nor demoted', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'root', roles: ['admin'] });
      await assert.rejects(setUserDisabled(app, root, 'root', true), failsWith('CONFLICT', 'user'));
      await assert.rejects(setUserRoles(app, root, 'root', ['auditor']), failsWith('CONFLICT', 'user'));
      await addUser(app, { id: 'root2', roles: ['admin', 'auditor'] });
      await setUserRoles(app, root, 'root', ['auditor']);
    } finally {
      await done();
    }
  });

  it('logoutAll: one’s own sessions, or anyone’s by an administrator', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'root', roles: ['admin'] });
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      await addUser(app, { id: 'bob', roles: ['analyst'], password: 'walnut-meadow-88' });
      const a = [await login(app, { user: 'ann', password: PW }), await login(app, { user: 'ann', password: PW })];
      const b = await login(app, { user: 'bob', password: 'walnut-meadow-88' });
      await assert.rejects(logoutAll(app, { id: 'bob', roles: ['analyst'] }, 'ann'), failsWith('FORBIDDEN'));
      assert.equal(await logoutAll(app, { id: 'ann', roles: ['analyst'] }), 2);
      for (const p of a) await assert.rejects(authenticate(app, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED'));
      assert.ok(await authenticate(app, { bearer: b.accessToken }));
      assert.equal(await logoutAll(app, root, 'bob'), 1);
      await assert.rejects(authenticate(app, { bearer: b.accessToken }), failsWith('UNAUTHENTICATED'));
      assert.ok((await privileged(app, 'user:bob')).some((e) => e.actor === 'root' && e.action === 'auth.sessions-revoked' && e.sessions === 1));
    } finally {
      await done();
    }
  });
});
