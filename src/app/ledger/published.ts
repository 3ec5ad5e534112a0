import { PortcullisError } from '../../domain/errors.ts';
import { appendSignatures, formatKeyId, parseCosignature, parseVerifierKey, verifyCosignature } from '../../ledger/note/index.ts';
import type { StoredCheckpoint } from '../../store/index.ts';
import type { Ledger } from './ledger.ts';

/**
 * What the log publishes: its latest checkpoint with the cosignatures witnesses sent for it, the
 * proofs anyone may ask for, and the door through which witnesses hand their cosignatures back.
 * All of it is public: the log holds commitments, not payloads.
 */
export async function publishedCheckpoint(ledger: Ledger, size?: number): Promise<{ checkpoint: StoredCheckpoint; note: string } | undefined> {
  const c = size === undefined ? await ledger.repo.latestCheckpoint() : await ledger.repo.checkpoint(size);
  if (c === undefined) return undefined;
  const lines = (await ledger.repo.cosignatures(c.size)).map((s) => s.line);
  return { checkpoint: c, note: lines.length === 0 ? c.note : appendSignatures(c.note, lines) };
}

/** The body of a stored checkpoint's note: what witnesses cosign. */
export function checkpointBody(c: StoredCheckpoint): string {
  return c.note.slice(0, c.note.indexOf('\n\n') + 1);
}

/**
 * Takes a witness's cosignature of the checkpoint of `size`: the witness's key must be registered
 * (role witness, not revoked) and the line must verify over that checkpoint. Returns false when
 * that witness had cosigned it already.
 */
export async function addCosignature(ledger: Ledger, size: number, line: string, receivedAt: string): Promise<boolean> {
  const c = await ledger.repo.checkpoint(size);
  if (c === undefined) throw new PortcullisError('NOT_FOUND', `the log signed no checkpoint of ${size} entries`, [{ field: 'size', problem: `${size}`, expected: 'the size of a published checkpoint' }]);
  let parsed;
  try {
    parsed = parseCosignature(line);
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the cosignature line is malformed: ${(e as Error).message}`, [{ field: 'line', problem: 'malformed', expected: '"— name base64(keyid ‖ timestamp ‖ signature)"' }]);
  }
  const keyId = formatKeyId(parsed.keyId);
  const key = (await ledger.repo.keys('witness')).find((k) => k.name === parsed.name && k.keyId === keyId && k.revokedAt === null);
  if (key === undefined) throw new PortcullisError('FORBIDDEN', `no witness key ${parsed.name}+${keyId} is registered with this log`, [{ field: 'line', problem: `${parsed.name}+${keyId} unknown`, expected: 'a witness registered with `portcullis ledger keys add --role witness`' }]);
  let time: number;
  try {
    time = verifyCosignature(checkpointBody(c), line, parseVerifierKey(key.vkey)).time;
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the cosignature by ${parsed.name} does not verify over the checkpoint of ${size} entries: ${(e as Error).message}`, [{ field: 'line', problem: 'does not verify', expected: 'a tlog-cosignature/v1 over this checkpoint' }]);
  }
  return ledger.repo.putCosignature({ size, witness: parsed.name, keyId, time, line: line.endsWith('\n') ? line.slice(0, -1) : line, receivedAt });
}
