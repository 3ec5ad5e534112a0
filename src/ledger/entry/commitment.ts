import * as crypto from 'node:crypto';
import { canonicalBytes } from './canonical.ts';

/**
 * The salted commitment to an entry's payload: SHA-256(salt ‖ RFC 8785 JSON of the payload), in
 * base64. The payload stays in the access-controlled store; the shared log holds only this, and the
 * 32-byte random salt keeps anyone from confirming a guess of a payload (a value, a consignee) by
 * hashing it. Whoever is given the payload and its salt can check them against the log.
 */
export const SALT_BYTES = 32;

export function commitPayload(payload: unknown, salt: Uint8Array): string {
  if (salt.length !== SALT_BYTES) throw new RangeError(`commitPayload: the salt has ${salt.length} bytes; expected ${SALT_BYTES}`);
  return sha256Base64(salt, canonicalBytes(payload));
}

/** The commitment of a payload already in canonical form (as the store keeps it). */
export function commitCanonical(canonical: string, salt: Uint8Array): string {
  return sha256Base64(salt, Buffer.from(canonical, 'utf8'));
}

/** Reused by commitmentOf: hashing is synchronous, so no two calls can share it at once. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The commitment of a stored payload (canonical text) and its salt (base64), as verification
 * re-computes it a million times: both written into one reused buffer, no copies in between.
 */
export function commitmentOf(canonical: string, saltBase64: string): string {
  const need = 3 * SALT_BYTES + 3 * canonical.length;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(2 * need);
  const n = scratch.write(saltBase64, 0, 'base64');
  const end = n + scratch.write(canonical, n, 'utf8');
  if (typeof crypto.hash === 'function') return crypto.hash('sha256', scratch.subarray(0, end), 'base64');
  return crypto.createHash('sha256').update(scratch.subarray(0, end)).digest('base64');
}

/** One SHA-256 over salt ‖ bytes: `crypto.hash` (Node ≥ 20.12) where there is one, a Hash object otherwise. */
function sha256Base64(salt: Uint8Array, bytes: Uint8Array): string {
  if (typeof crypto.hash === 'function') return crypto.hash('sha256', Buffer.concat([salt, bytes]), 'base64');
  return crypto.createHash('sha256').update(salt).update(bytes).digest('base64');
}
