import type pg from 'pg';
import { PortcullisError } from '../../domain/errors.ts';
import type { LedgerRows, NodeRow, ScannedRow } from '../ledger-rows.ts';

/**
 * The ledger's hot paths on PostgreSQL: a batch is three INSERT … SELECT FROM unnest(arrays)
 * statements in one transaction (a handful of round trips whatever its size; the commit waits for
 * the WAL flush), a proof's nodes are one query joined on arrays of (level, idx).
 */
export function pgLedgerRows(pool: pg.Pool): LedgerRows {
  return {
    // A commit returns once PostgreSQL has flushed it: what is visible is on disk.
    durable: async () => {},
    integrate: async (batch) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        try {
          // The lock makes a second writer wait here rather than fail on the key half-way through.
          await client.query('LOCK TABLE ledger_entries IN SHARE ROW EXCLUSIVE MODE');
          const r = await client.query<{ m: string | null }>('SELECT max(idx)::text AS m FROM ledger_entries');
          const size = r.rows[0]?.m == null ? 0 : Number(r.rows[0].m) + 1;
          if (size !== batch.first) throw new PortcullisError('CONFLICT', `the ledger holds ${size} entries, not ${batch.first}: another sequencer has written to it`);
          const es = batch.entries;
          const idx = es.map((_, i) => batch.first + i);
          await client.query(
            `INSERT INTO ledger_entries (idx, type, party, key_id, time, corrects, commitment, signature, subject)
             SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])`,
            [idx, es.map((e) => e.entry.type), es.map((e) => e.entry.party), es.map((e) => e.entry.keyId), es.map((e) => e.entry.time), es.map((e) => e.entry.corrects), es.map((e) => e.entry.commitment), es.map((e) => e.entry.signature), es.map((e) => e.subject)],
          );
          await client.query('INSERT INTO ledger_payloads (idx, salt, payload) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])', [idx, es.map((e) => e.salt), es.map((e) => e.payload)]);
          // The hashes as one bytea, cut in SQL: an array of thousands of small bytea values costs far
          // more to encode and parse than one long value.
          const ns = batch.nodes;
          const hashes = Buffer.allocUnsafe(32 * ns.length);
          ns.forEach((n, i) => hashes.set(n.hash, 32 * i));
          await client.query(
            `INSERT INTO ledger_nodes (level, idx, hash)
             SELECT t.level, t.idx, substring($3::bytea FROM ((t.o - 1) * 32 + 1)::int FOR 32) FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS t(level, idx, o)`,
            [ns.map((n) => n.level), ns.map((n) => n.index), hashes],
          );
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
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
