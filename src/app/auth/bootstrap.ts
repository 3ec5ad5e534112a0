import { randomBytes } from 'node:crypto';
import { isPortcullisError, PortcullisError } from '../../domain/errors.ts';
import { passwordProblem } from '../../security/password.ts';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { addUser } from '../targeting/users.ts';

export const BOOTSTRAP_ADMIN = 'admin';

/**
 * The first administrator: when no user holds the role admin, adds the user `admin` with that role
 * and the configured password (PORTCULLIS_ADMIN_PASSWORD), or a random one that is returned for
 * the caller to print once. Nothing when an administrator exists (or another process made one).
 */
export async function bootstrapAdmin(app: AppContext): Promise<{ created: boolean; user: string; password?: string }> {
  const users = usersRepo(app.store.db);
  const admins = await users.list({ role: 'admin', limit: 1 });
  if (admins.length > 0) return { created: false, user: admins[0]!.id };
  const configured = app.config.security.adminPassword;
  if (configured !== undefined) {
    const problem = passwordProblem(configured, BOOTSTRAP_ADMIN);
    if (problem !== undefined) throw new PortcullisError('CONFIG_ERROR', `PORTCULLIS_ADMIN_PASSWORD is ${problem}`, [{ field: 'PORTCULLIS_ADMIN_PASSWORD', problem, expected: 'at least 12 characters, not the user id, not a common password' }]);
  }
  const existing = await users.get(BOOTSTRAP_ADMIN);
  if (existing !== undefined) {
    throw new PortcullisError('CONFLICT', `no user has the role admin, and the user "${BOOTSTRAP_ADMIN}" exists without it`, [{ field: 'users', problem: `${BOOTSTRAP_ADMIN} has ${existing.roles.join(', ')}`, expected: 'a user with the role admin' }]);
  }
  const password = configured ?? randomBytes(24).toString('base64url');
  try {
    await addUser(app, { id: BOOTSTRAP_ADMIN, name: 'Administrator', roles: ['admin'], password });
  } catch (e) {
    // Another process started at the same time and made it.
    if (isPortcullisError(e) && e.code === 'CONFLICT') return { created: false, user: BOOTSTRAP_ADMIN };
    throw e;
  }
  return configured === undefined ? { created: true, user: BOOTSTRAP_ADMIN, password } : { created: true, user: BOOTSTRAP_ADMIN };
}
