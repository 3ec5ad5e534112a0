import { sql } from 'kysely';
import { MIGRATIONS } from '../store/migrate.ts';
import type { AppContext } from './context.ts';

/** Whether the store answers and every migration has run: what readiness means. */
export async function storeReady(app: AppContext): Promise<{ ready: true } | { ready: false; reason: string }> {
  try {
    const r = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(app.store.db);
    const done = new Set(r.rows.map((x) => x.name));
    const missing = Object.keys(MIGRATIONS).filter((m) => !done.has(m));
    return missing.length === 0 ? { ready: true } : { ready: false, reason: `migrations not run: ${missing.join(', ')}` };
  } catch {
    return { ready: false, reason: 'the store does not answer' };
  }
}
