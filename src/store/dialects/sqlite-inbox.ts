import Database from 'better-sqlite3';
import type { IotInbox, InboxMessage } from '../iot-inbox-repo.ts';

/**
 * The telemetry inbox of a SQLite store: a SQLite file of its own (`<store>.iot-inbox`), in WAL
 * mode with synchronous=NORMAL like the store, so a kept message survives the process being
 * killed. The service's receiver thread writes it through a connection of its own
 * (receiver-worker.ts) while the processing takes and removes through this one; each holds the
 * file's lock for one short synchronous transaction at a time.
 */
export function sqliteInbox(file: string): IotInbox {
  const db = openInboxFile(file);
  const insert = db.prepare('INSERT INTO inbox (topic, payload, received_at, event, verified_key) VALUES (?, ?, ?, ?, ?)');
  const oldest = db.prepare('SELECT id, topic, payload, received_at, event, verified_key FROM inbox WHERE id <= ? ORDER BY id LIMIT ?');
  const last = db.prepare('SELECT coalesce(max(id), 0) FROM inbox').pluck();
  const removeSome = db.prepare('DELETE FROM inbox WHERE id IN (SELECT value FROM json_each(?))');
  const count = db.prepare('SELECT count(*) FROM inbox').pluck();
  return {
    inStore: false,
    file,
    put(m) {
      insert.run(m.topic, m.payload, m.receivedAt, m.event ?? null, m.verifiedKey ?? null);
    },
    async take(limit, upTo) {
      const rows = oldest.all(upTo ?? Number.MAX_SAFE_INTEGER, limit) as { id: number; topic: string; payload: string; received_at: string; event: string | null; verified_key: string | null }[];
      return rows.map(
        (r): InboxMessage => ({
          id: r.id,
          topic: r.topic,
          payload: r.payload,
          receivedAt: r.received_at,
          ...(r.event === null ? {} : { event: r.event }),
          ...(r.verified_key === null ? {} : { verifiedKey: r.verified_key }),
        }),
      );
    },
    async remove(ids) {
      // One statement: the receiver thread waits for this connection's lock meanwhile.
      removeSome.run(JSON.stringify(ids));
    },
    async count() {
      return count.get() as number;
    },
    async lastId() {
      return last.get() as number;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Opens (and creates) an inbox file, for this module's connection or another thread's. */
export function openInboxFile(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Two connections write: one waits for the other's one-statement transaction.
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL, event TEXT, verified_key TEXT)');
  return db;
}
