import { movementsRepo, type StoredMovement } from '../../store/index.ts';
import type { AppContext } from '../context.ts';

/** Carriers' movements of a container or under a transport document (a carrier sees only its own: the caller filters by `carrier`). */
export async function movementsAbout(app: AppContext, q: { container?: string | undefined; document?: string | undefined; carrier?: string | undefined }): Promise<StoredMovement[]> {
  const found = await movementsRepo(app.store.db).about({ ...(q.container !== undefined ? { containers: [q.container] } : {}), ...(q.document !== undefined ? { documents: [q.document] } : {}) });
  return q.carrier === undefined ? found : found.filter((m) => m.event.carrier === q.carrier);
}
