import { declarationsRepo, ingestRunsRepo, type DeclarationFilter, type DeclarationStats, type StoredDeclaration } from '../store/index.ts';
import type { AppContext } from './context.ts';

/** Read-only use cases over what has been filed. */
export function getDeclaration(app: AppContext, id: string): Promise<StoredDeclaration | undefined> {
  return declarationsRepo(app.store.db).get(id);
}

export function listDeclarations(app: AppContext, filter: DeclarationFilter): Promise<StoredDeclaration[]> {
  return declarationsRepo(app.store.db).list(filter);
}

export interface StoreSummary extends DeclarationStats {
  readonly store: string;
  readonly lastIngests: { file: string; status: string; accepted: number; rejected: number; duplicates: number; startedAt: string }[];
}

export async function storeSummary(app: AppContext): Promise<StoreSummary> {
  const stats = await declarationsRepo(app.store.db).stats();
  const runs = await ingestRunsRepo(app.store.db).list(5);
  return {
    store: app.store.description,
    ...stats,
    lastIngests: runs.map((r) => ({ file: r.file, status: r.status, accepted: r.accepted, rejected: r.rejected, duplicates: r.duplicates, startedAt: r.started_at })),
  };
}
