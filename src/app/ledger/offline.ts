import { randomBytes } from 'node:crypto';
import { PortcullisError } from '../../domain/errors.ts';
import { commitPayload, SALT_BYTES } from '../../ledger/entry/commitment.ts';
import { signEntry, type Entry } from '../../ledger/entry/entry.ts';
import { ENTRY_TYPES, isEntryType } from '../../ledger/entry/entry-type.ts';
import { ED25519_COSIGNATURE, ED25519_NOTE, generateSignerKey, openCheckpoint, parseSignerKey, parseVerifierKey, type OpenedCheckpoint, type Signer, type Verifier } from '../../ledger/note/index.ts';
import { checkBundle, type BundleCheck } from '../../ledger/proof/bundle.ts';

/**
 * What a party or a verifier does with the ledger on its own machine, with no database: make keys,
 * sign entries to submit, check a proof bundle or any checkpoint with nothing but public keys.
 */
export const ENTRY_TYPE_NAMES = ENTRY_TYPES;

export function verifierKey(flag: string, vkey: string): Verifier {
  try {
    return parseVerifierKey(vkey.trim());
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `${flag} is not a verifier key: ${(e as Error).message}`, [{ field: flag, problem: 'malformed', expected: 'name+keyid+base64 (a signed-note verifier key)' }]);
  }
}

export function signerKey(flag: string, skey: string, cosigner = false): Signer {
  let s: Signer;
  try {
    s = parseSignerKey(skey.trim());
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `${flag} is not a private key: ${(e as Error).message}`, [{ field: flag, problem: 'malformed', expected: 'PRIVATE+KEY+name+keyid+base64' }]);
  }
  const want = cosigner ? ED25519_COSIGNATURE : ED25519_NOTE;
  if (s.type !== want) throw new PortcullisError('INVALID_INPUT', `${flag} is a key of type 0x0${s.type}`, [{ field: flag, problem: `type 0x0${s.type}`, expected: cosigner ? 'a cosignature key (`ledger keys generate NAME --cosigner`)' : 'an Ed25519 note key (`ledger keys generate NAME`)' }]);
  return s;
}

export function newKeyPair(name: string, cosigner: boolean): { signerKey: string; verifierKey: string } {
  try {
    return generateSignerKey(name, randomBytes(32), cosigner ? ED25519_COSIGNATURE : ED25519_NOTE);
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `cannot make a key named "${name}": ${(e as Error).message}`, [{ field: 'name', problem: `"${name}"`, expected: 'a name without spaces or "+"' }]);
  }
}

/** A party's signed entry for a payload, with the salt it committed with, ready for `ledger submit`. */
export function signPartyEntry(o: { signer: Signer; type: string; payload: unknown; time: string; corrects: number | null; subject: string | null }): { entry: Entry; payload: unknown; salt: string; subject: string | null } {
  if (!isEntryType(o.type)) throw new PortcullisError('INVALID_INPUT', `"${o.type}" is not an entry type`, [{ field: 'type', problem: `"${o.type}"`, expected: ENTRY_TYPES.join(', ') }]);
  const salt = randomBytes(SALT_BYTES);
  const entry = signEntry({ type: o.type, time: o.time, corrects: o.corrects, commitment: commitPayload(o.payload, salt) }, o.signer);
  return { entry, payload: o.payload, salt: salt.toString('base64'), subject: o.subject };
}

export function checkProofBundle(bundle: unknown, log: Verifier, opts: { party?: Verifier; witnesses?: readonly Verifier[] }): BundleCheck {
  return checkBundle(bundle, log, opts);
}

/** Opens any C2SP checkpoint with the log's key; each witness given must have cosigned it. */
export function verifyCheckpointNote(note: string, log: Verifier, witnesses: readonly Verifier[], origin?: string): OpenedCheckpoint {
  let opened: OpenedCheckpoint;
  try {
    opened = openCheckpoint(note, log, witnesses, origin === undefined ? {} : { origin });
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the checkpoint does not verify: ${(e as Error).message}`, [{ field: 'checkpoint', problem: (e as Error).message, expected: `a checkpoint note signed by ${log.name}` }]);
  }
  const missing = witnesses.filter((w) => !opened.cosignatures.some((c) => c.name === w.name && c.keyId === w.keyId));
  if (missing.length > 0) throw new PortcullisError('INVALID_INPUT', `the checkpoint has no valid cosignature by ${missing.map((w) => w.name).join(', ')}`, missing.map((w) => ({ field: '--witness', problem: `${w.name} did not cosign`, expected: 'a tlog-cosignature/v1 line by that witness' })));
  return opened;
}
