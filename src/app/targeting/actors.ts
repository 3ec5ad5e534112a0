import { PortcullisError } from '../../domain/errors.ts';
import type { Role, User } from '../../domain/user.ts';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/**
 * The user who acts, with one of the roles the action needs. Until the service brings sign-in,
 * whoever runs the command line names the user (`--as`); the checks of who may do what are the
 * same ones the API will run after authentication.
 */
export async function requireActor(app: AppContext, id: string | undefined, roles: readonly Role[], doing: string): Promise<User> {
  if (id === undefined || id.trim() === '') {
    throw new PortcullisError('INVALID_INPUT', `${doing} needs the user who does it`, [{ field: 'as', problem: 'no user given', expected: 'a user id (--as USER or PORTCULLIS_USER)' }]);
  }
  const user = await usersRepo(app.store.db).get(id);
  if (user === undefined) throw new PortcullisError('NOT_FOUND', `no user "${id}" (add one with: portcullis users add ${id} --role …)`);
  if (!roles.some((r) => user.roles.includes(r))) {
    throw new PortcullisError('FORBIDDEN', `${id} may not ${doing}: that needs the role ${roles.join(' or ')}, and ${id} has ${user.roles.join(', ')}`, [{ field: 'as', problem: `roles ${user.roles.join(', ')}`, expected: `a user with the role ${roles.join(' or ')}` }]);
  }
  return user;
}
