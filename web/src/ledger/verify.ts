/**
 * Checks a ledger inclusion proof bundle in the browser, with the log's public key alone: the same
 * checks as the server's src/ledger/proof/bundle.ts `checkBundle`, re-written small for the web
 * layer (which may import nothing of ours), on WebCrypto (SHA-256, Ed25519) instead of node:crypto.
 *
 *   1. format      the bundle is a 'portcullis-inclusion-proof/v1' object, every field well formed
 *   2. checkpoint  the checkpoint note is signed by the log key (C2SP signed-note), and its body is a
 *                  C2SP tlog-checkpoint whose origin is the log key's name
 *   3. inclusion   the entry's RFC 9162 leaf hash leads by the audit path to the checkpoint's root
 *   4. payload     when the bundle holds the payload and salt: SHA-256(salt ‖ payload) is the
 *                  entry's commitment
 *
 * Inputs, as the API gives them (src/api/routes/ledger.ts):
 *   - GET /api/v1/ledger/key answers text/plain: the verifier key `name+keyid+base64(0x01 ‖ key)`
 *     followed by one newline; pass the response text as it comes (surrounding whitespace is trimmed).
 *   - GET /api/v1/ledger/entries/:index/proof answers the bundle as JSON (with the payload, for a
 *     caller allowed to see the entry); pass the parsed JSON.
 *
 * WebCrypto exists only in secure contexts (https:, or http://localhost), and Ed25519 in it only in
 * recent browsers (Chrome 137, Firefox 129, Safari 17) and Node ≥ 18.4: without it the checkpoint
 * step fails with a message saying so.
 */

export type BundleStep = 'format' | 'checkpoint' | 'inclusion' | 'payload';

export type BundleResult =
  | {
      readonly ok: true;
      readonly index: number;
      /** The size of the tree the checkpoint signs. */
      readonly size: number;
      /** The checkpoint's root hash, base64. */
      readonly root: string;
      readonly origin: string;
      /** true when the bundle's payload matched the entry's commitment; null when it held none. */
      readonly payload: boolean | null;
    }
  | { readonly ok: false; readonly step: BundleStep; readonly message: string };

/** A failed check; verifyProofBundle turns it into a result naming the step. */
export class LedgerVerifyError extends Error {
  override readonly name = 'LedgerVerifyError';
}

/** Throws the failure of a check (a declared function, so that TypeScript narrows after a call). */
function fail(message: string): never {
  throw new LedgerVerifyError(message);
}

type Bytes = Uint8Array<ArrayBuffer>;
/**
 * WebCrypto's types, named through globalThis so that this file type-checks both with the DOM lib
 * (the web app) and with Node's types (the tests, under the root tsconfig).
 */
type Subtle = typeof globalThis.crypto.subtle;
export type PublicKey = Awaited<ReturnType<Subtle['importKey']>>;

// ───────────────────────────── bytes ─────────────────────────────

/** Standard base64 with padding (RFC 4648 §4). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The bytes `text` encodes, or undefined unless it is canonical standard base64: atob accepts
 * missing padding and stray bits in the last character, and one value must have one text (as the
 * server's note/bytes.ts decodeBase64 requires).
 */
export function decodeBase64(text: string): Bytes | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return encodeBase64(bytes) === text ? bytes : undefined;
}

const utf8 = (text: string): Bytes => new TextEncoder().encode(text);

function concat(parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ───────────────────────────── WebCrypto ─────────────────────────────

/** crypto.subtle, or a clear failure where the page has none (an insecure context). */
function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) fail('WebCrypto (crypto.subtle) is not available: browsers give it only to pages served over https or from localhost');
  return s;
}

export async function sha256(...parts: readonly Uint8Array[]): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', concat(parts)));
}

/** Whether this runtime's WebCrypto verifies Ed25519 (a UI may say so before anyone tries). */
export async function supportsEd25519(): Promise<boolean> {
  try {
    await subtle().importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

// ───────────────────────────── RFC 9162 Merkle tree ─────────────────────────────

export const HASH_SIZE = 32;

/** RFC 9162 §2.1.1: a leaf is SHA-256(0x00 ‖ input), an interior node SHA-256(0x01 ‖ left ‖ right). */
export const leafHash = (input: Uint8Array): Promise<Bytes> => sha256(Uint8Array.of(0x00), input);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Bytes> => sha256(Uint8Array.of(0x01), left, right);

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * The root an inclusion proof leads to, by RFC 9162 §2.1.3.2 on plain numbers ("right-shift" is
 * ⌊x / 2⌋, exact past 32 bits, unlike >>). Refuses an index outside the tree, hashes that are not 32
 * bytes, and a proof longer or shorter than the path of this leaf in a tree of this size.
 */
export async function rootFromInclusionProof(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  if (!isCount(size)) fail(`tree size ${size} is not a whole number from 0 to 2^53 − 1`);
  if (!isCount(index)) fail(`leaf index ${index} is not a whole number from 0 to 2^53 − 1`);
  if (index >= size) fail(`leaf index ${index} is not below the tree size ${size}`);
  if (leaf.length !== HASH_SIZE) fail(`the leaf hash has ${leaf.length} bytes, expected ${HASH_SIZE}`);
  proof.forEach((p, i) => {
    if (p.length !== HASH_SIZE) fail(`proof hash ${i} has ${p.length} bytes, expected ${HASH_SIZE}`);
  });
  const tooLong = () => fail(`the proof has ${proof.length} hashes, more than leaf ${index} of a tree of ${size} needs`);
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) tooLong();
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail(`the proof has ${proof.length} hashes, fewer than leaf ${index} of a tree of ${size} needs`);
  return r;
}

/** Resolves when `leaf` is leaf `index` of the tree of `size` leaves whose root is `root`; rejects (LedgerVerifyError) otherwise. */
export async function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<void> {
  if (root.length !== HASH_SIZE) fail(`the root has ${root.length} bytes, expected ${HASH_SIZE}`);
  const computed = await rootFromInclusionProof(leaf, index, size, proof);
  if (!equalBytes(computed, root)) fail(`the audit path of leaf ${index} in a tree of ${size} leads to another root`);
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1` (nothing in the first was changed or removed), by the
 * consistency proof the log gave. Sizes are carried as BigInt: the shifts of the algorithm would
 * wrap at 2^31 as JavaScript numbers. Rejects with LedgerVerifyError.
 */
export async function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): Promise<void> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) fail(`no consistency from a tree of ${size1} to one of ${size2} entries: a log only grows`);
  // Every tree extends the empty one: there is nothing to prove, and a proof "from 0" is refused
  // (as transparency-dev/merkle and the server's own verifier refuse it).
  if (size1 === 0) fail('a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) fail(`trees of the same size need an empty consistency proof, not ${proof.length} hashes`);
    if (!equalBytes(root1, root2)) fail(`two trees of ${size1} entries with different roots: the log was changed`);
    return;
  }
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) fail(`a root has ${root1.length === HASH_SIZE ? root2.length : root1.length} bytes, expected ${HASH_SIZE}`);
  for (const [i, p] of proof.entries()) if (p.length !== HASH_SIZE) fail(`proof hash ${i} has ${p.length} bytes, expected ${HASH_SIZE}`);
  if (proof.length === 0) fail(`an empty consistency proof from ${size1} to ${size2} entries`);
  let fn = BigInt(size1) - 1n;
  let sn = BigInt(size2) - 1n;
  const path = [...proof];
  // A first tree that is a complete subtree is its own first node.
  if ((BigInt(size1) & (BigInt(size1) - 1n)) === 0n) path.unshift(root1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) fail(`the consistency proof from ${size1} to ${size2} entries has hashes left over`);
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) fail(`the consistency proof from ${size1} to ${size2} entries is too short`);
  if (!equalBytes(fr, root1)) fail(`the consistency proof does not lead to the root of the tree of ${size1} entries: the log was changed`);
  if (!equalBytes(sr, root2)) fail(`the consistency proof does not lead to the root of the tree of ${size2} entries`);
}

// ───────────────────────────── C2SP signed notes ─────────────────────────────

/** At most this many signature lines (as the server and Go's sumdb/note). */
export const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_NOTE = 0x01;

/** Unicode spaces, as Go's unicode.IsSpace: none may be in a key name. */
const SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000B-\u001F]/u;
const LONE_SURROGATE = /\p{Surrogate}/u;

const isKeyName = (name: string) => name.length > 0 && !name.includes('+') && !SPACE.test(name) && !LONE_SURROGATE.test(name);
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** An Ed25519 note verifier key (type 0x01), its id checked against the key, imported into WebCrypto. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  readonly key: PublicKey;
}

/**
 * Reads a verifier key `<name>+<8 hex digit key id>+base64(0x01 ‖ 32-byte Ed25519 public key)`.
 * The key id must be the first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key), so a
 * key cannot be passed off under another key's id.
 */
export async function parseVerifierKey(vkey: string): Promise<NoteVerifier> {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) fail('the log key is not <name>+<8 hex digits>+<base64 key>');
  const name = vkey.slice(0, first);
  const id = vkey.slice(first + 1, second);
  if (!isKeyName(name)) fail(`the log key's name ${JSON.stringify(name)} is empty or holds a space`);
  if (!/^[0-9a-fA-F]{8}$/.test(id)) fail(`the log key ${name}: key id ${JSON.stringify(id)} is not 8 hex digits`);
  const material = decodeBase64(vkey.slice(second + 1));
  if (material === undefined) fail(`the log key ${name}: the key is not standard base64`);
  const type = material[0];
  if (type !== ED25519_NOTE) fail(`the log key ${name} has type ${type === undefined ? 'none' : `0x${type.toString(16).padStart(2, '0')}`}; a checkpoint is signed with an Ed25519 note key (0x01)`);
  const publicKey = material.slice(1);
  if (publicKey.length !== 32) fail(`the log key ${name}: expected a 32-byte Ed25519 key, got ${publicKey.length} bytes`);
  const digest = await sha256(utf8(name), Uint8Array.of(0x0a, ED25519_NOTE), publicKey);
  const keyId = new DataView(digest.buffer).getUint32(0, false);
  if (Number.parseInt(id, 16) !== keyId) fail(`the log key ${name}: key id ${id} does not match the key (expected ${hex8(keyId)})`);
  let key: PublicKey;
  try {
    key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e instanceof LedgerVerifyError) throw e;
    if ((e as { name?: unknown }).name === 'NotSupportedError') fail("this browser's WebCrypto does not verify Ed25519 signatures, so the checkpoint cannot be checked here (Chrome 137+, Firefox 129+ or Safari 17+ do)");
    fail(`the log key ${name}: the public key is not an Ed25519 key (${String(e)})`);
  }
  return { name, keyId, publicKey, key };
}

/** The note as text, refusing invalid UTF-8, lone surrogates, and control characters but newline. */
function noteText(input: string | Uint8Array): string {
  let text: string;
  if (typeof input === 'string') {
    if (LONE_SURROGATE.test(input)) fail('the signed note is not valid UTF-8: it holds a lone surrogate');
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      return fail('the signed note is not valid UTF-8');
    }
  }
  const control = CONTROL.exec(text);
  if (control !== null) fail(`the signed note holds the control character 0x${control[0].charCodeAt(0).toString(16).padStart(2, '0')} at offset ${control.index}; only newline is allowed`);
  return text;
}

interface SignatureLine {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Bytes;
}

/** One signature line, without its newline: `— <name> base64(4-byte big-endian key id ‖ signature)`. */
function parseSignatureLine(line: string, n: number): SignatureLine {
  if (!line.startsWith(SIGNATURE_PREFIX)) fail(`signature line ${n} does not begin with an em dash and a space: ${JSON.stringify(line.slice(0, 40))}`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const encoded = space < 0 ? '' : rest.slice(space + 1);
  if (!isKeyName(name)) fail(`signature line ${n}: key name ${JSON.stringify(name)} is empty or holds a '+'`);
  const bytes = encoded === '' ? undefined : decodeBase64(encoded);
  if (bytes === undefined) fail(`signature line ${n}: the signature of ${name} is not standard base64 (or the name holds a space)`);
  if (bytes.length < 5) fail(`signature line ${n}: the signature of ${name} has ${bytes.length} bytes; expected a 4-byte key id and a signature`);
  return { name, keyId: new DataView(bytes.buffer).getUint32(0, false), signature: bytes.slice(4) };
}

export interface OpenedNote {
  /** The signed text: everything before the last blank line, with its final newline. */
  readonly text: string;
  readonly verified: readonly { readonly name: string; readonly keyId: number }[];
  /** Signatures by keys not given, which are ignored. */
  readonly unverified: readonly { readonly name: string; readonly keyId: number }[];
}

/**
 * Opens a C2SP signed note, as the server's note.ts (and Go's sumdb/note.Open): the text ends at
 * the last blank line; each signature line that names a given key (name and key id) must verify,
 * with Ed25519 over the text's UTF-8 bytes including its final newline; lines of other keys are
 * ignored; at least one signature must verify. Rejects with LedgerVerifyError.
 */
export async function openNote(signed: string | Uint8Array, verifiers: readonly NoteVerifier[]): Promise<OpenedNote> {
  const note = noteText(signed);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) fail('the signed note has no blank line between its text and its signatures');
  const block = note.slice(split + 2);
  if (block === '') fail('the signed note has no signature line after its blank line');
  if (!block.endsWith('\n')) fail("the signed note's last signature line does not end in a newline");
  const raw = block.slice(0, -1).split('\n');
  if (raw.length > MAX_SIGNATURES) fail(`the signed note has ${raw.length} signature lines; at most ${MAX_SIGNATURES} are accepted`);
  const lines = raw.map((line, i) => parseSignatureLine(line, i + 1));
  const text = note.slice(0, split + 1);

  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name}+${hex8(v.keyId)}`;
    const other = known.get(id);
    if (other !== undefined && !equalBytes(other.publicKey, v.publicKey)) fail(`two different keys are both named ${id}`);
    known.set(id, v);
  }
  const message = utf8(text);
  const verified: { name: string; keyId: number }[] = [];
  const unverified: { name: string; keyId: number }[] = [];
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const id = `${line.name}+${hex8(line.keyId)}`;
    const verifier = known.get(id);
    if (verifier === undefined) {
      const exact = `${id} ${encodeBase64(line.signature)}`;
      if (!seen.has(exact)) unverified.push({ name: line.name, keyId: line.keyId });
      seen.add(exact);
      continue;
    }
    const good = line.signature.length === 64 && (await subtle().verify({ name: 'Ed25519' }, verifier.key, line.signature, message));
    if (!good) fail(`signature line ${i + 1}: the signature by ${id} does not verify over the note text`);
    if (!seen.has(id)) verified.push({ name: line.name, keyId: line.keyId });
    seen.add(id);
  }
  if (verified.length === 0) {
    const by = lines.map((l) => `${l.name}+${hex8(l.keyId)}`).join(', ');
    fail(`the note has no signature by ${[...known.keys()].join(' or ') || 'a known key'} (it is signed by ${by})`);
  }
  return { text, verified, unverified };
}

// ───────────────────────────── C2SP tlog-checkpoint ─────────────────────────────

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
}

/**
 * Parses a checkpoint body `<origin>\n<size>\n<base64 root>\n[<extension>\n]*` as strictly as the
 * server's note/checkpoint.ts: a non-empty origin, a decimal size with no sign or leading zero (and,
 * kept as a number, at most 2^53 − 1), a 32-byte root in canonical base64, non-empty extensions.
 */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) fail('the checkpoint body does not end in a newline');
  const lines = body.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || size === undefined || root === undefined) return fail(`the checkpoint body has ${lines.length} lines; expected at least 3 (origin, tree size, root hash)`);
  if (origin === '') fail('the checkpoint origin (line 1) is empty');
  if (!/^(?:0|[1-9][0-9]*)$/.test(size)) fail(`the checkpoint size (line 2) is not a decimal number with no sign and no leading zeroes: ${JSON.stringify(size.slice(0, 30))}`);
  // The length guard keeps an absurd line out of BigInt.
  if (size.length > 20 || BigInt(size) > (1n << 64n) - 1n) fail(`the checkpoint size (line 2) ${size.slice(0, 30)} is above the uint64 maximum`);
  if (Number(size) > Number.MAX_SAFE_INTEGER) fail(`the checkpoint size (line 2) ${size} is above ${Number.MAX_SAFE_INTEGER}, the largest tree this verifier handles`);
  const hash = decodeBase64(root);
  if (hash === undefined) fail(`the checkpoint root hash (line 3) is not standard base64: ${JSON.stringify(root.slice(0, 60))}`);
  if (hash.length !== HASH_SIZE) fail(`the checkpoint root hash (line 3) has ${hash.length} bytes; expected a 32-byte SHA-256 hash`);
  const empty = extensions.indexOf('');
  if (empty >= 0) fail(`the checkpoint extension line ${empty + 4} is empty`);
  return { origin, size: Number(size), root: hash, extensions };
}

// ───────────────────────────── ledger entries ─────────────────────────────

/**
 * The entry types of src/ledger/entry/entry-type.ts. The list is closed there: an entry of another
 * type is not one this log writes (a test keeps the two lists equal).
 */
export const ENTRY_TYPES: readonly string[] = [
  'declaration.filed',
  'declaration.amended',
  'movement.recorded',
  'telemetry.recorded',
  'telemetry.series',
  'decision.made',
  'inspection.recorded',
  'rule.changed',
  'model.changed',
  'alert.raised',
  'privileged.action',
];

/** A signed ledger entry, as in a bundle: the party's statement, never its payload. */
export interface SignedEntry {
  readonly type: string;
  readonly party: string;
  readonly keyId: string;
  readonly time: string;
  readonly corrects: number | null;
  readonly commitment: string;
  readonly signature: string;
}

const ENTRY_FIELDS = ['v', 'type', 'party', 'keyId', 'time', 'corrects', 'commitment', 'signature'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const B64_32 = /^[A-Za-z0-9+/]{43}=$/;
const B64_64 = /^[A-Za-z0-9+/]{86}==$/;

/**
 * Checks an entry's fields as the server's entry.ts checkEntry does. Unknown fields are refused:
 * the leaf hashes only the known ones, so anything else in the bundle would be shown unverified.
 */
export function checkEntry(o: unknown): SignedEntry {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('the entry is not a JSON object');
  const e = o as Record<string, unknown>;
  const problems: string[] = [];
  const bad = (field: string, expected: string) => problems.push(`entry.${field} is ${JSON.stringify(e[field]) ?? 'missing'}; expected ${expected}`);
  if (typeof e.type !== 'string' || !ENTRY_TYPES.includes(e.type)) bad('type', `one of ${ENTRY_TYPES.join(', ')}`);
  if (typeof e.party !== 'string' || !/^[^\s+]{1,128}$/u.test(e.party)) bad('party', 'a key name: 1 to 128 characters, no spaces or "+"');
  if (typeof e.keyId !== 'string' || !/^[0-9a-f]{8}$/.test(e.keyId)) bad('keyId', '8 lower-case hex digits');
  if (typeof e.time !== 'string' || !ISO_UTC.test(e.time) || Number.isNaN(Date.parse(e.time))) bad('time', 'an ISO 8601 UTC time such as 2026-03-01T08:30:00Z');
  if (!(e.corrects === null || (typeof e.corrects === 'number' && isCount(e.corrects)))) bad('corrects', 'null or the index of an earlier entry');
  if (typeof e.commitment !== 'string' || !B64_32.test(e.commitment)) bad('commitment', 'base64 of a 32-byte SHA-256 hash');
  if (typeof e.signature !== 'string' || !B64_64.test(e.signature)) bad('signature', 'base64 of a 64-byte Ed25519 signature');
  if (e.v !== undefined && e.v !== 1) bad('v', '1 (or absent)');
  const extra = Object.keys(e).filter((k) => !ENTRY_FIELDS.includes(k));
  if (extra.length > 0) problems.push(`entry.${extra[0]} is not a field of an entry; expected only ${ENTRY_FIELDS.join(', ')}`);
  if (problems.length > 0) fail(problems.join('; '));
  const { type, party, keyId, time, corrects, commitment, signature } = e as unknown as SignedEntry;
  return { type, party, keyId, time, corrects, commitment, signature };
}

/**
 * The text the tree's leaf hashes: RFC 8785 JSON of {v: 1, …entry}, members in code-unit order,
 * exactly as src/ledger/entry/entry.ts leafText writes it (for strings and safe integers RFC 8785
 * is JSON.stringify).
 */
export function leafText(e: SignedEntry): string {
  const s = JSON.stringify;
  const corrects = e.corrects === null ? 'null' : String(e.corrects);
  return `{"commitment":${s(e.commitment)},"corrects":${corrects},"keyId":${s(e.keyId)},"party":${s(e.party)},"signature":${s(e.signature)},"time":${s(e.time)},"type":${s(e.type)},"v":1}`;
}

/** RFC 9162 leaf hash of the entry: SHA-256(0x00 ‖ UTF-8 leaf text). */
export const entryLeafHash = (e: SignedEntry): Promise<Bytes> => leafHash(utf8(leafText(e)));

/** The salt of a payload commitment, in bytes (src/ledger/entry/commitment.ts SALT_BYTES). */
export const SALT_BYTES = 32;

/** base64 SHA-256(salt ‖ UTF-8 payload JSON): the entry's commitment to its payload. */
export const commitmentOf = async (json: string, salt: Uint8Array): Promise<string> => encodeBase64(await sha256(salt, utf8(json)));

// ───────────────────────────── the bundle ─────────────────────────────

export const BUNDLE_FORMAT = 'portcullis-inclusion-proof/v1';

interface Bundle {
  readonly index: number;
  readonly entry: SignedEntry;
  readonly checkpoint: string;
  readonly proof: readonly Bytes[];
  readonly payload: { readonly json: string; readonly salt: string } | undefined;
}

/** Step 1: the bundle's shape, every field read into a narrow type. */
function readBundle(o: unknown): Bundle {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('the bundle is not a JSON object');
  const b = o as Record<string, unknown>;
  if (b.format !== BUNDLE_FORMAT) fail(`the bundle's format is ${JSON.stringify(b.format) ?? 'missing'}; expected "${BUNDLE_FORMAT}"`);
  if (typeof b.index !== 'number' || !isCount(b.index)) fail(`the bundle's index is ${JSON.stringify(b.index) ?? 'missing'}; expected the entry index, a whole number from 0`);
  const entry = checkEntry(b.entry);
  if (typeof b.checkpoint !== 'string') fail("the bundle's checkpoint is missing; expected the signed checkpoint note");
  if (!Array.isArray(b.proof)) fail("the bundle's proof is not a list; expected the audit path as base64 SHA-256 hashes");
  const proof = (b.proof as unknown[]).map((h, i) => {
    const bytes = typeof h === 'string' ? decodeBase64(h) : undefined;
    if (bytes === undefined || bytes.length !== HASH_SIZE) fail(`the bundle's proof hash ${i} is ${JSON.stringify(h)}; expected base64 of a 32-byte hash`);
    return bytes;
  });
  let payload: Bundle['payload'];
  if (b.payload !== undefined) {
    const p = b.payload as { json?: unknown; salt?: unknown } | null;
    if (typeof p !== 'object' || p === null || typeof p.json !== 'string' || typeof p.salt !== 'string') fail("the bundle's payload is malformed; expected { json: the payload's canonical JSON text, salt: base64 }");
    payload = { json: p.json as string, salt: p.salt as string };
  }
  return { index: b.index as number, entry, checkpoint: b.checkpoint as string, proof, payload };
}

/** Step 2: the checkpoint, signed by the log key, whose origin is the key's name (as C2SP recommends and the server requires). */
export async function openLogCheckpoint(note: string, logKey: string): Promise<Checkpoint> {
  const log = await parseVerifierKey(logKey.trim());
  let text: string;
  try {
    ({ text } = await openNote(note, [log]));
  } catch (e) {
    if (!(e instanceof LedgerVerifyError)) throw e;
    return fail(`the checkpoint is not signed by the log key ${log.name}+${hex8(log.keyId)}: ${e.message}`);
  }
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== log.name) fail(`the checkpoint's origin is ${JSON.stringify(checkpoint.origin)}; expected the log key's name ${JSON.stringify(log.name)}`);
  return checkpoint;
}

/**
 * Step 4: the payload against the entry's commitment. The salt must be exactly 32 bytes: the hash
 * is over salt ‖ payload with no length between them, so were any salt length accepted, a bundle
 * could move the payload's first bytes into its "salt" and show the rest as the committed payload.
 */
async function checkPayload(p: NonNullable<Bundle['payload']>, entry: SignedEntry): Promise<void> {
  const salt = decodeBase64(p.salt);
  if (salt === undefined || salt.length !== SALT_BYTES) fail(`the payload's salt is not base64 of ${SALT_BYTES} bytes${salt === undefined ? '' : ` (it has ${salt.length})`}`);
  if ((await commitmentOf(p.json, salt)) !== entry.commitment) fail("the payload and salt do not match the entry's commitment: this is not the payload the entry committed to");
}

/**
 * Checks an inclusion proof bundle (the parsed JSON of GET /api/v1/ledger/entries/:index/proof)
 * with the log's verifier key (the text of GET /api/v1/ledger/key). Never rejects: a bundle that
 * fails says at which step and why.
 */
export async function verifyProofBundle(bundle: unknown, logKey: string): Promise<BundleResult> {
  const attempt = async <T>(step: BundleStep, run: () => T | Promise<T>): Promise<{ value: T } | { failed: BundleResult }> => {
    try {
      return { value: await run() };
    } catch (e) {
      const message = e instanceof LedgerVerifyError ? e.message : `unexpected error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      return { failed: { ok: false, step, message } };
    }
  };
  const read = await attempt('format', () => readBundle(bundle));
  if ('failed' in read) return read.failed;
  const b = read.value;
  const opened = await attempt('checkpoint', () => openLogCheckpoint(b.checkpoint, logKey));
  if ('failed' in opened) return opened.failed;
  const cp = opened.value;
  const included = await attempt('inclusion', async () => {
    try {
      await verifyInclusion(await entryLeafHash(b.entry), b.index, cp.size, b.proof, cp.root);
    } catch (e) {
      if (!(e instanceof LedgerVerifyError)) throw e;
      fail(`the proof does not lead from entry ${b.index} to the root of the checkpoint of ${cp.size} entries: ${e.message}`);
    }
  });
  if ('failed' in included) return included.failed;
  if (b.payload !== undefined) {
    const payload = b.payload;
    const committed = await attempt('payload', () => checkPayload(payload, b.entry));
    if ('failed' in committed) return committed.failed;
  }
  return { ok: true, index: b.index, size: cp.size, root: encodeBase64(cp.root), origin: cp.origin, payload: b.payload === undefined ? null : true };
}
