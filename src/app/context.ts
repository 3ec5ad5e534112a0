import { openStore, type StoreAdapter } from '../store/index.ts';
import type { Config } from './config.ts';
import { closeLedger } from './ledger/ledger.ts';
import { liveCodec, registerLiveCodec } from './security/data-keys.ts';

/** What every use case works with: the configuration, the store and a clock. */
export interface AppContext {
  readonly config: Config;
  readonly store: StoreAdapter;
  readonly clock: () => Date;
  close(): Promise<void>;
}

/**
 * `service`: the long-running server's store (on SQLite, its log is checkpointed on a thread of its
 * own); `warn`: where the store says what goes wrong while it runs.
 */
export async function openApp(config: Config, clock: () => Date = () => new Date(), o: { readonly service?: boolean; readonly warn?: (message: string) => void } = {}): Promise<AppContext> {
  // The sensitive columns are sealed with the data key ring (environment or key file, never the database).
  const codec = liveCodec(config);
  const store = await openStore({ databaseUrl: config.databaseUrl, pgSchema: config.pgSchema, sqliteFile: config.sqliteFile, codec: codec.codec, checkpointThread: o.service === true, warn: o.warn });
  registerLiveCodec(store, codec);
  let closing: Promise<void> | undefined;
  const app: AppContext = {
    config,
    store,
    clock,
    // The ledger first: what was asked of it is written, and a last checkpoint signed. Once only:
    // a second close (a shutdown, then a test's or a caller's own) finds the store closed, and
    // with it, on SQLite, the write-ahead log the ledger would have synced.
    close: () =>
      (closing ??= (async () => {
        try {
          await closeLedger(app);
        } finally {
          await store.close();
        }
      })()),
  };
  return app;
}
