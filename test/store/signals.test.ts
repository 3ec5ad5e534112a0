import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore, type StoreAdapter } from '../../src/store/index.ts';
import { PG_SKIP, pgSchemas } from '../support/stores.ts';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

const until = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * Signals between instances on one PostgreSQL schema (store.signals: LISTEN/NOTIFY): what one
 * publishes, every subscriber hears, its own process included, and no instance of another schema;
 * when the listening connection is lost, it listens again and tells its subscribers, since a
 * signal may have been missed meanwhile.
 */
describe('store signals between instances on PostgreSQL', databaseUrl === undefined ? { skip: PG_SKIP } : {}, () => {
  const stores: StoreAdapter[] = [];
  const schemas = pgSchemas(databaseUrl);
  after(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    await schemas.drop();
  });
  const open = async (schema: string) => {
    const s = await openStore({ databaseUrl, pgSchema: schema, sqliteFile: '' });
    stores.push(s);
    return s;
  };
  const fresh = () => schemas.fresh();

  it('reaches every instance of the schema, and no other', async () => {
    const schema = fresh();
    const [a, b, other] = [await open(schema), await open(schema), await open(fresh())];
    const heard = { a: 0, b: 0, other: 0 };
    await a.signals!.subscribe('decider.refresh', () => heard.a++);
    await b.signals!.subscribe('decider.refresh', () => heard.b++);
    await other.signals!.subscribe('decider.refresh', () => heard.other++);
    await a.signals!.publish('decider.refresh');
    await until('both instances hear it', () => heard.a === 1 && heard.b === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(heard, { a: 1, b: 1, other: 0 });
  });

  it('after its listening connection is lost, listens again and tells its subscribers', async () => {
    const schema = fresh();
    const [a, b] = [await open(schema), await open(schema)];
    let heard = 0;
    await b.signals!.subscribe('data-keys', () => heard++);
    const tag = createHash('sha256').update(schema).digest('hex').slice(0, 16);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const k = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [`LISTEN "portcullis_data_keys_${tag}"`]);
    await admin.end();
    assert.equal(k.rowCount, 1, 'one listening connection of the schema');
    // Told at once after listening again (a signal may have been missed)…
    await until('the subscriber is told after the reconnection', () => heard === 1);
    // …and it hears the next signal as before.
    await a.signals!.publish('data-keys');
    await until('the next signal is heard', () => heard === 2);
  });
});
