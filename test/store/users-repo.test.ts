import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { User } from '../../src/domain/user.ts';
import { usersRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { at } from '../support/targeting-fixtures.ts';

const USERS: User[] = [
  User.parse({ id: 'ana.lyst', name: 'Ana Lyst', roles: ['analyst'] }),
  User.parse({ id: 'sup@customs', name: 'Sue "the boss" Pervisor', roles: ['supervisor', 'analyst'] }),
  User.parse({ id: 'trader-7', name: 'Trader Seven', roles: ['trader'], party: 'IMP-7' }),
];

forEachStore('users repo', (h) => {
  it('add then get returns the user with when it was added, enabled', async () => {
    const store = await h.open();
    const repo = usersRepo(store.db);
    for (const [i, u] of USERS.entries()) await repo.add(u, at(i));
    for (const [i, u] of USERS.entries()) assert.deepEqual(await repo.get(u.id), { ...u, createdAt: at(i), disabled: false, lastSeenAt: null });
    assert.equal(await repo.get('nobody'), undefined);
  });

  it('adding an id that is taken is a CONFLICT and changes nothing', async () => {
    const store = await h.open();
    const repo = usersRepo(store.db);
    await repo.add(USERS[0]!, at(0));
    await assert.rejects(repo.add({ ...USERS[0]!, name: 'Someone else', roles: ['admin'] }, at(1)), (e) => isPortcullisError(e) && e.code === 'CONFLICT' && e.details[0]?.field === 'id');
    assert.deepEqual(await repo.get(USERS[0]!.id), { ...USERS[0]!, createdAt: at(0), disabled: false, lastSeenAt: null });
  });

  it('list is in id order, filters by role and pages', async () => {
    const store = await h.open();
    const repo = usersRepo(store.db);
    for (const u of [...USERS].reverse()) await repo.add(u, at(0));
    assert.deepEqual((await repo.list()).map((u) => u.id), ['ana.lyst', 'sup@customs', 'trader-7']);
    assert.deepEqual((await repo.list({ role: 'analyst' })).map((u) => u.id), ['ana.lyst', 'sup@customs']);
    assert.deepEqual((await repo.list({ role: 'auditor' })).map((u) => u.id), []);
    assert.deepEqual((await repo.list({ limit: 1, afterId: 'ana.lyst' })).map((u) => u.id), ['sup@customs']);
  });

  it('setRoles replaces the roles; setDisabled disables; both false for an unknown user', async () => {
    const store = await h.open();
    const repo = usersRepo(store.db);
    await repo.add(USERS[0]!, at(0));
    assert.equal(await repo.setRoles('ana.lyst', ['supervisor', 'auditor']), true);
    assert.equal(await repo.setDisabled('ana.lyst', true), true);
    assert.deepEqual(await repo.get('ana.lyst'), { ...USERS[0]!, roles: ['supervisor', 'auditor'], createdAt: at(0), disabled: true, lastSeenAt: null });
    assert.equal(await repo.setRoles('nobody', ['admin']), false);
    assert.equal(await repo.setDisabled('nobody', true), false);
  });
});
