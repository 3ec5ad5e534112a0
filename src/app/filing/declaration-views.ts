import type { Declaration } from '../../domain/declaration.ts';
import type { Decision } from '../../domain/decision.ts';
import type { Lane } from '../../domain/rule.ts';
import { decisionsRepo, declarationsRepo, inspectionsRepo, worklistRepo, type StoredDeclaration, type StoredInspection } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/** The parties that own a declaration: its importer and its declarant (traders see only their own). */
export const ownersOf = (d: Pick<Declaration, 'importer' | 'declarant'>): string[] => [d.importer, ...(d.declarant !== undefined ? [d.declarant] : [])];

export interface DeclarationQuery {
  readonly office?: string | undefined;
  readonly importer?: string | undefined;
  readonly hsPrefix?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly lane?: Lane | undefined;
  /** decided: has a decision; undecided: none yet. */
  readonly status?: 'decided' | 'undecided' | undefined;
  readonly after?: { readonly filedAt: string; readonly id: string } | undefined;
  readonly limit: number;
}

/**
 * Declarations in filing order, filtered, a page at a time, each with its latest lane. Filters on
 * the lane or status are applied to pages of the filing order, read on until the page is full.
 */
export async function findDeclarations(app: AppContext, q: DeclarationQuery): Promise<{ items: { declaration: Declaration; lane: Lane | null }[]; next: { filedAt: string; id: string } | null }> {
  const repo = declarationsRepo(app.store.db);
  const lanesRepo = worklistRepo(app.store.db);
  const out: { declaration: Declaration; lane: Lane | null }[] = [];
  let after = q.after;
  const filtered = q.lane !== undefined || q.status !== undefined;
  for (let round = 0; round < 20 && out.length < q.limit; round += 1) {
    const page = await repo.list({ office: q.office, importer: q.importer, hsPrefix: q.hsPrefix, from: q.from, to: q.to, after, limit: filtered ? Math.max(q.limit * 4, 200) : q.limit - out.length });
    if (page.length === 0) return { items: out, next: null };
    const lanes = await lanesRepo.lanes(page.map((p) => p.declaration.id));
    for (const p of page) {
      const lane = lanes.get(p.declaration.id) ?? null;
      after = { filedAt: p.declaration.filedAt, id: p.declaration.id };
      if (q.lane !== undefined && lane !== q.lane) continue;
      if (q.status === 'decided' && lane === null) continue;
      if (q.status === 'undecided' && lane !== null) continue;
      out.push({ declaration: p.declaration, lane });
      if (out.length >= q.limit) return { items: out, next: after };
    }
    if (!filtered && out.length < q.limit) return { items: out, next: null };
  }
  return { items: out, next: out.length > 0 || after !== undefined ? (after ?? null) : null };
}

export interface DeclarationView {
  readonly stored: StoredDeclaration;
  readonly decision: Decision | undefined;
  readonly inspection: StoredInspection | undefined;
}

export async function declarationView(app: AppContext, id: string): Promise<DeclarationView | undefined> {
  const stored = await declarationsRepo(app.store.db).get(id);
  if (stored === undefined) return undefined;
  return { stored, decision: await decisionsRepo(app.store.db).latest(id), inspection: await inspectionsRepo(app.store.db).latest(id) };
}

export const decisionsOf = (app: AppContext, id: string): Promise<Decision[]> => decisionsRepo(app.store.db).history(id);
export const inspectionsOf = (app: AppContext, id: string): Promise<StoredInspection[]> => inspectionsRepo(app.store.db).history(id);
