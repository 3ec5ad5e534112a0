import { PortcullisError } from '../../domain/errors.ts';
import { keyRing, newDataKey, type KeyRing } from '../../security/field-cipher.ts';
import { sealedColumnsRepo, type KeyCount, type RowKey } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { requireActor } from '../targeting/actors.ts';
import { codecOf, DATA_KEYS_TOPIC, liveCodecOf, loadDataKeys, readKeyFileState, setMemoryRing, writeKeyFile, type RingSource } from './data-keys.ts';
import { fieldCipher } from '../../security/field-cipher.ts';

export interface RotateProgress {
  readonly table: string;
  readonly column: string;
  /** Rows of this column looked at and re-sealed so far. */
  readonly scanned: number;
  readonly resealed: number;
}

export interface RotateOptions {
  /** Rows per transaction (1000). */
  readonly batchRows?: number;
  /** After every batch; a throw stops the rotation there (what was committed stays, a re-run finishes the rest). */
  readonly onProgress?: (p: RotateProgress) => void;
  /** Then drop from the key file the old keys no row is sealed under any more. */
  readonly retire?: boolean;
}

export interface RotateSummary {
  readonly current: string;
  /** Whether this run made the new current key (false: it continued an unfinished rotation, or the ring came from the environment). */
  readonly madeKey: boolean;
  readonly source: RingSource['kind'];
  readonly columns: readonly { table: string; column: string; scanned: number; resealed: number; skipped: number }[];
  /** What each column holds under each key after the run. */
  readonly keys: readonly KeyCount[];
  /** Keys no value is sealed under any more (removed from the key file with `retire`; remove them from PORTCULLIS_DATA_KEYS yourself). */
  readonly unused: readonly string[];
  readonly retired: readonly string[];
  readonly complete: boolean;
  readonly seconds: number;
}

/**
 * `keys rotate`: a new current data key (made in the key file; or, when the ring comes from
 * PORTCULLIS_DATA_KEYS, the first key there), then every sealed value not under it re-sealed, in
 * transactions of `batchRows` rows. The key file records the rotation in progress, so that a run
 * after a crash continues with the same key and finishes the rest. A privileged action: an admin
 * does it, and the ledger records it.
 */
export async function rotateDataKeys(app: AppContext, actor: string | undefined, o: RotateOptions = {}): Promise<RotateSummary> {
  const user = await requireActor(app, actor, ['admin'], 'rotate the data keys');
  const started = performance.now();
  const batchRows = o.batchRows ?? 1000;
  const loaded = loadDataKeys(app.config, app.clock);
  let ring: KeyRing = loaded.ring;
  let madeKey = false;
  if (loaded.source.kind === 'file') {
    const state = readKeyFileState(loaded.source.path);
    ring = state.ring;
    if (state.rotating === undefined || state.rotating !== ring.current.kid) {
      ring = keyRing([newDataKey(app.clock().toISOString()), ...ring.keys]);
      madeKey = true;
    }
    // Written before any row is re-sealed under the new key: a crash never leaves rows under a key the file lacks.
    writeKeyFile(loaded.source.path, ring, ring.current.kid);
  } else if (loaded.source.kind === 'memory') {
    ring = keyRing([newDataKey(app.clock().toISOString()), ...ring.keys]);
    madeKey = true;
    setMemoryRing(app.config, ring);
  }
  // From here on the app seals new values under the new key too, and so do the deployment's
  // other instances (on PostgreSQL, told by a signal to read the shared key file again).
  liveCodecOf(app.store)?.use(ring);
  if (madeKey) await app.store.signals?.publish(DATA_KEYS_TOPIC).catch(() => undefined);
  const codec = codecOf(fieldCipher(ring));
  const repo = sealedColumnsRepo(app.store.db);

  const columns: { table: string; column: string; scanned: number; resealed: number; skipped: number }[] = [];
  for (const c of repo.columns) {
    const done = { table: c.table, column: c.column, scanned: 0, resealed: 0, skipped: 0 };
    columns.push(done);
    let after: RowKey | null = null;
    for (;;) {
      const b = await repo.resealBatch(c, codec, after, batchRows);
      if (b.last === null) break;
      done.scanned += b.scanned;
      done.resealed += b.resealed;
      done.skipped += b.skipped;
      after = b.last;
      o.onProgress?.({ table: c.table, column: c.column, scanned: done.scanned, resealed: done.resealed });
    }
  }
  const keys = await repo.keyCounts(codec);
  const used = new Set(keys.flatMap((k) => Object.keys(k.byKey)));
  const complete = !keys.some((k) => Object.keys(k.byKey).some((kid) => kid !== ring.current.kid));
  const unused = ring.keys.filter((k) => k.kid !== ring.current.kid && !used.has(k.kid)).map((k) => k.kid);
  let retired: string[] = [];
  if (loaded.source.kind !== 'env') {
    if (o.retire === true && complete) {
      retired = unused;
      ring = keyRing(ring.keys.filter((k) => !retired.includes(k.kid)));
    }
    if (loaded.source.kind === 'file') writeKeyFile(loaded.source.path, ring, complete ? undefined : ring.current.kid);
    else setMemoryRing(app.config, ring);
    liveCodecOf(app.store)?.use(ring);
  } else if (o.retire === true && unused.length > 0) {
    throw new PortcullisError('CONFIG_ERROR', `the data keys come from PORTCULLIS_DATA_KEYS: remove ${unused.join(', ')} from it yourself (no value is sealed under them any more)`, [
      { field: 'PORTCULLIS_DATA_KEYS', problem: 'keys from the environment cannot be retired by the command', expected: 'the variable without the old keys' },
    ]);
  }
  const resealed = columns.reduce((a, c) => a + c.resealed, 0);
  await recordPrivileged(app, user.id, 'data-keys.rotated', 'data-keys', { current: ring.current.kid, madeKey, resealed, complete, retired });
  return { current: ring.current.kid, madeKey, source: loaded.source.kind, columns, keys, unused: retired.length > 0 ? [] : unused, retired, complete, seconds: Math.round(performance.now() - started) / 1000 };
}

export interface KeyStatus {
  readonly source: RingSource;
  readonly keys: readonly { kid: string; created: string | null; current: boolean; values: number }[];
  readonly columns: readonly KeyCount[];
  /** Values stored before encryption was turned on (sealed by the next `keys rotate`). */
  readonly plaintext: number;
  readonly rotating: string | null;
}

/** `keys status`: the ring (ids, when made, which is current) and how many stored values each key seals. */
export async function dataKeyStatus(app: AppContext): Promise<KeyStatus> {
  const loaded = loadDataKeys(app.config, app.clock);
  const rotating = loaded.source.kind === 'file' ? (readKeyFileState(loaded.source.path).rotating ?? null) : null;
  const columns = await sealedColumnsRepo(app.store.db).keyCounts(codecOf(fieldCipher(loaded.ring)));
  const count = (kid: string) => columns.reduce((a, c) => a + (c.byKey[kid] ?? 0), 0);
  return {
    source: loaded.source,
    keys: loaded.ring.keys.map((k) => ({ kid: k.kid, created: k.created ?? null, current: k.kid === loaded.ring.current.kid, values: count(k.kid) })),
    columns,
    plaintext: count('plaintext'),
    rotating,
  };
}
