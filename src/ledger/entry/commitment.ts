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

/** One SHA-256 over salt ‖ bytes: `crypto.hash` (Node ≥ 20.12) where there is one, a Hash object otherwise. */
function sha256Base64(salt: Uint8Array, bytes: Uint8Array): string {
  if (typeof crypto.hash === 'function') return crypto.hash('sha256', Buffer.concat([salt, bytes]), 'base64');
  return crypto.createHash('sha256').update(salt).update(bytes).digest('base64');
}
