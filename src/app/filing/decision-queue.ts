import type { Declaration } from '../../domain/declaration.ts';
import type { Decision } from '../../domain/decision.ts';
import { openBatcher } from '../batcher.ts';
import type { AppContext } from '../context.ts';
import { openDecider, type Decider } from '../targeting/decide.ts';

/**
 * One decider per process for declarations filed as they come (the model, rules and budgets loaded
 * once, the offices' selector states kept in memory), with the filings of concurrent callers
 * gathered into one call (one transaction for their decisions, one batch of ledger entries).
 * `refresh` reloads the decider after a rule, model or budget change.
 */
export interface DecisionQueue {
  decide(declarations: readonly Declaration[]): Promise<Decision[]>;
  refresh(): void;
  close(): Promise<void>;
}

const MAX_BATCH = 1000;

export function openDecisionQueue(app: AppContext): DecisionQueue {
  let decider: Promise<Decider> | undefined;
  const drop = (): void => {
    decider = undefined;
  };
  // A declaration twice in one batch would take the same revision twice: the later one waits.
  const batches = openBatcher<Declaration, Decision>(
    async (declarations) => {
      try {
        decider ??= openDecider(app);
        return await (await decider).decide(declarations);
      } catch (e) {
        // A failed batch may have left the decider's states ahead of the store: load it afresh.
        drop();
        throw e;
      }
    },
    { max: MAX_BATCH, keyOf: (d) => d.id },
  );
  return {
    decide: (declarations) => batches.submit(declarations),
    refresh: drop,
    close: async () => {
      await batches.idle();
      drop();
    },
  };
}
