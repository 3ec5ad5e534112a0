import { concatBytes, utf8 } from './bytes.ts';
import { ED25519_COSIGNATURE, formatKeyId, type Signer, type Verifier } from './keys.ts';
import { NoteError } from './note-error.ts';
import { noteText } from './note-text.ts';
import { formatSignatureLine, parseSignatureLine } from './signature-line.ts';

/**
 * C2SP tlog-cosignature/v1 with Ed25519 (key type 0x04). A cosignature is a note signature line
 * on a checkpoint whose signature bytes, after the key id, are a big-endian u64 POSIX timestamp
 * (seconds) and a 64-byte Ed25519 signature over
 *
 *   cosignature/v1\n
 *   time <timestamp in decimal, no leading zeroes>\n
 *   <the whole checkpoint body, extension lines included, with its final newline>
 *
 * The message does not name the cosigner, so a cosigner key must not be shared between cosigners.
 * Times are numbers here, so a timestamp above Number.MAX_SAFE_INTEGER (the spec allows up to
 * 2^63 − 1) is refused rather than rounded.
 */

export interface Cosignature {
  readonly name: string;
  readonly keyId: number;
  /** Seconds since the epoch at which the cosigner signed. */
  readonly time: number;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
}

/** The text a cosigner signs for `checkpointBody` at `time`. */
export function cosignedMessage(checkpointBody: string, time: number): string {
  checkTime(time);
  return `cosignature/v1\ntime ${time}\n${checkpointBody}`;
}

/** The cosignature line (without its final newline) by `signer` over `checkpointBody` at `time`. */
export function cosign(checkpointBody: string, signer: Signer, time: number): string {
  if (signer.type !== ED25519_COSIGNATURE) {
    throw new NoteError('WRONG_KEY_TYPE', `cosigner ${signer.name}: expected an Ed25519 cosignature key (type 0x04), got type 0x${signer.type.toString(16).padStart(2, '0')}`);
  }
  checkTime(time);
  noteText(checkpointBody, 'checkpoint body');
  if (!checkpointBody.endsWith('\n')) throw new NoteError('MALFORMED_NOTE', 'checkpoint body: expected it to end in a newline');
  const signature = signer.sign(utf8(cosignedMessage(checkpointBody, time)));
  return formatSignatureLine(signer.name, signer.keyId, concatBytes(timestampBytes(time), signature));
}

/** The parts of a cosignature line (with or without its final newline), without verifying it. */
export function parseCosignature(line: string): Cosignature {
  let parsed;
  try {
    parsed = parseSignatureLine(line.endsWith('\n') ? line.slice(0, -1) : line, 'cosignature line');
  } catch (cause) {
    throw new NoteError('BAD_COSIGNATURE', (cause as Error).message, { cause });
  }
  return { name: parsed.name, keyId: parsed.keyId, ...splitTimestamped(parsed.signature, parsed.name) };
}

/** Verifies a cosignature line by `verifier` on `checkpointBody`, and says when it was made. */
export function verifyCosignature(checkpointBody: string, line: string, verifier: Verifier): { time: number } {
  const c = parseCosignature(line);
  if (c.name !== verifier.name || c.keyId !== verifier.keyId) {
    throw new NoteError('BAD_COSIGNATURE', `cosignature line: signed by ${c.name}+${formatKeyId(c.keyId)}, expected ${verifier.name}+${formatKeyId(verifier.keyId)}`);
  }
  return verifyParts(checkpointBody, c.time, c.signature, verifier);
}

/** Verifies the signature bytes (after the key id) of a cosignature by `verifier`. */
export function checkCosignature(checkpointBody: string, signature: Uint8Array, verifier: Verifier): { time: number } {
  const { time, signature: ed25519 } = splitTimestamped(signature, verifier.name);
  return verifyParts(checkpointBody, time, ed25519, verifier);
}

function verifyParts(checkpointBody: string, time: number, signature: Uint8Array, verifier: Verifier): { time: number } {
  const who = `${verifier.name}+${formatKeyId(verifier.keyId)}`;
  if (verifier.type !== ED25519_COSIGNATURE) {
    throw new NoteError('BAD_COSIGNATURE', `cosigner ${who}: expected an Ed25519 cosignature key (type 0x04), got type 0x${verifier.type.toString(16).padStart(2, '0')}`);
  }
  if (!verifier.verify(utf8(cosignedMessage(checkpointBody, time)), signature)) {
    throw new NoteError('BAD_COSIGNATURE', `the cosignature by ${who} (time ${time}) does not verify on this checkpoint`);
  }
  return { time };
}

function splitTimestamped(bytes: Uint8Array, name: string): { time: number; signature: Uint8Array } {
  if (bytes.length !== 8 + 64) {
    throw new NoteError('BAD_COSIGNATURE', `cosignature by ${name}: expected an 8-byte timestamp and a 64-byte Ed25519 signature (72 bytes), got ${bytes.length}`);
  }
  const stamp = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
  if (stamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NoteError('BAD_COSIGNATURE', `cosignature by ${name}: timestamp ${stamp} is above ${Number.MAX_SAFE_INTEGER}, the largest this implementation keeps`);
  }
  return { time: Number(stamp), signature: bytes.subarray(8) };
}

function timestampBytes(time: number): Uint8Array {
  const stamp = new Uint8Array(8);
  new DataView(stamp.buffer).setBigUint64(0, BigInt(time), false);
  return stamp;
}

function checkTime(time: number): void {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new NoteError('BAD_COSIGNATURE', `time: expected whole seconds since the epoch from 0 to ${Number.MAX_SAFE_INTEGER}, got ${time}`);
  }
}
