import type { EntryVerifier } from '../../ledger/entry/entry.ts';
import { auditPage, PAGE_LEVEL, type PageResult } from '../../ledger/verify/page-audit.ts';
import type { LedgerRepo } from '../../store/index.ts';

/** A page to audit: its entries [from, to) and the checkpoint sizes inside it. */
export interface PagePlan {
  readonly from: number;
  readonly to: number;
  readonly checkpoints: readonly number[];
}

/** Reads a page's entries and the stored nodes inside it (one query per level), and audits it. */
export async function readAndAuditPage(repo: LedgerRepo, page: PagePlan, payloads: boolean, parties: ReadonlyMap<string, EntryVerifier> | undefined): Promise<PageResult> {
  const stored: { index: number; hash: Uint8Array }[][] = [];
  for (let level = 1; level <= PAGE_LEVEL; level++) {
    const span = 2 ** level;
    const first = page.from / span;
    const end = Math.floor(page.to / span);
    if (end <= first) break;
    stored[level] = await repo.levelNodes(level, first, end);
  }
  // Last, and used up at once: the rows may be an open statement of the connection.
  const rows = await repo.scan(page.from, page.to, payloads);
  return auditPage({ from: page.from, to: page.to, rows, stored: (level) => stored[level] ?? [], checkpoints: page.checkpoints, payloads, ...(parties === undefined ? {} : { parties }) });
}
