import { utf8 } from './bytes.ts';
import { ED25519_NOTE, formatKeyId, type Signer, type Verifier } from './keys.ts';
import { NoteError } from './note-error.ts';
import { noteText } from './note-text.ts';
import { formatSignatureLine, parseSignatureLine, type SignatureLine } from './signature-line.ts';

/**
 * C2SP signed notes: a text ending in a newline, a blank line, then one or more signature lines
 * (signature-line.ts), each ending in a newline. The text is separated from the signatures by the
 * last blank line, so the text may hold blank lines of its own. Like Go's sumdb/note.Open, opening
 * rejects a note whose signature by a known key (name and key id) fails to verify, ignores
 * signatures by unknown keys, and rejects a note with no verified signature at all.
 */

/** More signature lines than this make a note malformed (C2SP asks verifiers to accept 16). */
export const MAX_SIGNATURES = 100;

export interface OpenedNote {
  readonly text: string;
  readonly verified: readonly { readonly name: string; readonly keyId: number }[];
  readonly unverified: readonly { readonly name: string; readonly keyId: number; readonly signature: Uint8Array }[];
}

/** Signs `text` (which must end in a newline) with Ed25519 note keys (type 0x01). */
export function signNote(text: string, signers: readonly Signer[]): string {
  noteText(text, 'note text');
  if (!text.endsWith('\n')) throw new NoteError('MALFORMED_NOTE', 'note text: expected it to end in a newline');
  if (signers.length === 0 || signers.length > MAX_SIGNATURES) {
    throw new NoteError('MALFORMED_NOTE', `signers: expected 1 to ${MAX_SIGNATURES}, got ${signers.length}`);
  }
  const seen = new Set<string>();
  const message = utf8(text);
  const lines = signers.map((s) => {
    if (s.type !== ED25519_NOTE) throw wrongType(s, 'sign a note');
    const id = `${s.name}+${formatKeyId(s.keyId)}`;
    if (seen.has(id)) throw new NoteError('AMBIGUOUS_KEY', `signers: ${id} is listed twice`);
    seen.add(id);
    return `${formatSignatureLine(s.name, s.keyId, s.sign(message))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Checks the format and the signatures of a signed note, given as a string or as its UTF-8 bytes
 * (bytes are checked to be valid UTF-8). Verifiers must be Ed25519 note keys (type 0x01); a
 * cosigned checkpoint is opened with openCheckpoint.
 */
export function openNote(signed: string | Uint8Array, verifiers: readonly Verifier[]): OpenedNote {
  const known = indexVerifiers(verifiers);
  const { text, lines } = splitNote(signed);
  const message = utf8(text);
  const verified: { name: string; keyId: number }[] = [];
  const unverified: { name: string; keyId: number; signature: Uint8Array }[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const id = `${line.name}+${formatKeyId(line.keyId)}`;
    const verifier = known.get(id);
    if (verifier === undefined) {
      const exact = `${id} ${Buffer.from(line.signature).toString('hex')}`;
      if (!seen.has(exact)) unverified.push({ name: line.name, keyId: line.keyId, signature: line.signature });
      seen.add(exact);
      return;
    }
    if (!verifier.verify(message, line.signature)) {
      throw new NoteError('BAD_SIGNATURE', `signature line ${i + 1}: the signature by the known key ${id} does not verify`);
    }
    if (!seen.has(id)) verified.push({ name: line.name, keyId: line.keyId });
    seen.add(id);
  });
  if (verified.length === 0) {
    const names = lines.map((l) => `${l.name}+${formatKeyId(l.keyId)}`).join(', ');
    throw new NoteError('UNVERIFIED', `the note has no signature by a known key (signed by ${names}; known: ${[...known.keys()].join(', ') || 'none'})`);
  }
  return { text, verified, unverified };
}

/**
 * Adds signature lines (with or without their final newline) to a signed note, e.g. cosignatures
 * gathered for a published checkpoint. Checks the format only; lines already present are skipped.
 */
export function appendSignatures(signed: string, newLines: readonly string[]): string {
  const { lines } = splitNote(signed);
  const present = new Set(signed.slice(signed.lastIndexOf('\n\n') + 2).split('\n'));
  let out = signed;
  let count = lines.length;
  newLines.forEach((raw, i) => {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    noteText(line, `new signature line ${i + 1}`);
    if (line.includes('\n')) throw new NoteError('MALFORMED_NOTE', `new signature line ${i + 1}: expected a single line`);
    parseSignatureLine(line, `new signature line ${i + 1}`);
    if (present.has(line)) return;
    if (++count > MAX_SIGNATURES) throw new NoteError('MALFORMED_NOTE', `the note would have more than ${MAX_SIGNATURES} signatures`);
    present.add(line);
    out += `${line}\n`;
  });
  return out;
}

/** The text and the parsed signature lines of a signed note, checking its format only. */
function splitNote(signed: string | Uint8Array): { text: string; lines: SignatureLine[] } {
  const note = noteText(signed, 'signed note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('MALFORMED_NOTE', 'signed note: expected a blank line between the text and the signatures');
  const block = note.slice(split + 2);
  if (block === '') throw new NoteError('MALFORMED_NOTE', 'signed note: expected at least one signature line after the blank line');
  if (!block.endsWith('\n')) throw new NoteError('MALFORMED_NOTE', 'signed note: expected the last signature line to end in a newline');
  const raw = block.slice(0, -1).split('\n');
  if (raw.length > MAX_SIGNATURES) throw new NoteError('MALFORMED_NOTE', `signed note: ${raw.length} signature lines; at most ${MAX_SIGNATURES} are accepted`);
  return { text: note.slice(0, split + 1), lines: raw.map((line, i) => parseSignatureLine(line, `signature line ${i + 1}`)) };
}

function indexVerifiers(verifiers: readonly Verifier[]): Map<string, Verifier> {
  const known = new Map<string, Verifier>();
  for (const v of verifiers) {
    if (v.type !== ED25519_NOTE) throw wrongType(v, 'verify a note signature');
    const id = `${v.name}+${formatKeyId(v.keyId)}`;
    const other = known.get(id);
    if (other !== undefined && Buffer.compare(other.publicKey, v.publicKey) !== 0) {
      throw new NoteError('AMBIGUOUS_KEY', `verifiers: two different keys are both named ${id}`);
    }
    known.set(id, v);
  }
  return known;
}

function wrongType(key: { name: string; type: number }, what: string): NoteError {
  const type = `0x${key.type.toString(16).padStart(2, '0')}`;
  return new NoteError('WRONG_KEY_TYPE', `key ${key.name} has type ${type}; only Ed25519 note keys (0x01) ${what} (cosignature keys go through cosignature.ts and openCheckpoint)`);
}
