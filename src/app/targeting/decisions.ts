import type { Decision } from '../../domain/decision.ts';
import type { Lane } from '../../domain/rule.ts';
import { decisionsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/** Read-only use cases over decisions. */
export function listDecisions(app: AppContext, filter: { office?: string; lane?: Lane; limit?: number }): Promise<Decision[]> {
  return decisionsRepo(app.store.db).list(filter);
}

export function decisionHistory(app: AppContext, declarationId: string): Promise<Decision[]> {
  return decisionsRepo(app.store.db).history(declarationId);
}
