/**
 * Encryption at rest through the app, as the service runs it: declarations filed (and put in the
 * ledger), parties saved, inspections recorded, alerts acknowledged — then the database FILE is read
 * byte by byte for the text (none may be there), the app reads it all back in plaintext, and key
 * rotation (interrupted half-way, then run again) leaves every row readable under the new key alone.
 * On PostgreSQL (DATABASE_URL) the raw column values are selected and must be ciphertext.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig, type Config } from '../../../src/app/config.ts';
import { openApp, type AppContext } from '../../../src/app/context.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { fileDeclarations } from '../../../src/app/ledger/record.ts';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { getDeclaration } from '../../../src/app/queries.ts';
import { DATA_KEYS_FILE, readKeyFileState } from '../../../src/app/security/data-keys.ts';
import { dataKeyStatus, rotateDataKeys } from '../../../src/app/security/rotate-keys.ts';
import { acknowledgeAlert, raiseAlert } from '../../../src/app/targeting/alerts.ts';
import { recordInspection } from '../../../src/app/targeting/inspections.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { alertsRepo, inspectionsRepo, partiesRepo, SEALED_COLUMNS } from '../../../src/store/index.ts';
import { PG_SKIP, declarationInput, makeRecord } from '../../support/stores.ts';

const N = 5;
const secret = (i: number) => ({
  party: `Quetzalcoatl Shipping Cooperative ${i}`,
  description: `Hand-carved meerschaum pipes lot ${i}`,
  notes: `Officer found a hidden compartment under crate ${i}`,
  reason: `Telephoned the consignee in Walvis Bay ${i}`,
});
const allSecrets = Array.from({ length: N }, (_, i) => Object.values(secret(i))).flat();
const id = (i: number) => `ENCAPP-${String(i).padStart(6, '0')}`;

async function fill(app: AppContext): Promise<void> {
  await addUser(app, { id: 'admin1', roles: ['admin'] });
  await addUser(app, { id: 'off1', roles: ['officer'] });
  await partiesRepo(app.store.db).upsert(Array.from({ length: N }, (_, i) => ({ id: `PTY-${i}`, name: secret(i).party, roles: ['importer' as const], country: 'NL', aeo: false })), app.clock().toISOString());
  const records = Array.from({ length: N }, (_, i) =>
    makeRecord(i, { prefix: 'ENCAPP', declaration: { importer: `PTY-${i}`, items: declarationInput(i).items.map((it) => ({ ...it, description: secret(i).description })) } }),
  );
  const sink = await app.store.openDeclarationSink({ atomic: false });
  try {
    await sink.write(records);
  } finally {
    await sink.commit();
  }
  await fileDeclarations(app)(records, []);
  for (let i = 0; i < N; i++) {
    await recordInspection(app, 'off1', { declarationId: id(i), finding: 'seizure', revenueRecovered: 0, notes: secret(i).notes });
    await raiseAlert(app, { id: `AL-${i}`, kind: 'discrepancy', subject: `declaration:${id(i)}`, severity: 'warning', message: 'manifest and declaration differ', detail: {}, raisedAt: app.clock().toISOString(), status: 'open' });
    await acknowledgeAlert(app, 'off1', `AL-${i}`, secret(i).reason);
  }
}

async function readsBack(app: AppContext): Promise<void> {
  for (let i = 0; i < N; i++) {
    assert.equal((await partiesRepo(app.store.db).get(`PTY-${i}`))?.name, secret(i).party);
    const d = await getDeclaration(app, id(i));
    assert.ok(d?.declaration.items.every((it) => it.description === secret(i).description), `declaration ${id(i)}`);
    assert.equal((await inspectionsRepo(app.store.db).latest(id(i)))?.notes, secret(i).notes);
    assert.equal((await alertsRepo(app.store.db).get(`AL-${i}`))?.acknowledgeReason, secret(i).reason);
  }
  // The ledger's payloads open too: every one matches its commitment.
  const ledger = ledgerOf(app);
  const r = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: false, payloads: true });
  assert.equal(r.ok, true, JSON.stringify(r.findings));
  assert.ok(r.checked.payloads >= 3 * N);
}

/** How many values of every sealed column are under each key, summed. */
async function keyTotals(app: AppContext): Promise<Record<string, number>> {
  const s = await dataKeyStatus(app);
  const out: Record<string, number> = {};
  for (const c of s.columns) for (const [k, n] of Object.entries(c.byKey)) out[k] = (out[k] ?? 0) + n;
  return out;
}

async function rotateTwiceInterrupted(config: Config): Promise<string> {
  let app = await openApp(config);
  const before = Object.keys(await keyTotals(app));
  assert.equal(before.length, 1);
  // Interrupted after the first batch of 4 rows ("crash"), then run again: it continues with the same new key.
  let batches = 0;
  await assert.rejects(rotateDataKeys(app, 'admin1', { batchRows: 4, onProgress: () => { if (++batches === 1) throw new Error('crash'); } }), /crash/);
  await app.close();
  app = await openApp(config);
  const half = await keyTotals(app);
  assert.equal(Object.keys(half).length, 2, JSON.stringify(half));
  const r = await rotateDataKeys(app, 'admin1', { batchRows: 4, retire: true });
  assert.equal(r.madeKey, false, 'the second run continues the rotation the first began');
  assert.equal(r.complete, true);
  assert.deepEqual(r.retired, before);
  assert.deepEqual(Object.keys(await keyTotals(app)), [r.current]);
  await readsBack(app);
  // A value filed after the rotation is sealed under the new key.
  await partiesRepo(app.store.db).upsert([{ id: 'PTY-new', name: 'After rotation', roles: ['importer'], country: 'NL', aeo: false }], app.clock().toISOString());
  const raw = await sql<{ name: string }>`SELECT name FROM parties WHERE id = 'PTY-new'`.execute(app.store.db);
  assert.ok(raw.rows[0]!.name.startsWith(`enc:v1:${r.current}:`));
  // The rotation is a privileged action in the ledger.
  const entries = await ledgerOf(app).repo.entriesAbout('data-keys');
  assert.ok(entries.length >= 1 && entries.every((e) => e.type === 'privileged.action'));
  await app.close();
  return r.current;
}

describe('encryption at rest on SQLite (file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-enc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ PORTCULLIS_DB: join(dir, 'p.db') });

  test('the database file holds no plaintext of any sealed field; the app reads it all back', async () => {
    const app = await openApp(config);
    await fill(app);
    await readsBack(app);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(app.store.db);
    await app.close();
    // The key file was made on first use, readable by the owner only.
    const keyFile = join(dir, 'keys', DATA_KEYS_FILE);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    // A control: the file does hold what is not sealed (the declaration ids), so the search below can find text.
    assert.notEqual(readFileSync(join(dir, 'p.db')).indexOf(Buffer.from(id(3))), -1);
    for (const f of ['p.db', 'p.db-wal', 'p.db-shm']) {
      const path = join(dir, f);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      for (const s of allSecrets) assert.equal(bytes.indexOf(Buffer.from(s, 'utf8')), -1, `${f} contains "${s}"`);
      // Nor a distinctive fragment of one.
      for (const s of ['Quetzalcoatl', 'meerschaum', 'hidden compartment', 'Walvis Bay']) assert.equal(bytes.indexOf(Buffer.from(s)), -1, `${f} contains "${s}"`);
    }
  });

  test('key rotation, interrupted half-way and run again, keeps every row readable under the new key alone', async () => {
    const current = await rotateTwiceInterrupted(config);
    const state = readKeyFileState(join(dir, 'keys', DATA_KEYS_FILE));
    assert.deepEqual(state.ring.keys.map((k) => k.kid), [current]);
    assert.equal(state.rotating, undefined);
    const app = await openApp(config);
    try {
      await readsBack(app);
    } finally {
      await app.close();
    }
  });
});

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
describe('encryption at rest on PostgreSQL', databaseUrl === undefined ? { skip: PG_SKIP } : {}, () => {
  const schema = `test_enc_${randomBytes(5).toString('hex')}`;
  const keysDir = mkdtempSync(join(tmpdir(), 'portcullis-enc-pg-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: keysDir });
  after(async () => {
    rmSync(keysDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  test('the raw column values are ciphertext; the app reads them back', async () => {
    const app = await openApp(config);
    try {
      await fill(app);
      await readsBack(app);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        for (const c of SEALED_COLUMNS) {
          const r = await client.query<{ v: string }>(`SELECT "${c.column}" AS v FROM "${schema}"."${c.table}" WHERE "${c.column}" IS NOT NULL`);
          assert.ok(r.rows.length > 0, `${c.table}.${c.column} has rows`);
          for (const { v } of r.rows) {
            assert.match(v, /^enc:v1:[A-Za-z0-9_.-]+:[A-Za-z0-9_-]+$/, `${c.table}.${c.column}`);
            for (const s of allSecrets) assert.ok(!v.includes(s));
          }
        }
      } finally {
        await client.end();
      }
    } finally {
      await app.close();
    }
  });

  test('key rotation, interrupted half-way and run again, keeps every row readable', async () => {
    await rotateTwiceInterrupted(config);
  });
});
