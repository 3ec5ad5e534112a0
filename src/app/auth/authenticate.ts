import { PortcullisError } from '../../domain/errors.ts';
import { apiKeySecretMatches, parseApiKey } from '../../security/api-keys.ts';
import { verifyAccessToken } from '../../security/tokens.ts';
import { authRepo, usersRepo, type StoredUser } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { authCache, SEEN_EVERY_MS } from './cache.ts';
import { markSeen } from './sessions.ts';
import { tokenKeyOf } from './token-key.ts';
import type { Actor } from './types.ts';

const refused = (problem: string, field = 'authorization'): PortcullisError =>
  new PortcullisError('UNAUTHENTICATED', 'authentication failed', [{ field, problem, expected: field === 'apiKey' ? 'a live API key' : 'a current access token (Authorization: Bearer …) or an API key' }]);

async function liveUser(app: AppContext, id: string, now: number): Promise<StoredUser> {
  const user = await authCache(app).get(authCache(app).users, id, now, () => usersRepo(app.store.db).get(id));
  if (user === undefined || user.disabled) throw refused('the user is disabled or gone');
  return user;
}

const actorOf = (user: StoredUser, via: Actor['via'], sessionId?: string): Actor => ({
  id: user.id,
  name: user.name,
  roles: user.roles,
  ...(user.party !== undefined ? { party: user.party } : {}),
  via,
  ...(sessionId !== undefined ? { sessionId } : {}),
});

/**
 * Who presents a credential: an access token (its signature, lifetime and session, which must be
 * live) or an API key (its secret, which must match a live key). The user must still exist and be
 * enabled; the actor carries the user's roles as they are now, not as they were at login. Lookups
 * are cached per process for at most 5 s (cache.ts).
 */
export async function authenticate(app: AppContext, credential: { bearer?: string; apiKey?: string }): Promise<Actor> {
  const bearer = credential.bearer?.trim() || undefined;
  const apiKey = credential.apiKey?.trim() || undefined;
  if (bearer === undefined && apiKey === undefined) throw refused('no credentials');
  if (bearer !== undefined && apiKey !== undefined) throw refused('both an access token and an API key: give one');
  const nowDate = app.clock();
  const now = nowDate.getTime();
  const cache = authCache(app);
  const repo = authRepo(app.store.db);

  let actor: Actor;
  if (bearer !== undefined) {
    const claims = await verifyAccessToken(tokenKeyOf(app.config), bearer, nowDate);
    const session = await cache.get(cache.sessions, claims.sid, now, () => repo.session(claims.sid));
    if (session === undefined || session.userId !== claims.sub) throw refused('no such session');
    if (session.revokedAt !== null) throw refused('the session has ended');
    if (Date.parse(session.expiresAt) <= now) throw refused('the session has expired');
    actor = actorOf(await liveUser(app, claims.sub, now), 'token', session.id);
  } else {
    let parts: { id: string; secret: string };
    try {
      parts = parseApiKey(apiKey!);
    } catch (e) {
      throw refused((e as PortcullisError).details[0]?.problem ?? 'malformed', 'apiKey');
    }
    const key = await cache.get(cache.apiKeys, parts.id, now, () => repo.apiKey(parts.id));
    // The secret is compared even for an unknown id, so that both take the same time.
    const matches = apiKeySecretMatches(parts.secret, key?.secretHash ?? '0'.repeat(64));
    if (key === undefined || !matches) throw refused('unknown key or wrong secret', 'apiKey');
    if (key.revokedAt !== null) throw refused('the key is revoked', 'apiKey');
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) throw refused('the key has expired', 'apiKey');
    actor = actorOf(await liveUser(app, key.userId, now), 'api-key');
    if (key.lastUsedAt === null || now - Date.parse(key.lastUsedAt) >= SEEN_EVERY_MS) {
      const at = nowDate.toISOString();
      await repo.touchApiKey(key.id, at);
      // Keeps the time the row was read, so that a revocation still shows within CACHE_MS of it.
      const held = cache.apiKeys.get(key.id);
      if (held !== undefined) cache.apiKeys.set(key.id, { at: held.at, value: { ...key, lastUsedAt: at } });
    }
  }
  await markSeen(app, actor.id, nowDate);
  return actor;
}
