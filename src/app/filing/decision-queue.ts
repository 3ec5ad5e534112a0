import type { Declaration } from '../../domain/declaration.ts';
import type { Decision } from '../../domain/decision.ts';
import { openBatcher } from '../batcher.ts';
import type { AppContext } from '../context.ts';
import { openDecider, type Decider } from '../targeting/decide.ts';

/**
 * One decider per process for declarations filed as they come (the model, rules and budgets loaded
 * once, the offices' selector states kept in memory), with the filings of concurrent callers
 * gathered into one call (one transaction for their decisions, one batch of ledger entries).
 * `refresh` reloads the decider after a rule, model or budget change, in every instance on the database.
 */
export interface DecisionQueue {
  decide(declarations: readonly Declaration[]): Promise<Decision[]>;
  /** Decides declarations just stored, and puts their filing in the ledger with their decisions (one append). */
  decideFiled(declarations: readonly Declaration[]): Promise<Decision[]>;
  refresh(): void;
  close(): Promise<void>;
}

const MAX_BATCH = 1000;
/** The signal that the model, rules or budgets in force changed. */
const REFRESH_TOPIC = 'decider.refresh';
/** The service's decider saves the offices' selector states once a second, and when it is closed (Decider). */
const SAVE_STATES_EVERY_MS = 1000;

export function openDecisionQueue(app: AppContext): DecisionQueue {
  let decider: Promise<Decider> | undefined;
  /** The last decider dropped, closing: it saves its selector states, which the next one reads. */
  let closing: Promise<void> = Promise.resolve();
  const drop = (): Promise<void> => {
    const old = decider;
    decider = undefined;
    if (old !== undefined) closing = closing.then(() => old.then((d) => d.close())).catch(() => undefined);
    return closing;
  };
  // A declaration twice in one batch would take the same revision twice: the later one waits.
  // A batch ends once its decisions are stored and its ledger entries committed: the next batch is
  // decided while the disk makes this one durable, and each caller is answered at `durable`.
  const batches = openBatcher<{ declaration: Declaration; filed: boolean }, { decision: Decision; durable: Promise<unknown> }>(
    async (items) => {
      try {
        decider ??= closing.then(() => openDecider(app, { explainOnThread: true, saveStatesEveryMs: SAVE_STATES_EVERY_MS }));
        const staged = await (await decider).decideStaged(items.map((i) => i.declaration), { filed: items.filter((i) => i.filed).map((i) => i.declaration) });
        return staged.decisions.map((decision) => ({ decision, durable: staged.durable }));
      } catch (e) {
        // A failed batch may have left the decider's states ahead of the store: load it afresh.
        void drop();
        throw e;
      }
    },
    { max: MAX_BATCH, keyOf: (i) => i.declaration.id },
  );
  // Several instances on one database (issue 9): a change made through any of them (a rule or
  // model put in force, an alert closed) reloads every instance's decider, through the store's signals.
  const signals = app.store.signals;
  const unsubscribe = signals?.subscribe(REFRESH_TOPIC, () => void drop()).catch(() => () => undefined);
  /** The explanations start at once, on their thread, while the batch before is still being stored. */
  const submit = (declarations: readonly Declaration[], filed: boolean): Promise<Decision[]> => {
    void decider?.then((d) => d.prepare(declarations)).catch(() => undefined);
    return batches.submit(declarations.map((declaration) => ({ declaration, filed }))).then(async (staged) => {
      await Promise.all(new Set(staged.map((s) => s.durable)));
      return staged.map((s) => s.decision);
    });
  };
  return {
    decide: (declarations) => submit(declarations, false),
    decideFiled: (declarations) => submit(declarations, true),
    refresh: () => {
      void drop();
      void signals?.publish(REFRESH_TOPIC).catch(() => undefined);
    },
    close: async () => {
      (await unsubscribe)?.();
      await batches.idle();
      await drop();
    },
  };
}
