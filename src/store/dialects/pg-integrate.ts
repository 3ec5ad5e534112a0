import type pg from 'pg';
import { PortcullisError } from '../../domain/errors.ts';
import type { IntegrateBatch, Placement } from '../ledger-rows.ts';

/**
 * One batch in one transaction on this connection: its entries, payloads and nodes, and — for a
 * sequencer placing batches that other processes queued — their placements, announced on
 * `announce` (delivered at commit). CONFLICT, writing nothing, when the log does not hold `first`
 * entries or a queued batch was placed already (another sequencer has written).
 *
 * One statement does it all (BEGIN, it, COMMIT: three round trips, not one per table): its parts
 * write only when the log's size is `first`, and the primary key on the index refuses a second
 * writer that raced past that check.
 */
export async function integrateOn(client: pg.ClientBase, batch: IntegrateBatch, placed: readonly Placement[] = [], announce?: string): Promise<void> {
  const es = batch.entries;
  const idx = es.map((_, i) => batch.first + i);
  // The hashes as one bytea, cut in SQL: an array of thousands of small bytea values costs far
  // more to encode and parse than one long value.
  const ns = batch.nodes;
  const hashes = Buffer.allocUnsafe(32 * ns.length);
  ns.forEach((n, i) => hashes.set(n.hash, 32 * i));
  const notices = announce === undefined ? [] : placementNotices(placed);
  await client.query('BEGIN');
  try {
    const r = await client.query<{ size: number; placed: number }>(
      `WITH chk AS (SELECT coalesce(max(idx) + 1, 0)::int AS size FROM ledger_entries),
       e AS (INSERT INTO ledger_entries (idx, type, party, key_id, time, corrects, commitment, signature, subject)
             SELECT u.* FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[]) AS u, chk WHERE chk.size = $1),
       p AS (INSERT INTO ledger_payloads (idx, salt, payload)
             SELECT u.* FROM unnest($2::int[], $11::text[], $12::text[]) AS u, chk WHERE chk.size = $1),
       n AS (INSERT INTO ledger_nodes (level, idx, hash)
             SELECT t.level, t.idx, substring($15::bytea FROM ((t.o - 1) * 32 + 1)::int FOR 32)
             FROM unnest($13::int[], $14::int[]) WITH ORDINALITY AS t(level, idx, o), chk WHERE chk.size = $1),
       q AS (UPDATE ledger_queue SET first_idx = pl.first, placed_at = $18, entries = NULL
             FROM unnest($16::bigint[], $17::int[]) AS pl(id, first), chk
             WHERE chk.size = $1 AND ledger_queue.id = pl.id AND ledger_queue.first_idx IS NULL RETURNING 1),
       nt AS (SELECT pg_notify($19, x) FROM unnest($20::text[]) AS x, chk WHERE chk.size = $1)
       SELECT (SELECT size FROM chk) AS size, (SELECT count(*) FROM q)::int AS placed, (SELECT count(*) FROM nt)::int AS notified`,
      [
        batch.first, idx, es.map((e) => e.entry.type), es.map((e) => e.entry.party), es.map((e) => e.entry.keyId), es.map((e) => e.entry.time), es.map((e) => e.entry.corrects), es.map((e) => e.entry.commitment), es.map((e) => e.entry.signature), es.map((e) => e.subject),
        es.map((e) => e.salt), es.map((e) => e.payload),
        ns.map((n) => n.level), ns.map((n) => n.index), hashes,
        placed.map((p) => p.id), placed.map((p) => p.first), new Date().toISOString(),
        announce ?? '', notices,
      ],
    );
    const row = r.rows[0]!;
    if (row.size !== batch.first) throw new PortcullisError('CONFLICT', `the ledger holds ${row.size} entries, not ${batch.first}: another sequencer has written to it`);
    if (row.placed !== placed.length) throw new PortcullisError('CONFLICT', `${placed.length - row.placed} of the queued batches were placed already: another sequencer has written to the log`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new PortcullisError('CONFLICT', `another sequencer wrote entries from ${batch.first} meanwhile`, [], { cause: e });
    throw e;
  }
}

const UNIQUE_VIOLATION = '23505';

/** NOTIFY carries under 8,000 bytes: placements as "id:first" lists cut to fit. */
export function placementNotices(placed: readonly Placement[]): string[] {
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
    // first is -1 for a batch the sequencer refused.
    if (Number.isSafeInteger(id) && Number.isSafeInteger(first)) out.push({ id: id!, first: first! });
  }
  return out;
}
