import { PortcullisError } from '../../domain/errors.ts';
import { Role } from '../../domain/user.ts';
import { can } from '../../security/policy.ts';
import { usersRepo, type StoredUser } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { authCache } from './cache.ts';
import { revokeUserSessions } from './sessions.ts';
import type { ActingUser } from './types.ts';

/**
 * Changes to users that take effect on sign-in: roles and whether the user may act at all. Each is
 * a ledger entry; none may leave the service without an enabled administrator.
 */
async function target(app: AppContext, actor: ActingUser, id: string, doing: string): Promise<StoredUser> {
  if (!can(actor, 'user.write')) throw new PortcullisError('FORBIDDEN', `${actor.id} may not ${doing}: that needs user.write (the role admin)`, [{ field: 'actor', problem: `roles ${actor.roles.join(', ')}`, expected: 'an actor with the role admin' }]);
  const user = await usersRepo(app.store.db).get(id);
  if (user === undefined) throw new PortcullisError('NOT_FOUND', `no user "${id}"`, [{ field: 'user', problem: `${id} does not exist`, expected: 'an existing user id' }]);
  return user;
}

/** Refuses a change after which no enabled user would hold the role admin. */
async function keepAnAdmin(app: AppContext, changing: string, after: { roles: readonly Role[]; disabled: boolean }): Promise<void> {
  if (after.roles.includes('admin') && !after.disabled) return;
  const admins = (await usersRepo(app.store.db).list({ role: 'admin', limit: 10_000 })).filter((u) => !u.disabled && u.roles.includes('admin') && u.id !== changing);
  if (admins.length === 0) throw new PortcullisError('CONFLICT', `${changing} is the last enabled administrator`, [{ field: 'user', problem: 'the last enabled user with the role admin', expected: 'another enabled administrator first' }]);
}

/** Replaces a user's roles (admin only); they hold at once here, within seconds elsewhere (authenticate reads roles from the store). */
export async function setUserRoles(app: AppContext, actor: ActingUser, id: string, roles: readonly string[]): Promise<StoredUser> {
  const user = await target(app, actor, id, 'change roles');
  const parsed = Role.array().min(1).safeParse(roles);
  if (!parsed.success) throw new PortcullisError('INVALID_INPUT', 'the roles are not valid', [{ field: 'roles', problem: parsed.error.issues.map((i) => i.message).join('; '), expected: `one or more of ${Role.options.join(', ')}` }]);
  const next = [...new Set(parsed.data)];
  await keepAnAdmin(app, id, { roles: next, disabled: user.disabled });
  await usersRepo(app.store.db).setRoles(id, next);
  authCache(app).forgetUser(id);
  await recordPrivileged(app, actor.id, 'user.roles-changed', `user:${id}`, { from: user.roles, to: next });
  return { ...user, roles: next };
}

/** Disables a user (its sessions end and its API keys stop working) or enables it again (admin only). */
export async function setUserDisabled(app: AppContext, actor: ActingUser, id: string, disabled: boolean): Promise<void> {
  const user = await target(app, actor, id, disabled ? 'disable users' : 'enable users');
  if (user.disabled === disabled) return;
  if (disabled) await keepAnAdmin(app, id, { roles: user.roles, disabled: true });
  await usersRepo(app.store.db).setDisabled(id, disabled);
  const cache = authCache(app);
  cache.forgetUser(id);
  for (const [k, v] of cache.apiKeys) if (v.value.userId === id) cache.apiKeys.delete(k);
  await recordPrivileged(app, actor.id, disabled ? 'user.disabled' : 'user.enabled', `user:${id}`);
  if (disabled) await revokeUserSessions(app, actor.id, id);
}

/** Ends every session of a user: its own (any user) or anyone's (user.write). */
export async function logoutAll(app: AppContext, actor: ActingUser, user: string = actor.id): Promise<number> {
  if (user !== actor.id) await target(app, actor, user, 'end the sessions of other users');
  return revokeUserSessions(app, actor.id, user);
}
