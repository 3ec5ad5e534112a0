import type { EntryVerifier } from '../../ledger/entry/entry.ts';
import { auditPage, PAGE_LEVEL, type PageResult, type StoredLevel } from '../../ledger/verify/page-audit.ts';
import type { LedgerRepo } from '../../store/index.ts';

/** A page to audit: its entries [from, to) and the checkpoint sizes inside it. */
export interface PagePlan {
  readonly from: number;
  readonly to: number;
  readonly checkpoints: readonly number[];
}

/**
 * Reads a page's entries and the stored nodes inside it (leaves included; one query per level, its
 * hashes packed in one buffer, or row by row where some are missing or malformed), and audits it.
 */
export async function readAndAuditPage(repo: LedgerRepo, page: PagePlan, payloads: boolean, parties: ReadonlyMap<string, EntryVerifier> | undefined): Promise<PageResult> {
  const stored: StoredLevel[] = [];
  for (let level = 0; level <= PAGE_LEVEL; level++) {
    const span = 2 ** level;
    const first = page.from / span;
    const end = Math.floor(page.to / span);
    if (end <= first) break;
    const packed = await repo.packedLevel(level, first, end);
    stored[level] = packed.count === end - first && packed.hashes.length === 32 * packed.count ? { packed: packed.hashes } : { rows: await repo.levelNodes(level, first, end) };
  }
  // Last, and used up at once: the rows may be an open statement of the connection.
  const rows = await repo.scan(page.from, page.to, payloads);
  return auditPage({ from: page.from, to: page.to, rows, stored: (level) => stored[level] ?? { rows: [] }, checkpoints: page.checkpoints, payloads, ...(parties === undefined ? {} : { parties }) });
}
