import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface StoredSession {
  readonly id: string;
  readonly userId: string;
  readonly refreshHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface StoredApiKey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly secretHash: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export interface StoredLoginFailures {
  readonly count: number;
  readonly firstFailureAt: string;
  readonly lastFailureAt: string;
  readonly lockedUntil: string | null;
}

const toSession = (r: Schema['sessions']): StoredSession => ({
  id: r.id,
  userId: r.user_id,
  refreshHash: r.refresh_hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const toApiKey = (r: Schema['api_keys']): StoredApiKey => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

/**
 * Credentials, sessions, API keys and failed-login counts. Secrets are never stored: passwords as
 * argon2id hashes, refresh tokens and API key secrets as SHA-256 hashes. Nothing here decides
 * whether a credential holds; app/auth does.
 */
export function authRepo(db: Kysely<Schema>) {
  return {
    async passwordHash(userId: string): Promise<string | undefined> {
      const r = await db.selectFrom('user_credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
      return r?.password_hash;
    },
    async setPasswordHash(userId: string, hash: string, changedAt: string): Promise<void> {
      await db
        .insertInto('user_credentials')
        .values({ user_id: userId, password_hash: hash, changed_at: changedAt })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: hash, changed_at: changedAt }))
        .execute();
    },

    async createSession(s: { id: string; userId: string; refreshHash: string; createdAt: string; expiresAt: string }): Promise<void> {
      await db.insertInto('sessions').values({ id: s.id, user_id: s.userId, refresh_hash: s.refreshHash, created_at: s.createdAt, expires_at: s.expiresAt, last_used_at: s.createdAt, revoked_at: null }).execute();
    },
    async session(id: string): Promise<StoredSession | undefined> {
      const r = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSession(r) : undefined;
    },
    /**
     * Replaces the session's refresh hash, only if it is still `fromHash` and the session is not
     * revoked: of two refreshes with the same token, one wins. False when it was not replaced.
     */
    async rotateRefresh(id: string, fromHash: string, toHash: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('sessions')
        .set({ refresh_hash: toHash, last_used_at: at })
        .where('id', '=', id)
        .where('refresh_hash', '=', fromHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Revokes a session; false when there is none or it was revoked already. */
    async revokeSession(id: string, at: string): Promise<boolean> {
      const r = await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Revokes a user's live sessions (but `except`); the ids revoked. */
    async revokeUserSessions(userId: string, at: string, except?: string): Promise<string[]> {
      let q = db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', at);
      if (except !== undefined) q = q.where('id', '!=', except);
      const ids = (await q.execute()).map((r) => r.id);
      if (ids.length > 0) await db.updateTable('sessions').set({ revoked_at: at }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
      return ids;
    },

    async createApiKey(k: { id: string; userId: string; name: string; secretHash: string; createdAt: string; expiresAt: string | null }): Promise<void> {
      await db.insertInto('api_keys').values({ id: k.id, user_id: k.userId, name: k.name, secret_hash: k.secretHash, created_at: k.createdAt, last_used_at: null, expires_at: k.expiresAt, revoked_at: null }).execute();
    },
    async apiKey(id: string): Promise<StoredApiKey | undefined> {
      const r = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toApiKey(r) : undefined;
    },
    /** A user's keys, or everyone's, oldest first. */
    async listApiKeys(userId?: string): Promise<StoredApiKey[]> {
      let q = db.selectFrom('api_keys').selectAll();
      if (userId !== undefined) q = q.where('user_id', '=', userId);
      return (await q.orderBy('created_at').orderBy('id').execute()).map(toApiKey);
    },
    async revokeApiKey(id: string, at: string): Promise<boolean> {
      const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async touchApiKey(id: string, at: string): Promise<void> {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async loginFailures(key: string): Promise<StoredLoginFailures | undefined> {
      const r = await db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst();
      return r ? { count: Number(r.count), firstFailureAt: r.first_failure_at, lastFailureAt: r.last_failure_at, lockedUntil: r.locked_until } : undefined;
    },
    async setLoginFailures(key: string, s: StoredLoginFailures): Promise<void> {
      const row = { count: s.count, first_failure_at: s.firstFailureAt, last_failure_at: s.lastFailureAt, locked_until: s.lockedUntil };
      await db
        .insertInto('login_failures')
        .values({ key, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    },
    async clearLoginFailures(key: string): Promise<void> {
      await db.deleteFrom('login_failures').where('key', '=', key).execute();
    },

    /** Sets the user's last_seen_at to `at` unless it is already within `minIntervalMs` of it. */
    async touchUser(userId: string, at: string, minIntervalMs: number): Promise<void> {
      const before = new Date(Date.parse(at) - minIntervalMs).toISOString();
      await db
        .updateTable('users')
        .set({ last_seen_at: at })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', before)]))
        .execute();
    },
    async lastSeen(userId: string): Promise<string | null | undefined> {
      const r = await db.selectFrom('users').select('last_seen_at').where('id', '=', userId).executeTakeFirst();
      return r === undefined ? undefined : r.last_seen_at;
    },
  };
}
export type AuthRepo = ReturnType<typeof authRepo>;
