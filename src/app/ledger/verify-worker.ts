/**
 * A thread of `ledger verify`: opens its own connection to the store and audits the pages it is
 * given (ledger/verify/page-audit.ts), posting each page's result as it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseVerifierKey, type Verifier } from '../../ledger/note/index.ts';
import { ledgerRepo, openStore, type StoreConfig } from '../../store/index.ts';
import { readAndAuditPage, type PagePlan } from './verify-pages.ts';

interface Data {
  readonly store: StoreConfig;
  readonly pages: readonly PagePlan[];
  readonly payloads: boolean;
  readonly parties: readonly (readonly [string, string])[] | null;
}

const data = workerData as Data;
const store = await openStore(data.store);
try {
  const repo = ledgerRepo(store);
  const parties = data.parties === null ? undefined : new Map<string, Verifier>(data.parties.map(([k, vkey]) => [k, parseVerifierKey(vkey)]));
  for (const page of data.pages) {
    const r = await readAndAuditPage(repo, page, data.payloads, parties);
    parentPort!.postMessage({ from: r.from, to: r.to, findings: r.findings.list, checked: r.checked, range: r.range, atCheckpoints: r.atCheckpoints });
  }
} finally {
  await store.close();
}
