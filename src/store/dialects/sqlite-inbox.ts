import Database from 'better-sqlite3';
import type { IotInbox, InboxMessage } from '../iot-inbox-repo.ts';

/**
 * The telemetry inbox of a SQLite store: a SQLite file of its own (`<store>.iot-inbox`), in WAL
 * mode with synchronous=NORMAL like the store, so a kept message survives the process being
 * killed. The service's receiver thread is its one writer while it runs (`inboxFileWriter`, on the
 * thread of receiver-worker.ts), and the processing reads it through this connection: a writer waiting
 * for SQLite's lock sleeps a millisecond or more, blocking its thread.
 */
export function sqliteInbox(file: string): IotInbox {
  const db = openInboxFile(file);
  const insert = db.prepare('INSERT INTO inbox (topic, payload, received_at, event, verified_key) VALUES (?, ?, ?, ?, ?)');
  const oldest = db.prepare('SELECT id, topic, payload, received_at, event, verified_key FROM inbox WHERE id > ? AND id <= ? ORDER BY id LIMIT ?');
  const last = db.prepare('SELECT coalesce(max(id), 0) FROM inbox').pluck();
  const removeSome = db.prepare('DELETE FROM inbox WHERE id IN (SELECT value FROM json_each(?))');
  const count = db.prepare('SELECT count(*) FROM inbox').pluck();
  return {
    inStore: false,
    file,
    put(m) {
      insert.run(m.topic, m.payload, m.receivedAt, m.event ?? null, m.verifiedKey ?? null);
    },
    async take(limit, range = {}) {
      const rows = oldest.all(range.after ?? 0, range.upTo ?? Number.MAX_SAFE_INTEGER, limit) as { id: number; topic: string; payload: string; received_at: string; event: string | null; verified_key: string | null }[];
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
      // One statement, whatever the ids.
      if (ids.length > 0) removeSome.run(JSON.stringify(ids));
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

/** A message as the receiver keeps it, before it is checked. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: string;
  readonly receivedAt: string;
}

/**
 * The receiver thread's connection to an inbox file, its one writer while it runs: keeps messages
 * (their ids, in order), notes what checking them found, and removes those processed.
 */
export function inboxFileWriter(file: string) {
  const db = openInboxFile(file);
  const insert = db.prepare('INSERT INTO inbox (topic, payload, received_at) VALUES (?, ?, ?)');
  const note = db.prepare('UPDATE inbox SET event = ?, verified_key = ? WHERE id = ?');
  const removeUpTo = db.prepare('DELETE FROM inbox WHERE id <= ?');
  return {
    keep: db.transaction((rows: readonly ReceivedMessage[]): number[] => rows.map((r) => Number(insert.run(r.topic, r.payload, r.receivedAt).lastInsertRowid))),
    /** [event JSON or null, verified key or null, id] for each message checked. */
    note: db.transaction((found: readonly (readonly [string | null, string | null, number])[]) => {
      for (const f of found) note.run(...f);
    }),
    /** Removes every message of id up to `id`. */
    removeUpTo: (id: number) => void removeUpTo.run(id),
    close: () => db.close(),
  };
}

const CREATE = 'CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL, event TEXT, verified_key TEXT)';

/** Opens (and creates) an inbox file, for this module's connection or another thread's. */
export function openInboxFile(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Two connections write: one waits for the other's one-statement transaction.
  db.pragma('busy_timeout = 5000');
  // AUTOINCREMENT: an id is never given twice, even once the inbox has been emptied, so that the
  // processing can go by "every id up to n is done".
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'inbox'").pluck().get() as string | undefined;
  if (table !== undefined && !/AUTOINCREMENT/i.test(table)) {
    // A file from before: its messages move to the new table, ids and all.
    db.transaction(() => {
      db.exec('ALTER TABLE inbox RENAME TO inbox_old');
      db.exec(CREATE);
      db.exec('INSERT INTO inbox SELECT id, topic, payload, received_at, event, verified_key FROM inbox_old; DROP TABLE inbox_old');
    })();
  } else {
    db.exec(CREATE);
  }
  return db;
}
