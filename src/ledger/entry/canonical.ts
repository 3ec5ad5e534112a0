import { canonicalJson } from '../../domain/canonical-json.ts';

/** RFC 8785 (JSON Canonicalization Scheme): what the ledger commits to (src/domain/canonical-json.ts). */
export { canonicalJson };

const encoder = new TextEncoder();

/** The canonical form's UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
