import type { Declaration } from '../../domain/declaration.ts';
import type { Decision } from '../../domain/decision.ts';
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

interface Waiting {
  readonly declarations: readonly Declaration[];
  resolve(d: Decision[]): void;
  reject(e: unknown): void;
}

const MAX_BATCH = 1000;

export function openDecisionQueue(app: AppContext): DecisionQueue {
  let decider: Promise<Decider> | undefined;
  let waiting: Waiting[] = [];
  let running: Promise<void> | undefined;

  const run = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch: Waiting[] = [];
      let n = 0;
      while (waiting.length > 0 && (batch.length === 0 || n + waiting[0]!.declarations.length <= MAX_BATCH)) {
        const w = waiting.shift()!;
        // A declaration twice in one call would take the same revision twice: the later waits.
        if (batch.some((b) => b.declarations.some((d) => w.declarations.some((x) => x.id === d.id)))) {
          waiting.unshift(w);
          break;
        }
        batch.push(w);
        n += w.declarations.length;
      }
      try {
        decider ??= openDecider(app);
        const d = await decider;
        const decisions = await d.decide(batch.flatMap((b) => b.declarations));
        let k = 0;
        for (const b of batch) {
          b.resolve(decisions.slice(k, k + b.declarations.length));
          k += b.declarations.length;
        }
      } catch (e) {
        // A failed batch may have left the decider's states ahead of the store: load it afresh.
        decider = undefined;
        for (const b of batch) b.reject(e);
      }
    }
  };

  const kick = (): void => {
    if (running !== undefined) return;
    running = run().finally(() => {
      running = undefined;
      if (waiting.length > 0) kick();
    });
  };

  return {
    decide(declarations) {
      if (declarations.length === 0) return Promise.resolve([]);
      return new Promise<Decision[]>((resolve, reject) => {
        waiting.push({ declarations, resolve, reject });
        kick();
      });
    },
    refresh() {
      decider = undefined;
    },
    async close() {
      while (running !== undefined) await running;
      waiting = [];
    },
  };
}
