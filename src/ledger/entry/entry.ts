import * as crypto from 'node:crypto';
import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { formatKeyId } from '../note/index.ts';
import { isEntryType, ENTRY_TYPES, type EntryType } from './entry-type.ts';

/**
 * An entry of the shared log: what was recorded (type), by whom (the party, and the id of the key
 * it signed with), when, which earlier entry it corrects (nothing is ever deleted), and the salted
 * commitment to its payload — never the payload itself. The party signs the body; the leaf of the
 * Merkle tree is the signed entry, so the log commits to the party's signature too.
 *
 *   signed message = "portcullis/ledger-entry/v1\n" ‖ RFC 8785 JSON of {v: 1, …body}
 *   leaf input     = RFC 8785 JSON of {v: 1, …body, signature}
 */
export interface EntryBody {
  readonly type: EntryType;
  /** The party that made the entry: the name of its signed-note key. */
  readonly party: string;
  /** The signing key's id, as 8 lower-case hex digits (the key hint of C2SP signed-note). */
  readonly keyId: string;
  /** ISO 8601 UTC, as the party states it. */
  readonly time: string;
  /** The index of the entry this one corrects, or null. */
  readonly corrects: number | null;
  /** base64 SHA-256(salt ‖ canonical payload). */
  readonly commitment: string;
}

export interface Entry extends EntryBody {
  /** base64 of the party's 64-byte Ed25519 signature over the signed message. */
  readonly signature: string;
}

/** Who signs an entry (a signed-note Ed25519 signer fits). */
export interface EntrySigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

/** Who checks a party's signature (a signed-note Ed25519 verifier fits). */
export interface EntryVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

const CONTEXT = 'portcullis/ledger-entry/v1\n';
const encoder = new TextEncoder();

/*
 * The RFC 8785 text of an entry is written out directly, its members in the canonical order
 * (commitment, corrects, keyId, party, signature, time, type, v — sorted by UTF-16 code units):
 * for strings and safe integers RFC 8785's serialisation is ECMAScript's JSON.stringify, and this is
 * several times faster than the general canonicaliser, which ledger verification feels at millions
 * of entries. A test holds it equal to canonicalJson of the same object.
 */
const str = JSON.stringify;
const corrects = (c: number | null) => (c === null ? 'null' : String(c));

export function signedMessage(body: EntryBody): Uint8Array {
  const { type, party, keyId, time, commitment } = body;
  return encoder.encode(`${CONTEXT}{"commitment":${str(commitment)},"corrects":${corrects(body.corrects)},"keyId":${str(keyId)},"party":${str(party)},"time":${str(time)},"type":${str(type)},"v":1}`);
}

/** The canonical text of the entry: what the tree's leaf hashes. */
export function leafText(e: Entry): string {
  const { type, party, keyId, time, commitment, signature } = e;
  return `{"commitment":${str(commitment)},"corrects":${corrects(e.corrects)},"keyId":${str(keyId)},"party":${str(party)},"signature":${str(signature)},"time":${str(time)},"type":${str(type)},"v":1}`;
}

export function leafInput(e: Entry): Uint8Array {
  return encoder.encode(leafText(e));
}

/**
 * RFC 9162's leaf hash of the entry, SHA-256(0x00 ‖ leaf text), hashed straight from the text (the
 * NUL character is the 0x00 byte in UTF-8): what `leafHash(leafInput(e))` gives, without copies.
 */
export function entryLeafHash(e: Entry): Uint8Array {
  const text = `\u0000${leafText(e)}`;
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', text, 'buffer') : crypto.createHash('sha256').update(text, 'utf8').digest();
}

export function signEntry(body: Omit<EntryBody, 'party' | 'keyId'>, signer: EntrySigner): Entry {
  const full: EntryBody = { ...body, party: signer.name, keyId: formatKeyId(signer.keyId) };
  const entry = { ...full, signature: Buffer.from(signer.sign(signedMessage(full))).toString('base64') };
  return checkEntry(entry);
}

/** Whether the entry's signature is the named party's, by this key. */
export function entrySignatureValid(e: Entry, verifier: EntryVerifier): boolean {
  if (verifier.name !== e.party || formatKeyId(verifier.keyId) !== e.keyId) return false;
  const sig = Buffer.from(e.signature, 'base64');
  return sig.length === 64 && verifier.verify(signedMessage(e), sig);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const B64_32 = /^[A-Za-z0-9+/]{43}=$/;
const B64_64 = /^[A-Za-z0-9+/]{86}==$/;
const NAME = /^[^\s+]{1,128}$/u;

/**
 * Checks an entry as a party submits it (parsed JSON): every field present, of its type and form.
 * Refuses with INVALID_INPUT naming each bad field and what was expected.
 */
export function checkEntry(o: unknown): Entry {
  const problems: ErrorDetail[] = [];
  const e = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
  const bad = (field: string, problem: string, expected: string) => problems.push({ field, problem, expected });
  if (typeof o !== 'object' || o === null || Array.isArray(o)) bad('(entry)', 'not an object', 'a JSON object');
  if (!isEntryType(e.type)) bad('type', JSON.stringify(e.type) ?? 'missing', `one of ${ENTRY_TYPES.join(', ')}`);
  if (typeof e.party !== 'string' || !NAME.test(e.party)) bad('party', JSON.stringify(e.party) ?? 'missing', 'a key name: 1 to 128 characters, no spaces or "+"');
  if (typeof e.keyId !== 'string' || !/^[0-9a-f]{8}$/.test(e.keyId)) bad('keyId', JSON.stringify(e.keyId) ?? 'missing', '8 lower-case hex digits');
  if (typeof e.time !== 'string' || !ISO_UTC.test(e.time) || Number.isNaN(Date.parse(e.time))) bad('time', JSON.stringify(e.time) ?? 'missing', 'an ISO 8601 UTC time such as 2026-03-01T08:30:00Z');
  if (!(e.corrects === null || (Number.isSafeInteger(e.corrects) && (e.corrects as number) >= 0))) bad('corrects', JSON.stringify(e.corrects) ?? 'missing', 'null or the index of an earlier entry');
  if (typeof e.commitment !== 'string' || !B64_32.test(e.commitment)) bad('commitment', JSON.stringify(e.commitment) ?? 'missing', 'base64 of a 32-byte SHA-256 hash');
  if (typeof e.signature !== 'string' || !B64_64.test(e.signature)) bad('signature', e.signature === undefined ? 'missing' : 'not base64 of 64 bytes', 'base64 of a 64-byte Ed25519 signature');
  const extra = Object.keys(e).filter((k) => !['v', 'type', 'party', 'keyId', 'time', 'corrects', 'commitment', 'signature'].includes(k));
  if (extra.length > 0) bad(extra[0]!, 'not a field of an entry', 'only v, type, party, keyId, time, corrects, commitment, signature');
  if (e.v !== undefined && e.v !== 1) bad('v', JSON.stringify(e.v), '1');
  if (problems.length > 0) throw new PortcullisError('INVALID_INPUT', `the ledger entry is malformed: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, problems);
  const { type, party, keyId, time, corrects, commitment, signature } = e as unknown as Entry;
  return { type, party, keyId, time, corrects, commitment, signature };
}
