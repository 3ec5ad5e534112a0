import type { StoredEntry } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from './ledger.ts';
import { proveEntry } from './prove.ts';
import { addCosignature, publishedCheckpoint } from './published.ts';

/** What the service shows of its ledger: the use cases behind the API's ledger routes. */
export const ledgerEntriesAbout = (app: AppContext, subject: string): Promise<StoredEntry[]> => ledgerOf(app).repo.entriesAbout(subject);
export const ledgerEntry = (app: AppContext, index: number): Promise<StoredEntry | undefined> => ledgerOf(app).repo.entry(index);
export const ledgerEntries = (app: AppContext, from: number, count: number): Promise<StoredEntry[]> => ledgerOf(app).repo.entries(from, from + count);
export const ledgerSize = (app: AppContext): Promise<number> => ledgerOf(app).repo.size();
export const ledgerVerifierKey = (app: AppContext): string => ledgerOf(app).verifierKey;
export const ledgerCheckpoint = (app: AppContext, size?: number) => publishedCheckpoint(ledgerOf(app), size);
export const latestCheckpointSize = async (app: AppContext): Promise<number> => (await ledgerOf(app).repo.latestCheckpoint())?.size ?? 0;
export const ledgerConsistency = (app: AppContext, from: number, to: number): Promise<Uint8Array[]> => ledgerOf(app).consistencyProof(from, to);
export const ledgerInclusion = (app: AppContext, index: number, size: number): Promise<Uint8Array[]> => ledgerOf(app).inclusionProof(index, size);
export const ledgerProofBundle = (app: AppContext, index: number, o: { size?: number; withPayload?: boolean }) => proveEntry(ledgerOf(app), index, o);
export const ledgerCosign = (app: AppContext, size: number, line: string) => addCosignature(ledgerOf(app), size, line, app.clock().toISOString());

/**
 * The party an entry's own record names, where the entry is a party's report rather than about a
 * declaration: the carrier of a recorded movement. Read from the entry's payload (what it commits
 * to), so that a carrier may prove its own movements' entries and no other carrier's.
 */
export async function ledgerEntryReporter(app: AppContext, entry: Pick<StoredEntry, 'index' | 'type'>): Promise<string | undefined> {
  if (entry.type !== 'movement.recorded') return undefined;
  const p = await ledgerOf(app).repo.payload(entry.index);
  if (p === undefined) return undefined;
  const carrier = (JSON.parse(p.payload) as { carrier?: unknown }).carrier;
  return typeof carrier === 'string' ? carrier : undefined;
}
