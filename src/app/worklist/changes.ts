import { worklistChangeToken } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/** Whoever watches the worklist: told the new token when it has changed. */
export type ChangeListener = (token: string) => void;

export interface ChangeFeed {
  /** Watches from now on; the listener first hears the current token. Returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /** Watchers now. */
  readonly watchers: number;
  /** Stops watching the store (the listeners hear nothing more). */
  close(): void;
}

export interface ChangeFeedOptions {
  /** How often the store is asked, while anyone watches. */
  readonly everyMs?: number;
  readonly onError?: (e: unknown) => void;
}

/**
 * Tells watchers (the web application's open worklists) when the worklist may have changed: a new
 * decision or override, an alert raised or acknowledged, a claim, an inspection. One look at the
 * store per interval serves every watcher, and none is made while nobody watches. Where the store
 * counts its commits (SQLite, including other processes' commits), an unchanged count skips the
 * look; the token itself ignores commits that do not touch the worklist (telemetry, the ledger's
 * checkpoints), so watchers are not sent to fetch a page that is the same.
 */
export function worklistChanges(app: AppContext, o: ChangeFeedOptions = {}): ChangeFeed {
  const everyMs = o.everyMs ?? 1000;
  const listeners = new Set<ChangeListener>();
  let token: string | undefined;
  let commits: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<void> | undefined;
  let closed = false;

  const look = async (): Promise<void> => {
    const version = app.store.changeVersion?.();
    if (version !== undefined && version === commits && token !== undefined) return;
    const next = await worklistChangeToken(app.store.db);
    commits = version;
    if (next === token) return;
    token = next;
    for (const l of [...listeners]) l(next);
  };
  const tick = (): void => {
    if (looking !== undefined || closed) return;
    looking = look()
      .catch((e: unknown) => o.onError?.(e))
      .finally(() => {
        looking = undefined;
      });
  };

  return {
    subscribe(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      if (token !== undefined) listener(token);
      else tick();
      timer ??= setInterval(tick, everyMs).unref();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
          // Not watched: the next watcher must not be told a stale token as the current one.
          token = undefined;
          commits = undefined;
        }
      };
    },
    get watchers() {
      return listeners.size;
    },
    close() {
      closed = true;
      listeners.clear();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
