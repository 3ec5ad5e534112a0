import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import sodium from 'sodium-native';
import { concatBytes, decodeBase64, encodeBase64, utf8 } from './bytes.ts';
import { NoteError } from './note-error.ts';
import { isValidKeyName } from './note-text.ts';

/**
 * Ed25519 keys in the C2SP signed-note key formats:
 *
 *   verifier key  <name>+<hex key id>+base64(type || 32-byte public key)
 *   signer key    PRIVATE+KEY+<name>+<hex key id>+base64(type || 32-byte seed)
 *
 * key id = first four bytes, big-endian, of SHA-256(name || 0x0A || type || public key). Two types
 * are known: 0x01, an Ed25519 signature over the note text, and 0x04, an Ed25519 tlog-cosignature/v1
 * (see cosignature.ts). `sign` and `verify` are plain Ed25519 over the bytes given, for both types;
 * which bytes are signed is the business of note.ts and cosignature.ts.
 */

export const ED25519_NOTE = 0x01;
export const ED25519_COSIGNATURE = 0x04;

export interface Verifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Signer {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  sign(message: Uint8Array): Uint8Array;
  /** The verifier key of this signer, in the format parseVerifierKey reads. */
  readonly verifierKey: string;
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_ID = /^[0-9a-fA-F]{8}$/;

export function keyIdOf(name: string, type: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(utf8(name)).update(Uint8Array.of(0x0a, type)).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function parseVerifierKey(vkey: string): Verifier {
  const [name, id, material] = splitKey(vkey, 'verifier key');
  const { type, key } = keyMaterial(material, 'verifier key', name);
  const keyId = checkKeyId(name, id, type, key, 'verifier key');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, key]), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new NoteError('MALFORMED_KEY', `verifier key ${name}: the public key is not an Ed25519 point`, { cause });
  }
  return {
    name,
    keyId,
    type,
    publicKey: key,
    verify: (message, signature) => signature.length === 64 && verify(null, message, publicKey, signature),
  };
}

export function parseSignerKey(skey: string): Signer {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteError('MALFORMED_KEY', 'signer key: expected it to begin with PRIVATE+KEY+');
  const [name, id, material] = splitKey(skey.slice('PRIVATE+KEY+'.length), 'signer key');
  const { type, key: seed } = keyMaterial(material, 'signer key', name);
  const { secretKey, publicKey } = ed25519FromSeed(seed);
  const keyId = checkKeyId(name, id, type, publicKey, 'signer key');
  return {
    name,
    keyId,
    type,
    sign: (message) => {
      const signature = new Uint8Array(64);
      sodium.crypto_sign_detached(signature, message, secretKey);
      return signature;
    },
    verifierKey: `${name}+${formatKeyId(keyId)}+${encodeBase64(concatBytes(Uint8Array.of(type), publicKey))}`,
  };
}

/**
 * A new key pair named `name`, from a 32-byte seed the caller draws from a secure random source
 * (this layer has none of its own), for note signatures (0x01) or cosignatures (0x04).
 */
export function generateSignerKey(name: string, seed: Uint8Array, type: number = ED25519_NOTE): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new NoteError('MALFORMED_KEY', `key name ${JSON.stringify(name)}: expected a non-empty name with no spaces and no '+'`);
  if (seed.length !== 32) throw new NoteError('MALFORMED_KEY', `seed: expected 32 bytes, got ${seed.length}`);
  if (type !== ED25519_NOTE && type !== ED25519_COSIGNATURE) throw new NoteError('MALFORMED_KEY', `type: expected 0x01 or 0x04, got ${type}`);
  const { publicKey } = ed25519FromSeed(seed);
  const id = formatKeyId(keyIdOf(name, type, publicKey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${encodeBase64(concatBytes(Uint8Array.of(type), seed))}`,
    verifierKey: `${name}+${id}+${encodeBase64(concatBytes(Uint8Array.of(type), publicKey))}`,
  };
}

/**
 * libsodium's expanded secret key (seed and public key) and the public key, made once per key.
 * Signatures come from libsodium: Ed25519 is deterministic, so they are the bytes OpenSSL would
 * give, at less than half its cost (18 µs against 46 µs here), and every ledger entry is signed.
 */
function ed25519FromSeed(seed: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const publicKey = new Uint8Array(32);
  const secretKey = new Uint8Array(64);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  return { secretKey, publicKey };
}

/** name, hex key id and base64 key material; the name has no '+', the base64 may have some. */
function splitKey(text: string, what: string): [string, string, string] {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('MALFORMED_KEY', `${what}: expected <name>+<8 hex digits>+<base64 key>`);
  const name = text.slice(0, first);
  const id = text.slice(first + 1, second);
  if (!isValidKeyName(name)) throw new NoteError('MALFORMED_KEY', `${what}: key name ${JSON.stringify(name)} is empty or has a space`);
  if (!KEY_ID.test(id)) throw new NoteError('MALFORMED_KEY', `${what} ${name}: key id ${JSON.stringify(id)} is not 8 hex digits`);
  return [name, id, text.slice(second + 1)];
}

function keyMaterial(material: string, what: string, name: string): { type: number; key: Uint8Array } {
  const bytes = decodeBase64(material);
  if (bytes === undefined) throw new NoteError('MALFORMED_KEY', `${what} ${name}: the key is not standard base64`);
  const type = bytes[0];
  if (type !== ED25519_NOTE && type !== ED25519_COSIGNATURE) {
    const shown = type === undefined ? 'none' : `0x${type.toString(16).padStart(2, '0')}`;
    throw new NoteError('MALFORMED_KEY', `${what} ${name}: signature type ${shown} is not supported; expected 0x01 (Ed25519) or 0x04 (Ed25519 cosignature)`);
  }
  const key = bytes.subarray(1);
  if (key.length !== 32) throw new NoteError('MALFORMED_KEY', `${what} ${name}: expected a 32-byte Ed25519 key, got ${key.length} bytes`);
  return { type, key };
}

function checkKeyId(name: string, id: string, type: number, publicKey: Uint8Array, what: string): number {
  const keyId = keyIdOf(name, type, publicKey);
  if (Number.parseInt(id, 16) !== keyId) {
    throw new NoteError('MALFORMED_KEY', `${what} ${name}: key id ${id} does not match the key (expected ${formatKeyId(keyId)})`);
  }
  return keyId;
}
