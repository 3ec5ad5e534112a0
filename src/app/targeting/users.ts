import { PortcullisError } from '../../domain/errors.ts';
import { User, type Role } from '../../domain/user.ts';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';

/** Adds a user with roles; the id must be new. */
export async function addUser(app: AppContext, input: { id: string; name?: string; roles: readonly string[]; party?: string }): Promise<User> {
  const r = User.safeParse({ id: input.id, name: input.name ?? input.id, roles: input.roles, ...(input.party !== undefined ? { party: input.party } : {}) });
  if (!r.success) {
    throw new PortcullisError('INVALID_INPUT', `the user is not valid: ${r.error.issues.map((i) => `${i.path.join('.') || 'user'}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ field: i.path.join('.') || 'user', problem: i.message, expected: i.path[0] === 'roles' ? `roles among ${(User.shape.roles.element.options as readonly Role[]).join(', ')}` : 'a valid value' })));
  }
  await usersRepo(app.store.db).add(r.data, app.clock().toISOString());
  await recordPrivileged(app, 'system', 'user.added', `user:${r.data.id}`, { user: r.data });
  return r.data;
}

export function listUsers(app: AppContext): Promise<User[]> {
  return usersRepo(app.store.db).list();
}
