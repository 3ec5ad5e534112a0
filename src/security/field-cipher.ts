import { randomBytes, randomFillSync } from 'node:crypto';
import { PortcullisError } from '../domain/errors.ts';
import { XAES_KEY_BYTES, XAES_NONCE_BYTES, XAES_TAG_BYTES, xaes256gcm, XaesAuthError, type Xaes } from './xaes.ts';

/**
 * Fields encrypted at rest. A sealed value is self-describing text:
 *
 *     enc:v1:<kid>:<base64url(nonce[24] ‖ ciphertext ‖ tag[16])>
 *
 * sealed with XAES-256-GCM under the key `kid` of a key ring, with a random nonce, and with the
 * associated data `${table}/${column}/${rowId}`: a value copied to another row or column does not open.
 */
export const SEALED_PREFIX = 'enc:v1:';

/** One data key: its id (what sealed values name) and 32 bytes. */
export interface DataKey {
  readonly kid: string;
  readonly key: Uint8Array;
  /** When it was made (ISO 8601), where known (key files record it; the environment does not). */
  readonly created?: string | undefined;
}

/** Keys by id; the current one seals, every one opens. */
export interface KeyRing {
  readonly current: DataKey;
  readonly keys: readonly DataKey[];
}

/** Where a field lives: bound to its ciphertext as associated data. */
export interface FieldPlace {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

export interface FieldCipher {
  readonly ring: KeyRing;
  seal(plain: string, place: FieldPlace): string;
  open(sealed: string, place: FieldPlace): string;
  /** The key id a sealed value names, or undefined when the value is not sealed. */
  keyIdOf(stored: string): string | undefined;
}

const KID = /^[A-Za-z0-9_.-]{1,64}$/;

/** A key ring from keys in order, the first current. Refuses duplicate ids and keys not 32 bytes. */
export function keyRing(keys: readonly DataKey[]): KeyRing {
  if (keys.length === 0) throw configError('the data key ring is empty', 'PORTCULLIS_DATA_KEYS', 'at least one kid:base64key');
  const seen = new Set<string>();
  for (const k of keys) {
    if (!KID.test(k.kid)) throw configError(`data key id "${k.kid}" is not a key id`, 'PORTCULLIS_DATA_KEYS', '1 to 64 letters, digits, ".", "_" or "-"');
    if (k.key.length !== XAES_KEY_BYTES) throw configError(`data key "${k.kid}" is ${k.key.length} bytes`, 'PORTCULLIS_DATA_KEYS', `${XAES_KEY_BYTES} bytes, base64`);
    if (seen.has(k.kid)) throw configError(`data key id "${k.kid}" appears twice`, 'PORTCULLIS_DATA_KEYS', 'each key id once');
    seen.add(k.kid);
  }
  return { current: keys[0]!, keys };
}

/** Parses "kid:base64key,kid:base64key…" (PORTCULLIS_DATA_KEYS), the first current. */
export function parseKeyRing(text: string, where = 'PORTCULLIS_DATA_KEYS'): KeyRing {
  const keys = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((part, i): DataKey => {
    const colon = part.indexOf(':');
    if (colon <= 0) throw configError(`${where}: entry ${i + 1} has no key id`, where, 'kid:base64key');
    return { kid: part.slice(0, colon), key: Buffer.from(part.slice(colon + 1), 'base64') };
  });
  try {
    return keyRing(keys);
  } catch (e) {
    if (e instanceof PortcullisError) throw configError(e.message.replace('PORTCULLIS_DATA_KEYS', where), where, e.details[0]?.expected ?? 'kid:base64key');
    throw e;
  }
}

/** A fresh key with a random id (`dk-` and 8 hex digits). */
export function newDataKey(created: string): DataKey {
  return { kid: `dk-${randomBytes(4).toString('hex')}`, key: randomBytes(XAES_KEY_BYTES), created };
}

/** The ring as PORTCULLIS_DATA_KEYS text. */
export function formatKeyRing(ring: KeyRing): string {
  return ring.keys.map((k) => `${k.kid}:${Buffer.from(k.key).toString('base64')}`).join(',');
}

export const aadOf = (p: FieldPlace): string => `${p.table}/${p.column}/${p.rowId}`;

/**
 * Random nonces drawn from the system's generator 4096 at a time: one call per nonce cost 5 µs, a
 * third of a seal. Each nonce is used once (copied into the sealed value before the pool refills).
 */
const pool = Buffer.alloc(XAES_NONCE_BYTES * 4096);
let poolAt = pool.length;
function nextNonce(): Buffer {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool.subarray(poolAt, (poolAt += XAES_NONCE_BYTES));
}

export function fieldCipher(ring: KeyRing): FieldCipher {
  const byKid = new Map<string, Xaes>(ring.keys.map((k) => [k.kid, xaes256gcm(k.key)]));
  const current = byKid.get(ring.current.kid)!;
  const currentPrefix = `${SEALED_PREFIX}${ring.current.kid}:`;
  return {
    ring,
    seal(plain, place) {
      return currentPrefix + current.sealWithNonce(nextNonce(), Buffer.from(plain, 'utf8'), Buffer.from(aadOf(place), 'utf8')).toString('base64url');
    },
    open(sealed, place) {
      const where = `${place.table}.${place.column} of row ${place.rowId}`;
      if (!sealed.startsWith(SEALED_PREFIX)) throw new PortcullisError('STORE_ERROR', `${where} is not a sealed value`, [{ field: `${place.table}.${place.column}`, problem: 'not sealed', expected: `${SEALED_PREFIX}<kid>:<base64url>` }]);
      const colon = sealed.indexOf(':', SEALED_PREFIX.length);
      const kid = colon < 0 ? '' : sealed.slice(SEALED_PREFIX.length, colon);
      const x = byKid.get(kid);
      if (x === undefined) {
        throw new PortcullisError('CONFIG_ERROR', `${where} is sealed under data key "${kid}", which the key ring does not hold (it holds ${ring.keys.map((k) => k.kid).join(', ')})`, [
          { field: `${place.table}.${place.column}`, problem: `unknown data key id "${kid}"`, expected: 'the key in PORTCULLIS_DATA_KEYS or data-keys.json' },
        ]);
      }
      const bytes = Buffer.from(sealed.slice(colon + 1), 'base64url');
      try {
        if (bytes.length < XAES_NONCE_BYTES + XAES_TAG_BYTES) throw new XaesAuthError();
        return x.open(bytes.subarray(0, XAES_NONCE_BYTES), bytes.subarray(XAES_NONCE_BYTES), Buffer.from(aadOf(place), 'utf8')).toString('utf8');
      } catch (e) {
        if (!(e instanceof XaesAuthError)) throw e;
        throw new PortcullisError('STORE_ERROR', `${where} failed authentication under data key "${kid}": altered, or copied from another row or column`, [
          { field: `${place.table}.${place.column}`, problem: `authentication failed (row ${place.rowId})`, expected: `a value sealed for ${aadOf(place)}` },
        ]);
      }
    },
    keyIdOf(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return undefined;
      const colon = stored.indexOf(':', SEALED_PREFIX.length);
      return colon < 0 ? undefined : stored.slice(SEALED_PREFIX.length, colon);
    },
  };
}

function configError(message: string, field: string, expected: string): PortcullisError {
  return new PortcullisError('CONFIG_ERROR', message, [{ field, problem: message, expected }]);
}
