import type Database from 'better-sqlite3';
import type { IotTables, TelemetryRows } from '../iot-repo.ts';

/**
 * Telemetry's writes on SQLite with statements prepared once and run a row at a time: a batch of
 * events is a few hundred inserts, and building one multi-row INSERT through Kysely for each batch
 * (and SQLite parsing it) cost more than the inserts themselves. The statements run on the store's
 * one connection, inside the transaction the caller (iot-repo.ts) holds on it.
 */
export function sqliteTelemetryRows(raw: Database.Database): TelemetryRows {
  let st: ReturnType<typeof prepare> | undefined;
  const prepare = () => ({
    event: raw.prepare(
      `INSERT INTO iot_events (device_id, event_id, container, time, seq, body, received_at, ledger_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, event_id) DO NOTHING`,
    ),
    progress: raw.prepare(
      `INSERT INTO device_progress (device_id, last_seq, last_time) VALUES (?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET last_seq = excluded.last_seq, last_time = excluded.last_time
       WHERE device_progress.last_seq < excluded.last_seq`,
    ),
    index: raw.prepare('UPDATE iot_events SET ledger_index = ? WHERE device_id = ? AND event_id = ?'),
  });
  const stmts = () => (st ??= prepare());
  return {
    insertEvents(rows: readonly IotTables['iot_events'][]): boolean[] {
      const s = stmts().event;
      return rows.map((r) => s.run(r.device_id, r.event_id, r.container, r.time, r.seq, r.body, r.received_at, r.ledger_index).changes === 1);
    },
    advanceProgress(rows: readonly IotTables['device_progress'][]): void {
      const s = stmts().progress;
      for (const r of rows) s.run(r.device_id, r.last_seq, r.last_time);
    },
    noteLedgerIndices(rows: readonly { readonly deviceId: string; readonly eventId: string; readonly index: number }[]): void {
      const s = stmts().index;
      for (const r of rows) s.run(r.index, r.deviceId, r.eventId);
    },
  };
}
