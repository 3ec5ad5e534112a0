import { PortcullisError } from '../../domain/errors.ts';
import { Role, type User } from '../../domain/user.ts';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';

/** Replaces a user's roles (an administrator's act, in the ledger as a privileged action). */
export async function setUserRoles(app: AppContext, actor: string, id: string, roles: readonly string[]): Promise<User> {
  const r = Role.array().min(1).safeParse(roles);
  if (!r.success) throw new PortcullisError('INVALID_INPUT', 'the roles are not valid', [{ field: 'roles', problem: r.error.issues[0]?.message ?? 'invalid', expected: `roles among ${Role.options.join(', ')}` }]);
  const repo = usersRepo(app.store.db);
  if (!(await repo.setRoles(id, r.data))) throw new PortcullisError('NOT_FOUND', `no user "${id}"`);
  await recordPrivileged(app, actor, 'user.roles', `user:${id}`, { roles: r.data });
  const u = (await repo.get(id))!;
  return { id: u.id, name: u.name, roles: u.roles, ...(u.party !== undefined ? { party: u.party } : {}) };
}
