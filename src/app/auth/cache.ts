import type { StoredApiKey, StoredSession, StoredUser } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/**
 * What authentication looked up lately, per application: sessions, API keys and users, each kept
 * at most CACHE_MS, so that a request does not read three rows, and a revocation made by another
 * process takes effect within seconds (one made by this process takes effect at once: it evicts).
 */
export const CACHE_MS = 5_000;
/** last_seen_at is written at most this often per user. */
export const SEEN_EVERY_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Cached<T> {
  readonly at: number;
  readonly value: T;
}

export class AuthCache {
  readonly sessions = new Map<string, Cached<StoredSession>>();
  readonly apiKeys = new Map<string, Cached<StoredApiKey>>();
  readonly users = new Map<string, Cached<StoredUser>>();
  /** When this process last wrote each user's last_seen_at. */
  readonly seen = new Map<string, number>();

  async get<T>(map: Map<string, Cached<T>>, key: string, now: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = map.get(key);
    if (hit !== undefined && now - hit.at < CACHE_MS && now >= hit.at) return hit.value;
    const value = await load();
    if (map.size >= MAX_ENTRIES) map.clear();
    if (value === undefined) map.delete(key);
    else map.set(key, { at: now, value });
    return value;
  }

  /** Forgets a user and every session of theirs (a password change, a disabled user). */
  forgetUser(userId: string): void {
    this.users.delete(userId);
    for (const [id, s] of this.sessions) if (s.value.userId === userId) this.sessions.delete(id);
  }
}

const caches = new WeakMap<AppContext, AuthCache>();

export function authCache(app: AppContext): AuthCache {
  let c = caches.get(app);
  if (c === undefined) caches.set(app, (c = new AuthCache()));
  return c;
}
