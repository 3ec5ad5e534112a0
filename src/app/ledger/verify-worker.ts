/**
 * A thread of `ledger verify`: opens its own connection to the store and audits the pages it is
 * sent (ledger/verify/page-audit.ts), one message per page, posting each page's result as it is
 * done; it stops when sent `null`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseVerifierKey, type Verifier } from '../../ledger/note/index.ts';
import { ledgerRepo, openStore, type StoreConfig } from '../../store/index.ts';
import { codecOf } from '../security/data-keys.ts';
import { fieldCipher, parseKeyRing } from '../../security/field-cipher.ts';
import { readAndAuditPage, type PagePlan } from './verify-pages.ts';

interface Data {
  readonly store: StoreConfig;
  readonly payloads: boolean;
  readonly parties: readonly (readonly [string, string])[] | null;
  /** The data key ring, to open sealed payloads with. */
  readonly dataKeys: string | null;
}

const data = workerData as Data;
const store = await openStore(data.dataKeys === null ? data.store : { ...data.store, codec: codecOf(fieldCipher(parseKeyRing(data.dataKeys))) });
const repo = ledgerRepo(store);
const parties = data.parties === null ? undefined : new Map<string, Verifier>(data.parties.map(([k, vkey]) => [k, parseVerifierKey(vkey)]));
// Pages are audited one after another, in the order they were sent.
let queue = Promise.resolve();
parentPort!.on('message', (page: PagePlan | null) => {
  queue = queue.then(async () => {
    if (page === null) {
      parentPort!.close();
      await store.close();
      return;
    }
    const r = await readAndAuditPage(repo, page, data.payloads, parties);
    parentPort!.postMessage({ from: r.from, to: r.to, findings: r.findings.list, checked: r.checked, range: r.range, atCheckpoints: r.atCheckpoints });
  });
});
parentPort!.postMessage('ready');
