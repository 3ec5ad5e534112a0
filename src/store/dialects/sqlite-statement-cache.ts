import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The connection as Kysely's SQLite driver sees it, with its statements kept: the driver prepares
 * every query it runs, and preparing cost about as much as running the small queries of the
 * service's requests (a fifth of the filing path's time). A statement is reused by its SQL text
 * (the most recently used `max` of them), except while it is still being iterated, when a fresh
 * one is prepared for the caller.
 */
export function statementCache(raw: Database.Database, max = 1000): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    prepare(sql: string) {
      const held = kept.get(sql);
      if (held !== undefined) {
        if (held.busy) return raw.prepare(sql);
        kept.delete(sql);
        kept.set(sql, held);
        return held;
      }
      const stmt = raw.prepare(sql);
      kept.set(sql, stmt);
      if (kept.size > max) kept.delete(kept.keys().next().value!);
      return stmt;
    },
    close() {
      kept.clear();
      raw.close();
    },
  } as unknown as SqliteDatabase;
}
