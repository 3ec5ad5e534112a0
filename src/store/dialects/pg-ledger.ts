import type pg from 'pg';
import type { LedgerRows, NodeRow, ScannedRow } from '../ledger-rows.ts';
import { integrateOn } from './pg-integrate.ts';
import type { Signals } from '../store-adapter.ts';
import type { PgConnection } from './pg-connection.ts';
import { pgSharedLedger } from './pg-sequencer.ts';

/**
 * The ledger's hot paths on PostgreSQL: a batch is three INSERT … SELECT FROM unnest(arrays)
 * statements in one transaction (a handful of round trips whatever its size; the commit waits for
 * the WAL flush), a proof's nodes are one query joined on arrays of (level, idx).
 */
export function pgLedgerRows(pool: pg.Pool, connection: PgConnection, signals: Signals): LedgerRows {
  return {
    shared: pgSharedLedger(pool, connection, signals),
    // A commit returns once PostgreSQL has flushed it: what is visible is on disk.
    durable: async () => {},
    integrate: async (batch) => {
      const client = await pool.connect();
      try {
        await integrateOn(client, batch);
      } finally {
        client.release();
      }
    },
    nodes: async (ids) => {
      if (ids.length === 0) return [];
      const r = await pool.query<{ level: number; idx: number; hash: Buffer }>(
        'SELECT n.level, n.idx, n.hash FROM ledger_nodes n JOIN unnest($1::int[], $2::int[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx',
        [ids.map((i) => i.level), ids.map((i) => i.index)],
      );
      const found = new Map(r.rows.map((row) => [`${row.level}/${row.idx}`, row.hash]));
      return ids.map((id) => found.get(`${id.level}/${id.index}`));
    },
    scan: async (from, to, payloads) => {
      const r = await pool.query({
        text: `SELECT e.idx, e.type, e.party, e.key_id, e.time, e.corrects, e.commitment, e.signature, ${payloads ? 'p.salt, p.payload' : 'NULL, NULL'}
               FROM ledger_entries e ${payloads ? 'LEFT JOIN ledger_payloads p ON p.idx = e.idx' : ''}
               WHERE e.idx >= $1 AND e.idx < $2 ORDER BY e.idx`,
        values: [from, to],
        rowMode: 'array',
      });
      return r.rows as ScannedRow[];
    },
    level: async (level, from, to) => {
      const r = await pool.query<{ level: number; idx: number; hash: Buffer }>('SELECT level, idx, hash FROM ledger_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx', [level, from, to]);
      return r.rows.map((row): NodeRow => ({ level: row.level, index: row.idx, hash: row.hash }));
    },
    packedLevel: async (level, from, to) => {
      const r = await pool.query<{ n: string; hashes: Buffer }>(
        "SELECT count(*) FILTER (WHERE length(hash) = 32) AS n, coalesce(string_agg(hash, ''::bytea ORDER BY idx), ''::bytea) AS hashes FROM ledger_nodes WHERE level = $1 AND idx >= $2 AND idx < $3",
        [level, from, to],
      );
      return { count: Number(r.rows[0]!.n), hashes: r.rows[0]!.hashes };
    },
  };
}

