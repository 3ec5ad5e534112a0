import { createHash } from 'node:crypto';
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
  return createHash('sha256').update(salt).update(canonicalBytes(payload)).digest('base64');
}

/** The commitment of a payload already in canonical form (as the store keeps it). */
export function commitCanonical(canonical: string, salt: Uint8Array): string {
  return createHash('sha256').update(salt).update(canonical, 'utf8').digest('base64');
}
