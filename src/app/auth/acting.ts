import { PortcullisError } from '../../domain/errors.ts';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import type { ActingUser } from './types.ts';

/**
 * The user a local command acts as (`--as`): whoever runs the command line on the server names
 * the user, as with the other commands; the policy then decides what that user may do.
 */
export async function actingUser(app: AppContext, id: string | undefined, doing: string): Promise<ActingUser> {
  if (id === undefined || id.trim() === '') {
    throw new PortcullisError('INVALID_INPUT', `${doing} needs the user who does it`, [{ field: 'as', problem: 'no user given', expected: 'a user id (--as USER or PORTCULLIS_USER)' }]);
  }
  const user = await usersRepo(app.store.db).get(id.trim());
  if (user === undefined) throw new PortcullisError('NOT_FOUND', `no user "${id}"`, [{ field: 'as', problem: `${id} does not exist`, expected: 'an existing user id' }]);
  if (user.disabled) throw new PortcullisError('FORBIDDEN', `${id} is disabled`, [{ field: 'as', problem: `${id} is disabled`, expected: 'an enabled user' }]);
  return { id: user.id, roles: user.roles, ...(user.party !== undefined ? { party: user.party } : {}) };
}
