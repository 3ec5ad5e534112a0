import { PortcullisError } from '../../domain/errors.ts';
import { hashPassword, passwordProblem } from '../../security/password.ts';
import { can } from '../../security/policy.ts';
import { authRepo, usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { revokeUserSessions } from './sessions.ts';

export const PASSWORD_EXPECTED = 'at least 12 characters, not the user id, not a common password';

/** INVALID_INPUT when a new password breaks the policy (security/password.ts). */
export function checkNewPassword(user: string, password: string): void {
  const problem = typeof password !== 'string' ? 'not text' : passwordProblem(password, user);
  if (problem !== undefined) throw new PortcullisError('INVALID_INPUT', `the new password is ${problem}`, [{ field: 'password', problem, expected: PASSWORD_EXPECTED }]);
}

/**
 * Sets a user's password: a user sets its own, an administrator (user.write) anyone's. Every other
 * session of the user ends (all of them when `keepSession` is not one of the user's).
 */
export async function setPassword(app: AppContext, actor: string, user: string, password: string, opts: { keepSession?: string } = {}): Promise<void> {
  const users = usersRepo(app.store.db);
  const by = await users.get(actor);
  if (by === undefined || by.disabled) throw new PortcullisError('FORBIDDEN', `${actor} may not set passwords: no such user, or disabled`, [{ field: 'actor', problem: `${actor} unknown or disabled`, expected: 'an enabled user' }]);
  if (actor !== user && !can(by, 'user.write')) {
    throw new PortcullisError('FORBIDDEN', `${actor} may not set the password of ${user}: only its own, unless an administrator`, [{ field: 'user', problem: `another user's password`, expected: `${actor}, or an actor with the role admin` }]);
  }
  const target = actor === user ? by : await users.get(user);
  if (target === undefined) throw new PortcullisError('NOT_FOUND', `no user "${user}"`, [{ field: 'user', problem: `${user} does not exist`, expected: 'an existing user id' }]);
  checkNewPassword(target.id, password);
  const repo = authRepo(app.store.db);
  await repo.setPasswordHash(target.id, await hashPassword(password), app.clock().toISOString());
  await recordPrivileged(app, actor, 'user.password-changed', `user:${target.id}`);
  await revokeUserSessions(app, actor, target.id, opts.keepSession);
}
