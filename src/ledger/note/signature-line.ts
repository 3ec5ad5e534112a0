import { concatBytes, decodeBase64, encodeBase64 } from './bytes.ts';
import { NoteError } from './note-error.ts';
import { isValidKeyName } from './note-text.ts';

/**
 * One signature line of a signed note, without its final newline:
 *
 *   — <key name> base64(32-bit big-endian key id || signature)
 *
 * (em dash U+2014, space, name, space, base64).
 */

export const SIGNATURE_PREFIX = '\u2014 ';

export interface SignatureLine {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the key id. */
  readonly signature: Uint8Array;
}

export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError('MALFORMED_KEY', `key name ${JSON.stringify(name)}: expected a non-empty name with no spaces and no '+'`);
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, keyId >>> 0, false);
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(concatBytes(id, signature))}`;
}

/** Parses one line (without its newline); `where` says which line, for the error. */
export function parseSignatureLine(line: string, where: string): SignatureLine {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new NoteError('MALFORMED_NOTE', `${where}: expected a signature line beginning with an em dash and a space, got ${JSON.stringify(line.slice(0, 40))}`);
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const encoded = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name)) throw new NoteError('MALFORMED_NOTE', `${where}: key name ${JSON.stringify(name)} is empty or has a '+'`);
  const bytes = decodeBase64(encoded);
  if (bytes === undefined || encoded === '') {
    throw new NoteError('MALFORMED_NOTE', `${where}: the signature of ${name} is not standard base64 (or the name holds a space)`);
  }
  if (bytes.length < 5) throw new NoteError('MALFORMED_NOTE', `${where}: the signature of ${name} has ${bytes.length} bytes; expected a 4-byte key id and a signature`);
  const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  return { name, keyId, signature: bytes.subarray(4) };
}
