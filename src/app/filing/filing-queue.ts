import type { Declaration } from '../../domain/declaration.ts';
import type { Decision } from '../../domain/decision.ts';
import { decisionsRepo, filingRepo, type DeclarationRecord, type WriteStatus } from '../../store/index.ts';
import { openBatcher } from '../batcher.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { recordGroupsInLedger } from '../ledger/record.ts';
import type { DecideFn, Filed } from './file-declarations.ts';

/**
 * Declarations filed through the service, one request at a time from many clients, gathered into
 * batches: what arrives while a batch is stored goes into the next one (one transaction per
 * batch, whatever the number of requests in it). The new declarations then go to the decision
 * queue, which batches them in turn and puts each one's filing and decision in the ledger in one
 * append (one durable write): while one batch is decided, the next is stored. Each caller is
 * answered once its declarations are stored, decided and in the ledger.
 *
 * A process that stopped between storing a declaration and its ledger append leaves it without
 * entries (and perhaps without a decision); it was not acknowledged, so its client files it again,
 * and the duplicate is completed then: decided if it was not, and put in the ledger if it was not.
 * A declaration id already in the batch, or still being decided, waits for that (so that it is a
 * duplicate or a conflict, as if filed after).
 */
export interface FilingQueue {
  file(records: readonly DeclarationRecord[]): Promise<Filed[]>;
  close(): Promise<void>;
}

export interface FilingDecisions {
  /** Decides declarations already in the ledger. */
  readonly decide: DecideFn;
  /** Decides declarations just stored, putting their filing in the ledger with their decisions. */
  readonly decideFiled: DecideFn;
}

const MAX_BATCH = 1000;

interface Stored {
  readonly id: string;
  readonly status: WriteStatus;
  readonly decision: Promise<Decision | undefined>;
}

export function openFilingQueue(app: AppContext, decisions: FilingDecisions): FilingQueue {
  /** Declarations stored and not yet decided, by id: a duplicate of one waits for its decision. */
  const deciding = new Map<string, Promise<Decision | undefined>>();

  const batches = openBatcher<DeclarationRecord, Stored>(
    async (records) => {
      const statuses = await filingRepo(app.store.db).insert(records);
      const fresh = records.filter((_, i) => statuses[i] === 'inserted').map((r) => r.declaration);
      // Not awaited here: the next batch is stored while this one is decided.
      const decided = byId(decisions.decideFiled(fresh));
      for (const d of fresh) track(d.id, decided.then((m) => m.get(d.id)));
      const duplicates = records.filter((r, i) => statuses[i] === 'duplicate' && !deciding.has(r.declaration.id)).map((r) => r.declaration);
      const completed = duplicates.length === 0 ? Promise.resolve(new Map<string, Decision>()) : complete(duplicates);
      for (const d of duplicates) track(d.id, completed.then((m) => m.get(d.id)));
      return records.map((r, i): Stored => {
        const id = r.declaration.id;
        const status = statuses[i]!;
        return { id, status, decision: status === 'conflict' ? Promise.resolve(undefined) : deciding.get(id)! };
      });
    },
    { max: MAX_BATCH, keyOf: (r) => r.declaration.id },
  );

  const byId = (ds: Promise<Decision[]>): Promise<Map<string, Decision>> => {
    const p = ds.then((list) => new Map(list.map((d) => [d.declarationId, d])));
    p.catch(() => undefined);
    return p;
  };
  const track = (id: string, p: Promise<Decision | undefined>): void => {
    p.catch(() => undefined);
    const held = p.finally(() => {
      if (deciding.get(id) === held) deciding.delete(id);
    });
    held.catch(() => undefined);
    deciding.set(id, held);
  };

  /** Duplicates: their latest decisions, after deciding those never decided and filing in the ledger what is missing from it. */
  const complete = async (ds: readonly Declaration[]): Promise<Map<string, Decision>> => {
    const subject = (id: string) => `declaration:${id}`;
    const repo = ledgerOf(app).repo;
    const filed = await repo.latestAbout(ds.map((d) => subject(d.id)), ['declaration.filed', 'declaration.amended']);
    const latest = await decisionsRepo(app.store.db).latestOf(ds.map((d) => d.id));
    const isFiled = (d: Declaration) => filed.has(subject(d.id));
    const undecided = ds.filter((d) => !latest.has(d.id));
    for (const d of [...(await decisions.decideFiled(undecided.filter((d) => !isFiled(d)))), ...(await decisions.decide(undecided.filter(isFiled)))]) latest.set(d.declarationId, d);
    const decided = ds.filter((d) => !undecided.includes(d));
    const entered = decided.length === 0 ? new Map<string, number>() : await repo.latestAbout(decided.map((d) => subject(d.id)), ['decision.made']);
    await recordGroupsInLedger(app, [
      { type: 'declaration.filed', items: decided.filter((d) => !isFiled(d)).map((d) => ({ subject: subject(d.id), payload: d })) },
      { type: 'decision.made', items: decided.filter((d) => !entered.has(subject(d.id))).map((d) => ({ subject: subject(d.id), payload: latest.get(d.id)! })) },
    ]);
    return latest;
  };

  return {
    async file(records) {
      const stored = await batches.submit(records);
      return Promise.all(stored.map(async (s) => ({ id: s.id, status: s.status, decision: await s.decision })));
    },
    async close() {
      await batches.idle();
      await Promise.allSettled([...deciding.values()]);
    },
  };
}
