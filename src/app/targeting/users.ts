import { PortcullisError } from '../../domain/errors.ts';
import { User, type Role } from '../../domain/user.ts';
import { hashPassword, passwordProblem } from '../../security/password.ts';
import { authRepo, usersRepo, type StoredUser } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';

/** Adds a user with roles, and a password to sign in with when one is given; the id must be new. `by`: who adds it, for the ledger ('system' unless given). */
export async function addUser(app: AppContext, input: { id: string; name?: string; roles: readonly string[]; party?: string; password?: string; by?: string }): Promise<User> {
  const r = User.safeParse({ id: input.id, name: input.name ?? input.id, roles: input.roles, ...(input.party !== undefined ? { party: input.party } : {}) });
  if (!r.success) {
    throw new PortcullisError('INVALID_INPUT', `the user is not valid: ${r.error.issues.map((i) => `${i.path.join('.') || 'user'}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ field: i.path.join('.') || 'user', problem: i.message, expected: i.path[0] === 'roles' ? `roles among ${(User.shape.roles.element.options as readonly Role[]).join(', ')}` : 'a valid value' })));
  }
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, r.data.id);
    if (problem !== undefined) throw new PortcullisError('INVALID_INPUT', `the password is ${problem}`, [{ field: 'password', problem, expected: 'at least 12 characters, not the user id, not a common password' }]);
  }
  const hash = input.password === undefined ? undefined : await hashPassword(input.password);
  const now = app.clock().toISOString();
  await usersRepo(app.store.db).add(r.data, now);
  if (hash !== undefined) await authRepo(app.store.db).setPasswordHash(r.data.id, hash, now);
  await recordPrivileged(app, input.by ?? 'system', 'user.added', `user:${r.data.id}`, { user: r.data, ...(hash !== undefined ? { password: 'set' } : {}) });
  return r.data;
}

/** Every user (up to 10,000) in id order, with whether it is disabled and when it was last seen. */
export function listUsers(app: AppContext): Promise<StoredUser[]> {
  return usersRepo(app.store.db).list({ limit: 10_000 });
}
