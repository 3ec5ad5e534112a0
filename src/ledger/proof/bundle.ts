import { PortcullisError } from '../../domain/errors.ts';
import { commitCanonical, SALT_BYTES } from '../entry/commitment.ts';
import { checkEntry, entrySignatureValid, leafInput, type Entry, type EntryVerifier } from '../entry/entry.ts';
import { leafHash, verifyInclusion } from '../merkle/index.ts';
import { openCheckpoint, type Checkpoint, type Verifier } from '../note/index.ts';

/**
 * An inclusion proof bundle: everything a party needs to show, offline and to anyone holding the
 * log's public key, that an entry is in the log: the entry, its index, a checkpoint signed by the
 * log (with the cosignatures it had), and the audit path from the entry's leaf to that
 * checkpoint's root. With the payload and its salt (the party's own entry), it also shows what the
 * entry committed to.
 */
export interface ProofBundle {
  readonly format: 'portcullis-inclusion-proof/v1';
  readonly index: number;
  readonly entry: Entry;
  /** The signed checkpoint note, as published. */
  readonly checkpoint: string;
  /** base64 hashes, RFC 9162 order. */
  readonly proof: readonly string[];
  /** The payload (canonical JSON) and its base64 salt, when the bundle is for a party that may see it. */
  readonly payload?: { readonly json: string; readonly salt: string };
}

export interface BundleCheck {
  readonly index: number;
  readonly entry: Entry;
  readonly checkpoint: Checkpoint;
  /** Cosignatures by the witnesses given that verified. */
  readonly cosignedBy: readonly string[];
  /** Whether the payload matched the commitment; null when the bundle has none. */
  readonly payload: boolean | null;
  /** Whether the party's signature verified; null when no party key was given. */
  readonly partySignature: boolean | null;
}

const bad = (field: string, problem: string, expected: string): never => {
  throw new PortcullisError('INVALID_INPUT', `the proof bundle's ${field} ${problem}`, [{ field, problem, expected }]);
};

/**
 * Checks a bundle (parsed JSON) with the log's verifier key, and the party's and witnesses' when
 * given. Throws INVALID_INPUT naming the part that fails: a malformed field, a checkpoint the log
 * did not sign, an audit path that does not lead to its root, a payload that is not the one
 * committed to, a party signature that does not verify.
 */
export function checkBundle(o: unknown, log: Verifier, opts: { party?: EntryVerifier; witnesses?: readonly Verifier[] } = {}): BundleCheck {
  if (typeof o !== 'object' || o === null) return bad('(bundle)', 'is not a JSON object', 'the JSON that `portcullis ledger prove` prints');
  const b = o as Record<string, unknown>;
  if (b.format !== 'portcullis-inclusion-proof/v1') bad('format', `is ${JSON.stringify(b.format)}`, '"portcullis-inclusion-proof/v1"');
  if (!Number.isSafeInteger(b.index) || (b.index as number) < 0) bad('index', `is ${JSON.stringify(b.index)}`, 'the entry index, a whole number from 0');
  const entry = checkEntry(b.entry);
  if (typeof b.checkpoint !== 'string') bad('checkpoint', 'is missing', 'the signed checkpoint note');
  if (!Array.isArray(b.proof) || !b.proof.every((h) => typeof h === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(h))) bad('proof', 'is not a list of base64 SHA-256 hashes', 'a list of 32-byte hashes in base64');
  let opened;
  try {
    opened = openCheckpoint(b.checkpoint as string, log, opts.witnesses ?? []);
  } catch (e) {
    return bad('checkpoint', `is not signed by the log's key ${log.name} (${(e as Error).message})`, "a checkpoint note signed with the log's key");
  }
  const { checkpoint } = opened;
  const index = b.index as number;
  try {
    verifyInclusion(leafHash(leafInput(entry)), index, checkpoint.size, (b.proof as string[]).map((h) => new Uint8Array(Buffer.from(h, 'base64'))), checkpoint.root);
  } catch (e) {
    return bad('proof', `does not lead from entry ${index} to the checkpoint's root (${(e as Error).message})`, 'the audit path of this entry in a tree of the checkpoint size');
  }
  let payload: boolean | null = null;
  if (b.payload !== undefined) {
    const p = b.payload as { json?: unknown; salt?: unknown };
    if (typeof p?.json !== 'string' || typeof p.salt !== 'string') bad('payload', 'is malformed', '{ json: canonical JSON text, salt: base64 }');
    // Exactly SALT_BYTES: the hash is over salt ‖ payload with nothing between them, so with any
    // salt length a bundle could move the payload's first bytes into the "salt" and show the rest
    // as what was committed to.
    const salt = Buffer.from(p.salt as string, 'base64');
    if (salt.length !== SALT_BYTES || salt.toString('base64') !== p.salt) bad('payload', `has a salt of ${salt.length} bytes`, `${SALT_BYTES} bytes in base64`);
    payload = commitCanonical(p.json as string, salt) === entry.commitment;
    if (!payload) bad('payload', 'does not match the commitment of the entry', 'the payload and salt the entry committed to');
  }
  let partySignature: boolean | null = null;
  if (opts.party !== undefined) {
    partySignature = entrySignatureValid(entry, opts.party);
    if (!partySignature) bad('entry.signature', `is not by the key ${opts.party.name} given`, "the party's Ed25519 signature over the entry");
  }
  return { index, entry, checkpoint, cosignedBy: opened.cosignatures.map((c) => c.name), payload, partySignature };
}
