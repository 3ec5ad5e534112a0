import type pg from 'pg';
import { PortcullisError } from '../../domain/errors.ts';
import type { IntegrateBatch, Placement } from '../ledger-rows.ts';

/**
 * One batch in one transaction on this connection: its entries, payloads and nodes, and — for a
 * sequencer placing batches that other processes queued — their placements, announced on
 * `announce` (delivered at commit). CONFLICT when the log does not hold `first` entries.
 */
export async function integrateOn(client: pg.ClientBase, batch: IntegrateBatch, placed: readonly Placement[] = [], announce?: string): Promise<void> {
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
    if (placed.length > 0) {
      // The queued payloads are in the log now: only where they went is kept, for their processes to read.
      const u = await client.query(
        `UPDATE ledger_queue q SET first_idx = p.first, placed_at = $3, entries = NULL
         FROM unnest($1::bigint[], $2::int[]) AS p(id, first) WHERE q.id = p.id AND q.first_idx IS NULL`,
        [placed.map((p) => p.id), placed.map((p) => p.first), new Date().toISOString()],
      );
      if (u.rowCount !== placed.length) throw new PortcullisError('CONFLICT', `${placed.length - (u.rowCount ?? 0)} of the queued batches were placed already: another sequencer has written to the log`);
      if (announce !== undefined) for (const payload of placementNotices(placed)) await client.query('SELECT pg_notify($1, $2)', [announce, payload]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** NOTIFY carries under 8,000 bytes: placements as "id:first" lists cut to fit. */
function placementNotices(placed: readonly Placement[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of placed) {
    const item = `${p.id}:${p.first}`;
    if (cur.length + item.length + 1 > 7000) {
      out.push(cur);
      cur = '';
    }
    cur = cur === '' ? item : `${cur},${item}`;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** The placements in a notice (placementNotices). */
export function parsePlacements(notice: string): Placement[] {
  const out: Placement[] = [];
  for (const item of notice.split(',')) {
    const [id, first] = item.split(':').map(Number);
    if (Number.isSafeInteger(id) && Number.isSafeInteger(first)) out.push({ id: id!, first: first! });
  }
  return out;
}
