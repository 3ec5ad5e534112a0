/**
 * Serialized answers of a read route, kept while the store is unchanged: an entry is served again
 * only while the store's change version (StoreAdapter.changeVersion) is the one read before it was
 * computed, so that a commit by anyone, in this process or another, ends it at once. Where the
 * store has no such version (PostgreSQL), an entry lives `ttlMs`, and `clear()` — called by this
 * process's own writes to what the route shows — ends them all sooner.
 */
export interface ResponseCache {
  /** The answer kept for `key`, if still current, and the version to `set` a fresh one under. */
  lookup(key: string): { readonly body: string | undefined; readonly version: string | undefined };
  set(key: string, version: string | undefined, body: string): void;
  clear(): void;
}

export function responseCache(o: { version: (() => string) | undefined; ttlMs: number; max: number; now?: () => number }): ResponseCache {
  const now = o.now ?? Date.now;
  const kept = new Map<string, { version: string | undefined; at: number; body: string }>();
  return {
    lookup(key) {
      const version = o.version?.();
      const hit = kept.get(key);
      if (hit !== undefined) {
        const t = now();
        if (version !== undefined ? hit.version === version : t - hit.at < o.ttlMs && t >= hit.at) return { body: hit.body, version };
        kept.delete(key);
      }
      return { body: undefined, version };
    },
    set(key, version, body) {
      if (kept.size >= o.max) kept.delete(kept.keys().next().value!);
      kept.set(key, { version, at: now(), body });
    },
    clear() {
      kept.clear();
    },
  };
}
