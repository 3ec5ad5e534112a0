import { PortcullisError } from '../../domain/errors.ts';
import type { ProofBundle } from '../../ledger/proof/bundle.ts';
import type { Ledger } from './ledger.ts';
import { publishedCheckpoint } from './published.ts';

/**
 * The inclusion proof bundle of an entry (ledger/proof/bundle.ts): against the latest checkpoint
 * that covers it (or the one of `size`), with the cosignatures it has, and — for the party that may
 * see it — the payload and salt, so that the bundle also shows what the entry committed to.
 */
export async function proveEntry(ledger: Ledger, index: number, o: { size?: number; withPayload?: boolean } = {}): Promise<ProofBundle> {
  const entry = await ledger.repo.entry(index);
  if (entry === undefined) throw new PortcullisError('NOT_FOUND', `the ledger holds no entry ${index}`, [{ field: 'entry', problem: `${index}`, expected: `an index below ${await ledger.repo.size()}` }]);
  let published = await publishedCheckpoint(ledger, o.size);
  if (published === undefined && o.size === undefined) {
    // Nothing signed yet (a fresh log): sign one now.
    await ledger.checkpoint();
    published = await publishedCheckpoint(ledger);
  }
  if (published === undefined) throw new PortcullisError('NOT_FOUND', `the log signed no checkpoint of ${o.size} entries`, [{ field: 'size', problem: `${o.size}`, expected: 'the size of a signed checkpoint' }]);
  if (published.checkpoint.size <= index) {
    if (o.size !== undefined) throw new PortcullisError('INVALID_INPUT', `entry ${index} is not in the checkpoint of ${o.size} entries`, [{ field: 'size', problem: `${o.size}`, expected: `a checkpoint of more than ${index} entries` }]);
    // The entry came after the latest checkpoint: sign one that covers it.
    await ledger.checkpoint();
    published = (await publishedCheckpoint(ledger))!;
  }
  const size = published.checkpoint.size;
  const proof = await ledger.inclusionProof(index, size);
  const signed = { type: entry.type, party: entry.party, keyId: entry.keyId, time: entry.time, corrects: entry.corrects, commitment: entry.commitment, signature: entry.signature };
  const payload = o.withPayload ? await ledger.repo.payload(index) : undefined;
  return {
    format: 'portcullis-inclusion-proof/v1',
    index,
    entry: signed,
    checkpoint: published.note,
    proof: proof.map((h) => Buffer.from(h).toString('base64')),
    ...(payload === undefined ? {} : { payload: { json: payload.payload, salt: payload.salt } }),
  };
}
