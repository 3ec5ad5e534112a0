import { movementsRepo, type StoredMovement } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/** Carriers' movements of a container or under a transport document (a carrier sees only its own: the caller filters by `carrier`). */
export async function movementsAbout(app: AppContext, q: { container?: string | undefined; document?: string | undefined; carrier?: string | undefined }): Promise<StoredMovement[]> {
  const found = await movementsRepo(app.store.db).about({ ...(q.container !== undefined ? { containers: [q.container] } : {}), ...(q.document !== undefined ? { documents: [q.document] } : {}) });
  return q.carrier === undefined ? found : found.filter((m) => m.event.carrier === q.carrier);
}

/**
 * Movements newest first, a page at a time: a carrier's own (`carrier`), or everyone's. `next` is
 * where the following page starts, or null after the last.
 */
export async function listMovements(app: AppContext, q: { carrier?: string | undefined; after?: { time: string; id: string } | undefined; limit: number }): Promise<{ movements: StoredMovement[]; next: { time: string; id: string } | null }> {
  const movements = await movementsRepo(app.store.db).list({ carrier: q.carrier, after: q.after, limit: q.limit + 1 });
  const more = movements.length > q.limit;
  const page = more ? movements.slice(0, q.limit) : movements;
  const last = page.at(-1)?.event;
  return { movements: page, next: more && last !== undefined ? { time: last.eventDateTime, id: last.eventId } : null };
}
