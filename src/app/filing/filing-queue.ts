import type { DeclarationRecord } from '../../store/index.ts';
import { openBatcher } from '../batcher.ts';
import type { AppContext } from '../context.ts';
import { fileRecords, type DecideFn, type Filed } from './file-declarations.ts';

/**
 * Declarations filed through the service, one request at a time from many clients, gathered into
 * batches: what arrives while a batch is stored, filed in the ledger and decided goes into the
 * next one. A batch costs one transaction for the declarations, one ledger append for their
 * filings and one decision batch, whatever the number of requests in it; each caller is answered
 * when its batch is durable. A declaration id already in the batch waits for the next (so that it
 * is seen as a duplicate or a conflict, as if filed after).
 */
export interface FilingQueue {
  file(records: readonly DeclarationRecord[]): Promise<Filed[]>;
  close(): Promise<void>;
}

const MAX_BATCH = 1000;

export function openFilingQueue(app: AppContext, decide: DecideFn): FilingQueue {
  const batches = openBatcher<DeclarationRecord, Filed>((records) => fileRecords(app, records, decide), { max: MAX_BATCH, keyOf: (r) => r.declaration.id });
  return { file: (records) => batches.submit(records), close: () => batches.idle() };
}
