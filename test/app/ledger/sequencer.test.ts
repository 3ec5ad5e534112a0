import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { AppContext } from '../../../src/app/context.ts';
import { Ledger } from '../../../src/app/ledger/ledger.ts';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { sequencerLockKey } from '../../../src/store/dialects/pg-sequencer.ts';
import { ledgerRepo, openStore, type StoreAdapter } from '../../../src/store/index.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { codecOf } from '../../../src/app/security/data-keys.ts';
import { fieldCipher, keyRing } from '../../../src/security/field-cipher.ts';
import { appOf } from '../targeting/fixtures.ts';
import { PG_SKIP, pgSchemas } from '../../support/stores.ts';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

/**
 * Several processes on one PostgreSQL database share one ledger: one of them sequences it at a
 * time (a session advisory lock), the others queue their entries for it; when the sequencer's
 * connection ends, another takes over, and nothing acknowledged is lost. Two application contexts
 * in this process stand for two instances: each has its own pool, lease and listener connections.
 */
describe('ledger: one sequencer among instances on PostgreSQL', databaseUrl === undefined ? { skip: PG_SKIP } : {}, () => {
  const schemas = pgSchemas(databaseUrl);
  const open: StoreAdapter[] = [];
  const ledgers: Ledger[] = [];
  after(async () => {
    for (const l of ledgers) await l.close().catch(() => undefined);
    for (const s of open) await s.close().catch(() => undefined);
    await schemas.drop();
  });

  // The instances seal sensitive values with one data key ring, as a deployment's do.
  const codec = codecOf(fieldCipher(keyRing([{ kid: 'k1', key: randomBytes(32) }])));

  /** `n` instances on one new schema, sharing their keys (as instances of one deployment do). */
  async function instances(n: number): Promise<{ schema: string; apps: AppContext[]; ledgers: Ledger[] }> {
    const schema = schemas.fresh();
    const stores = await Promise.all(Array.from({ length: n }, () => openStore({ databaseUrl, pgSchema: schema, sqliteFile: '', codec })));
    open.push(...stores);
    let t = Date.parse('2026-03-01T08:00:00Z');
    const first = appOf(stores[0]!, () => new Date((t += 1000)));
    const apps = stores.map((store) => ({ ...first, store }));
    const ls = apps.map((app) => new Ledger(app));
    ledgers.push(...ls);
    await Promise.all(ls.map((l) => l.start()));
    return { schema, apps, ledgers: ls };
  }

  /** Payloads carry a goods description: sealed at rest, in the log and in its queue alike. */
  const SECRET = 'undeclared-lithium-cells';
  const record = (l: Ledger, tag: string, n: number) =>
    l.record(Array.from({ length: n }, (_, i) => ({ type: 'declaration.filed' as const, subject: `declaration:${tag}-${i}`, payload: { id: `${tag}-${i}`, description: SECRET } })));

  /** Every index 0…size-1 once, every acknowledged subject at its index, and the log verifies. */
  async function assertComplete(l: Ledger, acknowledged: ReadonlyMap<string, number>): Promise<void> {
    const size = await l.repo.size();
    const entries = await l.repo.entries(0, size);
    assert.deepEqual(entries.map((e) => e.index), Array.from({ length: size }, (_, i) => i), 'the log has no gap');
    for (const [subject, index] of acknowledged) assert.equal(entries[index]?.subject, subject, `acknowledged ${subject} is entry ${index}`);
    await l.checkpoint();
    const r = await verifyLedger(l.repo, { logKey: l.verifierKey, signatures: true, payloads: true });
    assert.equal(r.ok, true, JSON.stringify(r.findings));
  }

  it('exactly one instance sequences; the others queue, and every entry gets one place', async () => {
    const { schema, ledgers: [a, b, c] } = await instances(3);
    const roles = [a!, b!, c!].map((l) => l.role).sort();
    assert.deepEqual(roles, ['follower', 'follower', 'sequencer']);
    const acknowledged = new Map<string, number>();
    await Promise.all(
      [a!, b!, c!].flatMap((l, k) =>
        Array.from({ length: 10 }, async (_, round) => {
          const indices = await record(l, `I${k}R${round}`, 7);
          indices.forEach((index, i) => acknowledged.set(`declaration:I${k}R${round}-${i}`, index));
        }),
      ),
    );
    assert.equal(acknowledged.size, 210);
    assert.equal(new Set(acknowledged.values()).size, 210, 'no index given twice');
    await assertComplete(a!, acknowledged);
    // Followers' batches went through the queue; the log's payloads are sealed, and open.
    const db = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await db.connect();
    const queued = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_queue');
    const plain = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ledger_payloads WHERE payload LIKE '%${SECRET}%'`);
    await db.end();
    assert.ok(Number(queued.rows[0]!.n) > 0, 'followers queued batches');
    assert.equal(plain.rows[0]!.n, '0', 'no payload in plaintext at rest');
    assert.equal(JSON.parse((await a!.repo.payload(acknowledged.get('declaration:I1R3-2')!))!.payload).description, SECRET);
  });

  it("when the sequencer's connection ends, another instance takes over within seconds and nothing acknowledged is lost", async () => {
    const { schema, ledgers: ls } = await instances(2);
    const leader = ls.find((l) => l.role === 'sequencer')!;
    const follower = ls.find((l) => l.role === 'follower')!;
    const acknowledged = new Map<string, number>();
    const failed: string[] = [];
    let stop = false;
    // Both instances append all along; a caller whose batch is lost with the connection is told so.
    const load = ls.map(async (l, k) => {
      for (let round = 0; !stop; round++) {
        const tag = `I${k}R${round}`;
        try {
          (await record(l, tag, 5)).forEach((index, i) => acknowledged.set(`declaration:${tag}-${i}`, index));
        } catch {
          failed.push(tag);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    // The sequencer's lease connection dies (as it does when its process is killed).
    const key = BigInt.asUintN(64, sequencerLockKey(schema));
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const killedAt = Date.now();
    const k = await admin.query("SELECT pg_terminate_backend(pid) AS done FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2 AND objsubid = 1", [Number(key >> 32n), Number(key & 0xffffffffn)]);
    await admin.end();
    assert.equal(k.rowCount, 1, 'one process held the lease');
    while (follower.role !== 'sequencer' && leader.role !== 'sequencer' && Date.now() - killedAt < 10_000) await new Promise((r) => setTimeout(r, 20));
    const takeover = Date.now() - killedAt;
    assert.ok(takeover < 5000, `taken over in ${takeover} ms`);
    const before = acknowledged.size;
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(load);
    assert.ok(acknowledged.size > before, 'appends went on after the takeover');
    assert.equal([leader, follower].filter((l) => l.role === 'sequencer').length, 1, 'one sequencer after the takeover');
    assert.equal(new Set(acknowledged.values()).size, acknowledged.size, 'no index given twice');
    await assertComplete(follower, acknowledged);
  });

  it('a batch waits in the queue sealed, bound to its token and place; the sequencer opens it, and refuses one that does not open', async () => {
    // A store with no ledger running on it: nobody places what is queued until the test takes the lease.
    const schema = schemas.fresh();
    const store = await openStore({ databaseUrl, pgSchema: schema, sqliteFile: '', codec });
    open.push(store);
    const repo = ledgerRepo(store);
    const entry = { type: 'declaration.filed' as const, party: 'customs', keyId: 'k', time: '2026-03-01T08:00:00Z', corrects: null, commitment: 'c', signature: 's' };
    const id = await repo.shared!.enqueue('token-1', [{ entry, subject: 'declaration:Q-1', salt: 'salt', payload: JSON.stringify({ description: SECRET }) }]);
    const db = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await db.connect();
    const row = await db.query<{ entries: string }>('SELECT entries FROM ledger_queue WHERE id = $1', [id]);
    assert.ok(!row.rows[0]!.entries.includes(SECRET), 'the queued payload is sealed');
    // A second batch, moved to another batch's token: it does not open, and is refused.
    const moved = await repo.shared!.enqueue('token-3', [{ entry: { ...entry, commitment: 'c2' }, subject: 'declaration:Q-2', salt: 'salt', payload: JSON.stringify({ description: SECRET }) }]);
    await db.query("UPDATE ledger_queue SET token = 'token-2' WHERE id = $1", [moved]);
    const lease = await repo.shared!.tryLead();
    assert.ok(lease !== null);
    const queued = await lease.queued(10);
    assert.deepEqual(queued.map((q) => q.id), [id], 'the moved batch is not handed over');
    assert.equal(JSON.parse(queued[0]!.entries[0]!.payload).description, SECRET);
    assert.equal((await db.query<{ f: number }>('SELECT first_idx AS f FROM ledger_queue WHERE id = $1', [moved])).rows[0]!.f, -1, 'refused');
    await db.end();
    await lease.release();
  });

  it('the sequencer closes while the others keep appending, and one of them takes over', async () => {
    const { ledgers: ls } = await instances(2);
    const leader = ls.find((l) => l.role === 'sequencer')!;
    const follower = ls.find((l) => l.role === 'follower')!;
    let stop = false;
    let acknowledged = 0;
    const load = (async () => {
      for (let round = 0; !stop; round++) acknowledged += (await record(follower, `F${round}`, 5)).length;
    })();
    await new Promise((r) => setTimeout(r, 300));
    const closing = Date.now();
    await leader.close();
    const closeMs = Date.now() - closing;
    assert.ok(closeMs < 5000, `closed in ${closeMs} ms under the other instance's load`);
    await until(() => follower.role === 'sequencer', 'the other instance takes over');
    const before = acknowledged;
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await load;
    assert.ok(acknowledged > before, 'appends went on after the takeover');
    await assertComplete(follower, new Map());
  });

  it('an instance that closes with batches no sequencer placed takes them back, and says they were not written', async () => {
    const schema = schemas.fresh();
    const stores = await Promise.all([0, 1].map(() => openStore({ databaseUrl, pgSchema: schema, sqliteFile: '', codec })));
    open.push(...stores);
    // A sequencer that never places anything: the lease held by hand.
    const stuck = await ledgerRepo(stores[0]!).shared!.tryLead();
    assert.ok(stuck !== null);
    const app = appOf(stores[1]!);
    const l = new Ledger(app);
    await l.start();
    assert.equal(l.role, 'follower');
    const pending = record(l, 'W', 3);
    pending.catch(() => undefined);
    await until(async () => (await count(schema, 'ledger_queue')) === 1, 'the batch is queued');
    await l.close();
    await assert.rejects(pending, (e: unknown) => isPortcullisError(e) && /not written/.test(e.message));
    assert.equal(await count(schema, 'ledger_queue'), 0, 'taken back from the queue');
    await stuck.release();
  });
  it('a queued batch the database will not take, or that cannot be opened, is refused; the queue behind it moves on', async () => {
    // The queue is set up before any instance sequences, so that no batch is placed half-made.
    const schema = schemas.fresh();
    const store = await openStore({ databaseUrl, pgSchema: schema, sqliteFile: '', codec });
    open.push(store);
    const raw = ledgerRepo(store).shared!;
    const entry = (n: number) => ({ type: 'declaration.filed' as const, party: 'customs', keyId: 'k', time: '2026-03-01T08:00:00Z', corrects: null, commitment: `c${n}`, signature: `s${n}` });
    // PostgreSQL's text takes no NUL: this batch can never be written.
    const poison = await raw.enqueue('t-poison', [{ entry: entry(1), subject: 'declaration:\u0000', salt: 'salt', payload: '{}' }]);
    const good = await raw.enqueue('t-good', [{ entry: entry(2), subject: 'declaration:G-1', salt: 'salt', payload: '{}' }]);
    const db = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await db.connect();
    // Sealed for another place: it does not open.
    const moved = await raw.enqueue('t-moved', [{ entry: entry(3), subject: 'declaration:M-1', salt: 'salt', payload: '{}' }]);
    await db.query("UPDATE ledger_queue SET token = 't-elsewhere' WHERE id = $1", [moved]);
    const leader = new Ledger(appOf(store));
    ledgers.push(leader);
    await leader.start();
    assert.equal(leader.role, 'sequencer');
    const firstOf = async (id: number) => (await db.query<{ f: number | null }>('SELECT first_idx AS f FROM ledger_queue WHERE id = $1', [id])).rows[0]?.f;
    await until(async () => (await firstOf(poison)) !== null && (await firstOf(good)) !== null && (await firstOf(moved)) !== null, 'every batch placed or refused');
    assert.equal(await firstOf(poison), -1, 'refused: the database refuses its data');
    assert.equal(await firstOf(moved), -1, 'refused: it does not open');
    assert.ok((await firstOf(good))! >= 0, 'the batch behind them is placed');
    await db.end();
    // The sequencer's own entries go on.
    assert.equal((await record(leader, 'after', 2)).length, 2);
    assert.equal(leader.role, 'sequencer', 'it kept the lease');
  });
});

async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function count(schema: string, table: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);
  } finally {
    await c.end();
  }
}
