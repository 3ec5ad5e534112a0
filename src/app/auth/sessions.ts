import { PortcullisError } from '../../domain/errors.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, checkThrottle, recordFailure, stricter } from '../../security/lockout.ts';
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from '../../security/password.ts';
import { signAccessToken } from '../../security/tokens.ts';
import { authRepo, usersRepo, type StoredUser } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { authCache, SEEN_EVERY_MS } from './cache.ts';
import { newRefreshToken, newSessionId, parseRefreshToken, refreshHash } from './refresh-token.ts';
import { tokenKeyOf } from './token-key.ts';
import type { Actor, TokenPair } from './types.ts';

/** How long a session (and so its refresh tokens) lasts from login: a working day. */
export const SESSION_SECONDS = 12 * 60 * 60;

const unauthenticated = (message: string, problem: string, field = 'refreshToken') => new PortcullisError('UNAUTHENTICATED', message, [{ field, problem, expected: field === 'refreshToken' ? 'the refresh token of a live session, from the latest login or refresh' : 'a user and its password' }]);

async function tokenPair(app: AppContext, user: StoredUser, sessionId: string, refreshToken: string, refreshExpiresAt: string): Promise<TokenPair> {
  const { token, expiresIn } = await signAccessToken(tokenKeyOf(app.config), { sub: user.id, roles: user.roles, ...(user.party !== undefined ? { party: user.party } : {}), sid: sessionId }, app.clock());
  return { accessToken: token, tokenType: 'Bearer', expiresIn, refreshToken, refreshExpiresAt };
}

/** Records that the user was seen, at most once a minute per user (from this process). */
export async function markSeen(app: AppContext, userId: string, now: Date): Promise<void> {
  const seen = authCache(app).seen;
  const last = seen.get(userId);
  if (last !== undefined && now.getTime() - last < SEEN_EVERY_MS && now.getTime() >= last) return;
  if (seen.size >= 10_000) seen.clear();
  seen.set(userId, now.getTime());
  await authRepo(app.store.db).touchUser(userId, now.toISOString(), SEEN_EVERY_MS);
}

/**
 * Signs a user in with its password: a new session, an access token and a refresh token. The
 * same UNAUTHENTICATED answer, after the same work, for an unknown user, a disabled one, one
 * without a password and a wrong password; RATE_LIMITED while the account or the address is
 * backing off or locked (security/lockout.ts).
 */
export async function login(app: AppContext, input: { user: string; password: string }, meta: { ip?: string } = {}): Promise<TokenPair> {
  if (typeof input.user !== 'string' || input.user.trim() === '' || input.user.length > 256) {
    throw new PortcullisError('INVALID_INPUT', 'login needs a user', [{ field: 'user', problem: 'missing or longer than 256 characters', expected: 'a user id' }]);
  }
  if (typeof input.password !== 'string' || input.password === '' || input.password.length > 4096) {
    throw new PortcullisError('INVALID_INPUT', 'login needs a password', [{ field: 'password', problem: 'missing or longer than 4096 characters', expected: 'the user’s password' }]);
  }
  const userKey = `user:${input.user.trim()}`;
  // One attempt at a time per account (in this process): parallel guesses each see the failures
  // before them, instead of all reading the same count.
  return oneAtATime(app, userKey, () => attempt(app, input, meta, userKey));
}

const queues = new WeakMap<AppContext, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call with the same key (of this application) has settled. */
async function oneAtATime<T>(app: AppContext, key: string, fn: () => Promise<T>): Promise<T> {
  let q = queues.get(app);
  if (q === undefined) queues.set(app, (q = new Map()));
  const run = (q.get(key) ?? Promise.resolve()).then(fn);
  const tail = run.catch(() => undefined);
  q.set(key, tail);
  try {
    return await run;
  } finally {
    if (q.get(key) === tail) q.delete(key);
  }
}

async function attempt(app: AppContext, input: { user: string; password: string }, meta: { ip?: string }, userKey: string): Promise<TokenPair> {
  const now = app.clock();
  const repo = authRepo(app.store.db);
  const ipKey = meta.ip !== undefined && meta.ip !== '' ? `ip:${meta.ip}` : undefined;
  const [userState, ipState] = await Promise.all([repo.loginFailures(userKey), ipKey === undefined ? undefined : repo.loginFailures(ipKey)]);
  const verdict = stricter(checkThrottle(userState, now, ACCOUNT_POLICY), checkThrottle(ipState, now, ADDRESS_POLICY));
  if (verdict.kind !== 'allow') {
    throw new PortcullisError('RATE_LIMITED', `too many failed logins: ${verdict.kind === 'locked' ? 'locked' : 'wait'}, try again in ${verdict.retryAfterSeconds} s`, [
      { field: 'retryAfter', problem: String(verdict.retryAfterSeconds), expected: `a login after ${verdict.until}` },
    ]);
  }

  const user = await usersRepo(app.store.db).get(input.user.trim());
  const hash = user !== undefined && !user.disabled ? await repo.passwordHash(user.id) : undefined;
  const ok = hash !== undefined ? await verifyPassword(hash, input.password) : await dummyVerify(input.password);

  if (!ok || user === undefined) {
    const failed = recordFailure(userState, now, ACCOUNT_POLICY);
    await repo.setLoginFailures(userKey, failed);
    if (ipKey !== undefined) await repo.setLoginFailures(ipKey, recordFailure(ipState, now, ADDRESS_POLICY));
    // Neither the password nor an unknown user name goes in the ledger: a name typed in the wrong
    // field is often a password.
    const known = user !== undefined;
    await recordPrivileged(app, known ? user.id : 'unknown', 'auth.login-failed', known ? `user:${user.id}` : 'auth:unknown-user', {
      ...(meta.ip !== undefined ? { ip: meta.ip } : {}),
      failures: failed.count,
      ...(failed.lockedUntil !== null ? { lockedUntil: failed.lockedUntil } : {}),
    });
    throw unauthenticated('the user or the password is wrong', 'unknown user or wrong password', 'password');
  }

  await repo.clearLoginFailures(userKey);
  if (needsRehash(hash!)) await repo.setPasswordHash(user.id, await hashPassword(input.password), now.toISOString());
  const key = tokenKeyOf(app.config);
  const sessionId = newSessionId();
  const refreshToken = newRefreshToken(key, sessionId);
  const expiresAt = new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString();
  await repo.createSession({ id: sessionId, userId: user.id, refreshHash: refreshHash(refreshToken), createdAt: now.toISOString(), expiresAt });
  await markSeen(app, user.id, now);
  await recordPrivileged(app, user.id, 'auth.login', `user:${user.id}`, { session: sessionId, ...(meta.ip !== undefined ? { ip: meta.ip } : {}) });
  return tokenPair(app, user, sessionId, refreshToken, expiresAt);
}

/**
 * A new token pair for a refresh token, which stops working: each refresh token is used once. A
 * token used again after it was rotated was copied by someone: the session is revoked, for both.
 */
export async function refreshSession(app: AppContext, refreshToken: string): Promise<TokenPair> {
  const now = app.clock();
  const key = tokenKeyOf(app.config);
  const parts = typeof refreshToken === 'string' ? parseRefreshToken(key, refreshToken.trim()) : undefined;
  if (parts === undefined) throw unauthenticated('the refresh token is not valid', 'not a refresh token this service issued');
  const repo = authRepo(app.store.db);
  const session = await repo.session(parts.sessionId);
  if (session === undefined) throw unauthenticated('the refresh token is not valid', 'no such session');
  if (session.revokedAt !== null) throw unauthenticated('the session has ended', `revoked at ${session.revokedAt}`);
  if (Date.parse(session.expiresAt) <= now.getTime()) throw unauthenticated('the session has ended', `expired at ${session.expiresAt}`);

  const presented = refreshHash(parts.token);
  const user = await usersRepo(app.store.db).get(session.userId);
  if (user === undefined || user.disabled) {
    await revoke(app, session.userId, session.id, 'auth.session-revoked', now);
    throw unauthenticated('the session has ended', 'the user is disabled or gone');
  }
  const next = newRefreshToken(key, session.id);
  const rotated = presented === session.refreshHash && (await repo.rotateRefresh(session.id, presented, refreshHash(next), now.toISOString()));
  if (!rotated) {
    await revoke(app, session.userId, session.id, 'auth.refresh-reused', now);
    throw unauthenticated('the refresh token was used already; the session is ended', 'a rotated refresh token used again');
  }
  await markSeen(app, user.id, now);
  return tokenPair(app, user, session.id, next, session.expiresAt);
}

async function revoke(app: AppContext, userId: string, sessionId: string, action: string, now: Date, by: string = userId): Promise<boolean> {
  const done = await authRepo(app.store.db).revokeSession(sessionId, now.toISOString());
  authCache(app).sessions.delete(sessionId);
  if (done) await recordPrivileged(app, by, action, `user:${userId}`, { session: sessionId });
  return done;
}

/** Ends the actor's session: its refresh token stops working and its access tokens within seconds. */
export async function logout(app: AppContext, actor: Actor): Promise<void> {
  if (actor.sessionId === undefined) {
    throw new PortcullisError('INVALID_INPUT', 'an API key has no session to end; revoke the key instead', [{ field: 'authorization', problem: 'an API key', expected: 'the access token of a session' }]);
  }
  const session = await authRepo(app.store.db).session(actor.sessionId);
  if (session === undefined || session.userId !== actor.id) throw new PortcullisError('NOT_FOUND', 'no such session', [{ field: 'sessionId', problem: 'not a session of the actor', expected: 'the actor’s own session' }]);
  await revoke(app, actor.id, actor.sessionId, 'auth.logout', app.clock());
}

/** Ends every live session of a user but `except`; the number ended. */
export async function revokeUserSessions(app: AppContext, by: string, userId: string, except?: string): Promise<number> {
  const now = app.clock();
  const ids = await authRepo(app.store.db).revokeUserSessions(userId, now.toISOString(), except);
  authCache(app).forgetUser(userId);
  if (ids.length > 0) await recordPrivileged(app, by, 'auth.sessions-revoked', `user:${userId}`, { sessions: ids.length, ...(except !== undefined ? { kept: except } : {}) });
  return ids.length;
}
