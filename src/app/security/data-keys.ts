import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError } from '../../domain/errors.ts';
import { fieldCipher, formatKeyRing, keyRing, newDataKey, parseKeyRing, type DataKey, type FieldCipher, type KeyRing } from '../../security/field-cipher.ts';
import type { FieldCodec } from '../../store/index.ts';
import type { Config } from '../config.ts';

/** The key file of the data key ring, in the ledger's keys directory. */
export const DATA_KEYS_FILE = 'data-keys.json';
/** The signal that the data key ring changed (keys rotated by an instance of the deployment). */
export const DATA_KEYS_TOPIC = 'data-keys';

/** Where the ring came from: the environment, a key file (its path), or made for this process. */
export type RingSource = { readonly kind: 'env' } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'memory' };

export interface LoadedRing {
  readonly ring: KeyRing;
  readonly source: RingSource;
}

interface KeyFile {
  readonly keys: readonly { readonly kid: string; readonly key: string; readonly created?: string }[];
  /** Set while `keys rotate` re-seals rows under the first key; a run that finds it set continues that rotation. */
  readonly rotating?: string;
}

const memory = new WeakMap<Config, KeyRing>();

/**
 * The data key ring the configuration names: PORTCULLIS_DATA_KEYS, else the key file
 * `data-keys.json` in the keys directory (made on first use with one fresh key, mode 0600), else —
 * for an in-memory store, which lives no longer than the process — a key made for this process.
 * Never from the database.
 */
export function loadDataKeys(config: Config, now: () => Date = () => new Date()): LoadedRing {
  if (config.security.dataKeys !== undefined) return { ring: parseKeyRing(config.security.dataKeys), source: { kind: 'env' } };
  const dir = config.ledger.keysDir;
  if (dir === null) {
    let ring = memory.get(config);
    if (ring === undefined) memory.set(config, (ring = keyRing([newDataKey(now().toISOString())])));
    return { ring, source: { kind: 'memory' } };
  }
  const path = join(dir, DATA_KEYS_FILE);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, fileText(keyRing([newDataKey(now().toISOString())])), { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (e) {
      // Another process made it first: use that one.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return { ring: readKeyFile(path), source: { kind: 'file', path } };
}

export function readKeyFile(path: string): KeyRing {
  return readKeyFileState(path).ring;
}

/** The key file's ring and the key a rotation was started to (undefined when none is unfinished). */
export function readKeyFileState(path: string): { ring: KeyRing; rotating: string | undefined } {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    if (!Array.isArray(parsed.keys)) throw new Error('no "keys" array');
  } catch (e) {
    throw new PortcullisError('CONFIG_ERROR', `${path} is not a data key file: ${(e as Error).message}`, [{ field: path, problem: 'unreadable', expected: '{"keys":[{"kid","key" (base64, 32 bytes),"created"}], the first current' }]);
  }
  const ring = keyRing(parsed.keys.map((k): DataKey => ({ kid: String(k.kid), key: Buffer.from(String(k.key), 'base64'), created: k.created })));
  return { ring, rotating: typeof parsed.rotating === 'string' ? parsed.rotating : undefined };
}

/** Replaces the key file with `ring`, atomically (a new file renamed over the old), mode 0600. */
export function writeKeyFile(path: string, ring: KeyRing, rotating?: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, fileText(ring, rotating), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function fileText(ring: KeyRing, rotating?: string): string {
  const keys = ring.keys.map((k) => ({ kid: k.kid, key: Buffer.from(k.key).toString('base64'), ...(k.created === undefined ? {} : { created: k.created }) }));
  return `${JSON.stringify({ keys, ...(rotating === undefined ? {} : { rotating }) }, null, 2)}\n`;
}

/** The store's codec over a field cipher: the store names table, column and row; the cipher binds them. */
export function codecOf(cipher: FieldCipher): FieldCodec {
  const current = cipher.ring.current.kid;
  return {
    seal: (table, column, rowId, plain) => cipher.seal(plain, { table, column, rowId }),
    // A value stored before encryption was turned on is read as it is, and sealed by `keys rotate`.
    open: (table, column, rowId, stored) => (cipher.keyIdOf(stored) === undefined ? stored : cipher.open(stored, { table, column, rowId })),
    needsRotation: (stored) => cipher.keyIdOf(stored) !== current,
    keyIdOf: (stored) => cipher.keyIdOf(stored),
  };
}

/**
 * The codec an app's store uses, over the configuration's key ring, and a way to put another ring
 * in its place (after `keys rotate`, new values are sealed under the new current key at once).
 */
export interface LiveCodec {
  readonly codec: FieldCodec;
  use(ring: KeyRing): void;
  /**
   * Reads the configuration's ring again: after another instance of the deployment rotated the
   * keys (a shared key file), this one seals under the new current key too. A value sealed under a
   * key this ring does not hold makes it read the ring again by itself (at most once a second).
   */
  reload(): void;
}

export function liveCodec(config: Config): LiveCodec {
  let ring = loadDataKeys(config).ring;
  let inner = codecOf(fieldCipher(ring));
  let reloadedAt = 0;
  const use = (r: KeyRing) => {
    ring = r;
    inner = codecOf(fieldCipher(r));
  };
  const reload = () => {
    reloadedAt = Date.now();
    use(loadDataKeys(config).ring);
  };
  return {
    codec: {
      seal: (t, c, r, plain) => inner.seal(t, c, r, plain),
      open: (t, c, r, stored) => {
        const kid = inner.keyIdOf(stored);
        if (kid !== undefined && Date.now() - reloadedAt > 1000 && !ring.keys.some((k) => k.kid === kid)) reload();
        return inner.open(t, c, r, stored);
      },
      needsRotation: (stored) => inner.needsRotation(stored),
      keyIdOf: (stored) => inner.keyIdOf(stored),
    },
    use,
    reload,
  };
}

const live = new WeakMap<object, LiveCodec>();

/** Remembers the live codec of a store (openApp does), for `keys rotate` to switch. */
export function registerLiveCodec(store: object, c: LiveCodec): void {
  live.set(store, c);
}

export function liveCodecOf(store: object): LiveCodec | undefined {
  return live.get(store);
}

/** Replaces the in-memory ring of a configuration without a key file (an in-memory store). */
export function setMemoryRing(config: Config, ring: KeyRing): void {
  memory.set(config, ring);
}

/** The configuration's key ring as PORTCULLIS_DATA_KEYS text, for threads that open the store themselves. */
export function dataKeysText(config: Config): string {
  return formatKeyRing(loadDataKeys(config).ring);
}
