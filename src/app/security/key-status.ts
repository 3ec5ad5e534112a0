import { formatKeyId } from '../../ledger/note/index.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { dataKeyStatus } from './rotate-keys.ts';

const DAY = 86_400_000;

/** Data keys older than this many days are stale (the security audit's default too). */
export const MAX_KEY_AGE_DAYS = 365;

/** The command that rotates the data keys: an offline job, not an API call, since it re-seals every stored value. */
export const ROTATE_COMMAND = 'portcullis keys rotate';

export interface KeyAge {
  /** Whole days since the key was made; null when its making time is not known (a key from PORTCULLIS_DATA_KEYS). */
  readonly days: number | null;
  /** Older than `maxDays`: the security audit's stale-data-key finding. A key of unknown age is not called stale. */
  readonly stale: boolean;
}

/** How old a key made at `created` is at `now`, and whether that is more than `maxDays` (the one rule the security audit and the status share). */
export function keyAge(created: string | null | undefined, now: Date, maxDays = MAX_KEY_AGE_DAYS): KeyAge {
  if (created === undefined || created === null) return { days: null, stale: false };
  const ms = now.getTime() - Date.parse(created);
  // A key made a moment "after" now (another process's clock) is 0 days old, not −1.
  return { days: Math.max(0, Math.floor(ms / DAY)), stale: ms > maxDays * DAY };
}

export interface KeyRingStatus {
  /** Where the ring comes from (never the path or the keys themselves). */
  readonly source: 'file' | 'env' | 'memory';
  readonly current: { readonly kid: string; readonly created: string | null; readonly ageDays: number | null; readonly stale: boolean; readonly maxAgeDays: number };
  /** Every key of the ring by id, and how many stored values each seals. */
  readonly keys: readonly { kid: string; created: string | null; current: boolean; values: number }[];
  /** Per sealed column, how many values are under each key id ('plaintext': not sealed). */
  readonly columns: readonly { table: string; column: string; byKey: Readonly<Record<string, number>> }[];
  readonly plaintext: number;
  /** Values under a key other than the current one (the next `keys rotate` re-seals them). */
  readonly underOlderKeys: number;
  /** The key an unfinished rotation is moving values to, or null. */
  readonly rotating: string | null;
  readonly rotateCommand: string;
  /** The ledger's signing keys by name and id: the log's (checkpoints) and the service's (its entries). */
  readonly ledger: { readonly log: { name: string; keyId: string }; readonly party: { name: string; keyId: string } };
}

/**
 * The state of the keys, for administrators and auditors: the data-key ring (ids, when made, which
 * is current, its age and whether it is stale by the security audit's rule), how many stored
 * values each key seals in each column, what is still in plaintext, whether a rotation is
 * unfinished, and the ledger's signing key ids. Ids and counts only: no key material.
 */
export async function keyRingStatus(app: AppContext, o: { maxKeyAgeDays?: number } = {}): Promise<KeyRingStatus> {
  const maxAgeDays = o.maxKeyAgeDays ?? MAX_KEY_AGE_DAYS;
  const s = await dataKeyStatus(app);
  const current = s.keys.find((k) => k.current)!;
  const age = keyAge(current.created, app.clock(), maxAgeDays);
  const underOlderKeys = s.keys.filter((k) => !k.current).reduce((a, k) => a + k.values, 0);
  const { log, party } = ledgerOf(app).keys;
  return {
    source: s.source.kind,
    current: { kid: current.kid, created: current.created, ageDays: age.days, stale: age.stale, maxAgeDays },
    keys: s.keys.map((k) => ({ ...k })),
    columns: s.columns.map((c) => ({ table: c.table, column: c.column, byKey: { ...c.byKey } })),
    plaintext: s.plaintext,
    underOlderKeys,
    rotating: s.rotating,
    rotateCommand: ROTATE_COMMAND,
    ledger: { log: { name: log.name, keyId: formatKeyId(log.keyId) }, party: { name: party.name, keyId: formatKeyId(party.keyId) } },
  };
}
