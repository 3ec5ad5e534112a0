import type { Role } from '../../domain/user.ts';

/** Who is acting, once authenticated: the user as stored now (its current roles), and how it proved it. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly party?: string;
  readonly via: 'token' | 'api-key';
  /** The session of a token; none for an API key. */
  readonly sessionId?: string;
}

/** What login and refresh return (the OAuth 2 token response's fields, in camel case). */
export interface TokenPair {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds the access token is valid for. */
  readonly expiresIn: number;
  readonly refreshToken: string;
  /** When the session (and so the refresh token) ends, ISO 8601 UTC. */
  readonly refreshExpiresAt: string;
}

/** An API key as listed: never its secret. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

/** A new API key: the only time its whole key is shown. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly key: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

/** What the API key use cases need of whoever acts: an authenticated Actor, or the user a local command acts as. */
export type ActingUser = Pick<Actor, 'id' | 'roles' | 'party'>;
