import { PortcullisError } from '../../domain/errors.ts';
import { generateApiKey } from '../../security/api-keys.ts';
import { can } from '../../security/policy.ts';
import { authRepo, usersRepo, type StoredApiKey } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { authCache } from './cache.ts';
import type { ActingUser, ApiKeyInfo, CreatedApiKey } from './types.ts';

const info = (k: StoredApiKey): ApiKeyInfo => ({ id: k.id, name: k.name, user: k.userId, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt });

/** Whether the actor may manage the keys of `user`: its own with apikey.own, anyone's with apikey.admin. */
const mayManage = (actor: ActingUser, user: string): boolean => can(actor, 'apikey.admin') || (user === actor.id && can(actor, 'apikey.own'));

function forbidden(actor: ActingUser, user: string): PortcullisError {
  return new PortcullisError('FORBIDDEN', `${actor.id} may not manage the API keys of ${user}`, [
    { field: 'user', problem: user === actor.id ? 'the actor’s roles allow no API keys' : 'another user’s keys', expected: user === actor.id ? 'a role with apikey.own' : `${actor.id}, or an actor with apikey.admin` },
  ]);
}

/** A new API key for a user; the whole key is in the answer, and nowhere else, ever. */
export async function createApiKey(app: AppContext, actor: ActingUser, input: { user: string; name: string; expiresAt?: string }): Promise<CreatedApiKey> {
  if (!mayManage(actor, input.user)) throw forbidden(actor, input.user);
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > 100) throw new PortcullisError('INVALID_INPUT', 'the API key needs a name of 1 to 100 characters', [{ field: 'name', problem: name === '' ? 'missing' : 'longer than 100 characters', expected: 'a name of 1 to 100 characters that says what uses the key' }]);
  const now = app.clock();
  let expiresAt: string | null = null;
  if (input.expiresAt !== undefined) {
    const t = Date.parse(input.expiresAt);
    if (!/^\d{4}-\d\d-\d\dT/.test(input.expiresAt) || Number.isNaN(t) || t <= now.getTime()) {
      throw new PortcullisError('INVALID_INPUT', `expiresAt "${input.expiresAt}" is not a time in the future`, [{ field: 'expiresAt', problem: Number.isNaN(t) ? 'not an ISO 8601 time' : 'not in the future', expected: 'an ISO 8601 UTC time in the future, e.g. 2027-01-01T00:00:00Z' }]);
    }
    expiresAt = new Date(t).toISOString();
  }
  const user = await usersRepo(app.store.db).get(input.user);
  if (user === undefined || user.disabled) throw new PortcullisError('NOT_FOUND', `no enabled user "${input.user}"`, [{ field: 'user', problem: `${input.user} does not exist or is disabled`, expected: 'an enabled user id' }]);
  const k = generateApiKey();
  const createdAt = now.toISOString();
  await authRepo(app.store.db).createApiKey({ id: k.id, userId: user.id, name, secretHash: k.secretHash, createdAt, expiresAt });
  await recordPrivileged(app, actor.id, 'apikey.created', `apikey:${k.id}`, { user: user.id, name, expiresAt });
  return { id: k.id, name, user: user.id, key: k.key, createdAt, expiresAt };
}

/** The actor's keys, or a user's (apikey.admin for another's); with apikey.admin and no user, everyone's. */
export async function listApiKeys(app: AppContext, actor: ActingUser, user?: string): Promise<ApiKeyInfo[]> {
  if (user === undefined && can(actor, 'apikey.admin')) return (await authRepo(app.store.db).listApiKeys()).map(info);
  const whose = user ?? actor.id;
  if (!mayManage(actor, whose)) throw forbidden(actor, whose);
  return (await authRepo(app.store.db).listApiKeys(whose)).map(info);
}

/** Revokes a key at once (in this process; within seconds in others). Revoking a revoked key does nothing. */
export async function revokeApiKey(app: AppContext, actor: ActingUser, id: string): Promise<void> {
  const repo = authRepo(app.store.db);
  const key = typeof id === 'string' ? await repo.apiKey(id) : undefined;
  // Another user's key is "not found" to one who may not manage it: ids are not to be probed.
  if (key === undefined || !mayManage(actor, key.userId)) {
    if (key === undefined || key.userId !== actor.id) throw new PortcullisError('NOT_FOUND', `no API key "${id}"`, [{ field: 'id', problem: 'no such key of yours', expected: 'the id of a key (portcullis api-keys list)' }]);
    throw forbidden(actor, key.userId);
  }
  const done = await repo.revokeApiKey(key.id, app.clock().toISOString());
  authCache(app).apiKeys.delete(key.id);
  if (done) await recordPrivileged(app, actor.id, 'apikey.revoked', `apikey:${key.id}`, { user: key.userId, name: key.name });
}
