import type { Role } from '../domain/user.ts';

/**
 * What the API needs of authentication and the access policy, as their modules
 * (src/app/auth, src/security/policy.ts) export them. The server is given them, so that routes
 * depend on the contract only; `wiring.ts` hands over the real ones.
 */
export interface ApiActor {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly party?: string | undefined;
  readonly via: 'token' | 'api-key';
  readonly sessionId?: string | undefined;
}

export interface ApiTokenPair {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
}

/** The access policy: one function for every route. */
export type Can = (actor: { id: string; roles: readonly Role[]; party?: string | undefined }, action: string, resource?: { owners?: readonly string[] }) => boolean;

export interface AuthPort<App> {
  login(app: App, credentials: { user: string; password: string }, context: { ip: string }): Promise<ApiTokenPair>;
  refreshSession(app: App, refreshToken: string): Promise<ApiTokenPair>;
  logout(app: App, actor: ApiActor): Promise<void>;
  authenticate(app: App, credentials: { bearer?: string; apiKey?: string }): Promise<ApiActor>;
  setPassword(app: App, actorId: string, user: string, password: string): Promise<void>;
  createApiKey(app: App, actor: ApiActor, input: { user: string; name: string; expiresAt?: string }): Promise<unknown>;
  listApiKeys(app: App, actor: ApiActor, user?: string): Promise<unknown[]>;
  revokeApiKey(app: App, actor: ApiActor, id: string): Promise<unknown>;
}
