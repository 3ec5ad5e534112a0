import { decodeBase64, encodeBase64 } from './bytes.ts';
import { checkCosignature } from './cosignature.ts';
import { ED25519_COSIGNATURE, formatKeyId, type Signer, type Verifier } from './keys.ts';
import { NoteError } from './note-error.ts';
import { noteText } from './note-text.ts';
import { openNote, signNote } from './note.ts';

/**
 * C2SP tlog-checkpoint: the note text of a log's signed tree head, at least three non-empty lines
 *
 *   <origin>\n<tree size, decimal, no leading zeroes>\n<base64 RFC 6962 root hash>\n[<extension>\n]*
 *
 * Stricter than transparency-dev/formats, as C2SP asks: the root is a 32-byte SHA-256 hash,
 * extension lines are non-empty, and the size has no leading zeroes; and, since sizes are kept as
 * numbers, a size above Number.MAX_SAFE_INTEGER is refused. A parsed body formats back to itself
 * byte for byte.
 */

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** The 32-byte root hash. */
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The checkpoint body, as signed. */
  readonly text: string;
  /** Verified signatures by known cosigners; time is null for plain Ed25519 (0x01) signatures. */
  readonly cosignatures: readonly { readonly name: string; readonly keyId: number; readonly time: number | null }[];
}

const SIZE = /^(?:0|[1-9][0-9]*)$/;
const UINT64_MAX = (1n << 64n) - 1n;

export function formatCheckpoint(c: Checkpoint): string {
  const bad = (problem: string) => new NoteError('MALFORMED_CHECKPOINT', `checkpoint ${problem}`);
  if (c.origin === '' || c.origin.includes('\n')) throw bad('origin: expected a non-empty single line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw bad(`size: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${c.size}`);
  if (c.root.length !== 32) throw bad(`root: expected a 32-byte hash, got ${c.root.length} bytes`);
  c.extensions.forEach((e, i) => {
    if (e === '' || e.includes('\n')) throw bad(`extension ${i + 1}: expected a non-empty single line`);
  });
  const body = [c.origin, String(c.size), encodeBase64(c.root), ...c.extensions].map((line) => `${line}\n`).join('');
  asNoteText(body);
  return body;
}

export function parseCheckpoint(body: string): Checkpoint {
  const bad = (problem: string) => new NoteError('MALFORMED_CHECKPOINT', `checkpoint ${problem}`);
  asNoteText(body);
  if (!body.endsWith('\n')) throw bad('body: expected it to end in a newline');
  const lines = body.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || size === undefined || root === undefined) {
    throw bad(`body: expected at least 3 lines (origin, tree size, root hash), got ${lines.length}`);
  }
  if (origin === '') throw bad('origin (line 1): expected a non-empty line');
  if (!SIZE.test(size)) throw bad(`size (line 2): expected a decimal number with no sign and no leading zeroes, got ${JSON.stringify(size.slice(0, 30))}`);
  if (size.length > 20 || BigInt(size) > UINT64_MAX) throw bad(`size (line 2): ${size} is above the uint64 maximum ${UINT64_MAX}`);
  if (Number(size) > Number.MAX_SAFE_INTEGER) throw bad(`size (line 2): ${size} is above ${Number.MAX_SAFE_INTEGER}, the largest tree this implementation keeps`);
  const hash = decodeBase64(root);
  if (hash === undefined) throw bad(`root hash (line 3): expected standard base64, got ${JSON.stringify(root.slice(0, 60))}`);
  if (hash.length !== 32) throw bad(`root hash (line 3): expected a 32-byte SHA-256 hash, got ${hash.length} bytes`);
  const empty = extensions.indexOf('');
  if (empty >= 0) throw bad(`extension line ${empty + 4}: extension lines must be non-empty`);
  return { origin, size: Number(size), root: hash, extensions };
}

/** The checkpoint signed by the log's Ed25519 note key, whose name must be the origin. */
export function signCheckpoint(c: Checkpoint, signer: Signer): string {
  if (signer.name !== c.origin) {
    throw new NoteError('ORIGIN_MISMATCH', `checkpoint origin ${JSON.stringify(c.origin)}: expected the log key's name ${JSON.stringify(signer.name)}`);
  }
  return signNote(formatCheckpoint(c), [signer]);
}

/**
 * Opens a signed checkpoint: the log's signature is required, the body must be a checkpoint whose
 * origin is `origin` (by default the log key's name, as C2SP recommends; sum.golang.org differs),
 * and every signature by a known cosigner must verify — tlog-cosignature/v1 for 0x04 keys, a plain
 * note signature for 0x01 keys. Signatures by unknown keys are ignored.
 */
export function openCheckpoint(
  signed: string | Uint8Array,
  logVerifier: Verifier,
  cosigners: readonly Verifier[] = [],
  options: { readonly origin?: string } = {},
): OpenedCheckpoint {
  const timestamped = cosigners.filter((v) => v.type === ED25519_COSIGNATURE);
  const plain = cosigners.filter((v) => v.type !== ED25519_COSIGNATURE);
  const opened = openNote(signed, [logVerifier, ...plain]);
  const isLog = (s: { name: string; keyId: number }) => s.name === logVerifier.name && s.keyId === logVerifier.keyId;
  if (!opened.verified.some(isLog)) {
    throw new NoteError('UNVERIFIED', `checkpoint: no signature by the log key ${logVerifier.name}+${formatKeyId(logVerifier.keyId)}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  const origin = options.origin ?? logVerifier.name;
  if (checkpoint.origin !== origin) {
    throw new NoteError('ORIGIN_MISMATCH', `checkpoint origin ${JSON.stringify(checkpoint.origin)}: expected ${JSON.stringify(origin)}`);
  }
  const cosignatures: { name: string; keyId: number; time: number | null }[] = [];
  for (const s of opened.verified) if (!isLog(s)) cosignatures.push({ name: s.name, keyId: s.keyId, time: null });
  for (const s of opened.unverified) {
    const verifier = timestamped.find((v) => v.name === s.name && v.keyId === s.keyId);
    if (verifier === undefined) continue;
    const { time } = checkCosignature(opened.text, s.signature, verifier);
    if (!cosignatures.some((c) => c.name === s.name && c.keyId === s.keyId)) cosignatures.push({ name: s.name, keyId: s.keyId, time });
  }
  return { checkpoint, text: opened.text, cosignatures };
}

function asNoteText(body: string): void {
  try {
    noteText(body, 'checkpoint body');
  } catch (cause) {
    throw new NoteError('MALFORMED_CHECKPOINT', (cause as Error).message, { cause });
  }
}
