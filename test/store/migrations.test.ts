import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { type Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { MIGRATIONS, migrateToLatest, migratorFor } from '../../src/store/migrate.ts';

/** The migrations from `name` on, as migrateToLatest runs them (later issues add their own after these). */
const from = (name: string): string[] => Object.keys(MIGRATIONS).slice(Object.keys(MIGRATIONS).indexOf(name));
import { decisionsRepo, declarationsRepo, openStore, type StoreAdapter } from '../../src/store/index.ts';
import { forEachStore, makeRecords, PG_SKIP, pgSchemas, tableNamesOf } from '../support/stores.ts';
import { decision } from '../support/targeting-fixtures.ts';

const TARGETING = ['alerts', 'budgets', 'decisions', 'inspections', 'models', 'rules', 'selector_state', 'users'];
const LEDGER = ['ledger_checkpoints', 'ledger_cosignatures', 'ledger_entries', 'ledger_keys', 'ledger_nodes', 'ledger_payloads'];
const MOVEMENTS = ['telemetry_readings', 'transport_events'];
const TABLES = ['declarations', 'goods_items', 'ingest_runs', 'parties', ...TARGETING, ...LEDGER, ...MOVEMENTS];

forEachStore('migrations', (h) => {
  it('openStore creates every table', async () => {
    const store = await h.open();
    const names = await tableNamesOf(store);
    for (const t of TABLES) assert.ok(names.includes(t), `table ${t} missing from ${names.join(', ')}`);
  });

  it('openStore records the migrations it ran', async () => {
    const store = await h.open();
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(store.db);
    assert.deepEqual(rows.map((r) => r.name).slice(0, 5), ['0001-initial', '0002-drop-importer-index', '0003-targeting', '0004-ledger', '0005-movements']);
    assert.deepEqual(rows.map((r) => r.name), Object.keys(MIGRATIONS));
  });

  it('the new tables are empty', async () => {
    const store = await h.open();
    for (const t of TABLES) {
      const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(store.db);
      assert.equal(Number(rows[0]?.n), 0, t);
    }
  });

  it('running the migrations again is a no-op that keeps the data', async () => {
    const store = await h.open();
    const sink = await store.openDeclarationSink({ atomic: false });
    await sink.write(makeRecords(3));
    await sink.commit();
    const before = await tableNamesOf(store);

    assert.deepEqual(await migrateToLatest(store), []);
    assert.deepEqual(await migrateToLatest(store), []);

    assert.deepEqual(await tableNamesOf(store), before);
    assert.equal((await declarationsRepo(store.db).stats()).declarations, 3);
  });

  it('opening the same database again migrates nothing and sees the data', { skip: h.reopen === undefined && 'no second connection to :memory:' }, async () => {
    const store = await h.open();
    const sink = await store.openDeclarationSink({ atomic: false });
    await sink.write(makeRecords(2));
    await sink.commit();
    const again = await h.reopen!(store);
    assert.deepEqual(await migrateToLatest(again), []);
    assert.deepEqual(await tableNamesOf(again), await tableNamesOf(store));
    assert.equal((await declarationsRepo(again.db).stats()).declarations, 2);
  });
});

/** A migrator of the store's database that knows only the first `n` migrations. */
function migratorOf(store: StoreAdapter, n: number): Migrator {
  const migrations = Object.fromEntries(Object.entries(MIGRATIONS).slice(0, n));
  return migratorFor(store, migrations);
}

forEachStore('migrations from an older database', (h) => {
  it('a database made by 0001 and 0002 gets only 0003, 0004 and 0005, and keeps its data', async () => {
    const store = await h.open();
    // Down to nothing, then up with the migrations that existed at 0002, as an older release left it.
    assert.equal((await migratorOf(store, Object.keys(MIGRATIONS).length).migrateTo(NO_MIGRATIONS)).error, undefined);
    assert.deepEqual((await tableNamesOf(store)).filter((t) => TABLES.includes(t)), []);
    const old = await migratorOf(store, 2).migrateToLatest();
    assert.equal(old.error, undefined);
    assert.deepEqual(old.results?.map((r) => r.migrationName), ['0001-initial', '0002-drop-importer-index']);
    const sink = await store.openDeclarationSink({ atomic: false });
    await sink.write(makeRecords(4));
    await sink.commit();
    assert.ok(!(await tableNamesOf(store)).includes('decisions'));

    assert.deepEqual(await migrateToLatest(store), from('0003-targeting'));

    const names = await tableNamesOf(store);
    for (const t of TABLES) assert.ok(names.includes(t), `table ${t} missing from ${names.join(', ')}`);
    assert.equal((await declarationsRepo(store.db).stats()).declarations, 4);
    await decisionsRepo(store.db).insert([decision('DEC-000002', 1)]);
    assert.equal((await decisionsRepo(store.db).latest('DEC-000002'))?.revision, 1);
    assert.deepEqual(await migrateToLatest(store), []);
  });

  it('0003 goes down and up again', async () => {
    const store = await h.open();
    assert.equal((await migratorOf(store, Object.keys(MIGRATIONS).length).migrateTo('0002-drop-importer-index')).error, undefined);
    const names = await tableNamesOf(store);
    for (const t of [...TARGETING, ...LEDGER, ...MOVEMENTS]) assert.ok(!names.includes(t), `table ${t} left behind`);
    assert.deepEqual(await migrateToLatest(store), from('0003-targeting'));
  });

  it('0004 goes down and up again', async () => {
    const store = await h.open();
    assert.equal((await migratorOf(store, Object.keys(MIGRATIONS).length).migrateTo('0003-targeting')).error, undefined);
    const names = await tableNamesOf(store);
    for (const t of [...LEDGER, ...MOVEMENTS]) assert.ok(!names.includes(t), `table ${t} left behind`);
    assert.deepEqual(await migrateToLatest(store), from('0004-ledger'));
  });

  it('0005 goes down and up again', async () => {
    const store = await h.open();
    assert.equal((await migratorOf(store, Object.keys(MIGRATIONS).length).migrateTo('0004-ledger')).error, undefined);
    const names = await tableNamesOf(store);
    for (const t of MOVEMENTS) assert.ok(!names.includes(t), `table ${t} left behind`);
    for (const t of LEDGER) assert.ok(names.includes(t), `table ${t} went with 0005`);
    assert.deepEqual(await migrateToLatest(store), from('0005-movements'));
  });
});

forEachStore('migration 0010 (current decisions)', (h) => {
  it('marks every revision that a later one replaced, and only those', async () => {
    const store = await h.open();
    assert.equal((await migratorOf(store, Object.keys(MIGRATIONS).length).migrateTo('0009-worklist')).error, undefined);
    const sink = await store.openDeclarationSink({ atomic: false });
    const records = makeRecords(2);
    await sink.write(records);
    await sink.commit();
    const [a, b] = records.map((r) => r.declaration.id) as [string, string];
    await sql`INSERT INTO decisions (declaration_id, revision, decided_at, office, lane, selection_type, propensity, probability, score, thresholds, reasons, rules, model, rule_set)
      VALUES (${a}, 1, '2024-01-01T00:00:00Z', 'X', 'red', 'risk', 1, NULL, 0.9, '{}', '[]', '[]', NULL, ''),
             (${a}, 2, '2024-01-02T00:00:00Z', 'X', 'green', 'risk', 1, NULL, 0.9, '{}', '[]', '[]', NULL, ''),
             (${b}, 1, '2024-01-01T00:00:00Z', 'X', 'red', 'risk', 1, NULL, 0.5, '{}', '[]', '[]', NULL, '')`.execute(store.db);
    assert.deepEqual(await migrateToLatest(store), from('0010-current-decisions'));
    const { rows } = await sql<{ declaration_id: string; revision: number; superseded: number }>`SELECT declaration_id, revision, superseded FROM decisions ORDER BY declaration_id, revision`.execute(store.db);
    assert.deepEqual(rows.map((r) => [r.declaration_id, Number(r.revision), Number(r.superseded)]), [[a, 1, 1], [a, 2, 0], [b, 1, 0]]);
    // A revision stored afterwards replaces the one before it.
    await decisionsRepo(store.db).insert([decision(b, 2)]);
    const after = await sql<{ revision: number; superseded: number }>`SELECT revision, superseded FROM decisions WHERE declaration_id = ${b} ORDER BY revision`.execute(store.db);
    assert.deepEqual(after.rows.map((r) => [Number(r.revision), Number(r.superseded)]), [[1, 1], [2, 0]]);
  });
});

describe('migrations on a PostgreSQL server whose other schemas come and go', process.env.DATABASE_URL?.trim() ? {} : { skip: PG_SKIP }, () => {
  // Kysely's migrator lists every table of every schema on the server, and failed when another
  // schema was dropped meanwhile (seen with test files run side by side); ours looks in its own.
  it('new schemas are migrated while another connection makes and drops schemas all along', { timeout: 120_000 }, async () => {
    const databaseUrl = process.env.DATABASE_URL!.trim();
    const schemas = pgSchemas(databaseUrl);
    const churner = new pg.Client({ connectionString: databaseUrl });
    await churner.connect();
    const tag = randomBytes(4).toString('hex');
    let stop = false;
    let churned = 0;
    const churn = (async () => {
      for (; !stop; churned++) {
        const s = `churn_${tag}_${churned}`;
        await churner.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.a (x int); CREATE TABLE ${s}.b (y int); CREATE VIEW ${s}.v AS SELECT x FROM ${s}.a`);
        await churner.query(`DROP SCHEMA ${s} CASCADE`);
      }
    })();
    try {
      for (let k = 0; k < 12; k++) {
        const store = await openStore({ databaseUrl, pgSchema: schemas.fresh(), sqliteFile: '' });
        try {
          assert.deepEqual((await tableNamesOf(store)).filter((t) => TABLES.includes(t)), [...TABLES].sort());
        } finally {
          await store.close();
        }
      }
    } finally {
      stop = true;
      await churn;
      await churner.end();
      await schemas.drop();
    }
    assert.ok(churned > 12, `schemas made and dropped meanwhile: ${churned}`);
  });
});
