import type { AppContext } from '../app/context.ts';
import * as auth from '../app/auth/index.ts';
import type { AuthPort, Can } from './ports.ts';

/** The real authentication and access policy, as the server is given them. */
export const authPort: AuthPort<AppContext> = {
  login: auth.login,
  refreshSession: auth.refreshSession,
  logout: auth.logout,
  authenticate: auth.authenticate,
  setPassword: (app, actorId, user, password) => auth.setPassword(app, actorId, user, password),
  createApiKey: auth.createApiKey,
  listApiKeys: auth.listApiKeys,
  revokeApiKey: auth.revokeApiKey,
};

export const policy: Can = (actor, action, resource) => auth.isAction(action) && auth.can({ id: actor.id, roles: actor.roles, ...(actor.party !== undefined ? { party: actor.party } : {}) }, action, resource);
