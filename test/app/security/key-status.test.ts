import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { DATA_KEYS_FILE } from '../../../src/app/security/data-keys.ts';
import { keyAge, keyRingStatus, MAX_KEY_AGE_DAYS } from '../../../src/app/security/key-status.ts';
import { rotateDataKeys } from '../../../src/app/security/rotate-keys.ts';
import { securityAudit } from '../../../src/app/security/security-audit.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { formatKeyId } from '../../../src/ledger/note/index.ts';
import { partiesRepo } from '../../../src/store/index.ts';
import { PG_SKIP } from '../../support/stores.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const dirs: string[] = [];
const schemas: string[] = [];
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (databaseUrl === undefined || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

test('a key is stale once more than the limit of days old; a key of unknown age is not called stale', () => {
  const made = '2026-01-01T00:00:00.000Z';
  assert.deepEqual(keyAge(made, new Date(T0 + 10 * DAY + 5)), { days: 10, stale: false });
  assert.deepEqual(keyAge(made, new Date(T0 + MAX_KEY_AGE_DAYS * DAY)), { days: MAX_KEY_AGE_DAYS, stale: false });
  assert.deepEqual(keyAge(made, new Date(T0 + MAX_KEY_AGE_DAYS * DAY + 1)), { days: MAX_KEY_AGE_DAYS, stale: true });
  assert.deepEqual(keyAge(made, new Date(T0 + 31 * DAY), 30), { days: 31, stale: true });
  assert.deepEqual(keyAge(made, new Date(T0 - 5)), { days: 0, stale: false });
  assert.deepEqual(keyAge(null, new Date(T0)), { days: null, stale: false });
  assert.deepEqual(keyAge(undefined, new Date(T0)), { days: null, stale: false });
});

for (const db of ['sqlite', 'postgres'] as const) {
  test(`the status counts values per key and column, sees plaintext and an unfinished rotation, ages the current key as the audit does, and holds no key material (${db})`, { skip: db === 'postgres' && databaseUrl === undefined ? PG_SKIP : false }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-key-status-'));
    dirs.push(dir);
    const schema = `test_keys_${randomBytes(5).toString('hex')}`;
    if (db === 'postgres') schemas.push(schema);
    const keysDir = join(dir, 'keys');
    // The clock starts now: the first key is made (at the real time) when the store opens.
    let now = Date.now();
    const app = await openApp(loadConfig(db === 'sqlite' ? { PORTCULLIS_DB: join(dir, 'p.db'), PORTCULLIS_KEYS_DIR: keysDir } : { DATABASE_URL: databaseUrl, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: keysDir }), () => new Date(now));
    try {
      await addUser(app, { id: 'root', roles: ['admin'] });
      const at = new Date(now).toISOString();
      await partiesRepo(app.store.db).upsert(Array.from({ length: 6 }, (_, i) => ({ id: `P-${i}`, name: `Party ${i}`, roles: ['importer' as const], country: 'NL', aeo: false })), at);
      let s = await keyRingStatus(app);
      assert.equal(s.source, 'file');
      assert.equal(s.keys.length, 1);
      const first = s.keys[0]!;
      assert.equal(first.current, true);
      assert.equal(s.current.kid, first.kid);
      assert.equal(s.current.stale, false);
      assert.equal(s.current.ageDays, 0);
      assert.equal(s.current.maxAgeDays, MAX_KEY_AGE_DAYS);
      assert.equal(s.columns.find((c) => c.table === 'parties' && c.column === 'name')?.byKey[first.kid], 6);
      assert.equal(first.values, s.columns.reduce((a, c) => a + (c.byKey[first.kid] ?? 0), 0));
      assert.equal(s.plaintext, 0);
      assert.equal(s.underOlderKeys, 0);
      assert.equal(s.rotating, null);
      assert.equal(s.rotateCommand, 'portcullis keys rotate');
      const { log, party } = ledgerOf(app).keys;
      assert.deepEqual(s.ledger, { log: { name: log.name, keyId: formatKeyId(log.keyId) }, party: { name: party.name, keyId: formatKeyId(party.keyId) } });

      // No key material: none of the key file's secrets appears in the status.
      const file = JSON.parse(readFileSync(join(keysDir, DATA_KEYS_FILE), 'utf8')) as { keys: { key: string }[] };
      const text = JSON.stringify(s);
      for (const k of file.keys) assert.ok(!text.includes(k.key));
      assert.ok(!text.includes(keysDir), 'nor the key file path');

      // A value written behind the application's back is plaintext.
      await sql`INSERT INTO parties (id, name, roles, country, aeo, updated_at) VALUES ('P-raw', 'Plain Name', '["importer"]', 'NL', 0, '2026-01-01')`.execute(app.store.db);
      assert.equal((await keyRingStatus(app)).plaintext, 1);

      // A year and a day later the current key is stale, by the same rule as the audit's finding.
      now = Date.parse(first.created!) + (MAX_KEY_AGE_DAYS + 1) * DAY;
      s = await keyRingStatus(app);
      assert.equal(s.current.stale, true);
      assert.equal(s.current.ageDays, MAX_KEY_AGE_DAYS + 1);
      assert.equal((await keyRingStatus(app, { maxKeyAgeDays: 400 })).current.stale, false);
      const audit = await securityAudit(app);
      assert.ok(audit.findings.some((f) => f.check === 'stale-data-key'));

      // A rotation stopped after its first batch: the new key is current, the rest is still under the old one.
      let batches = 0;
      await assert.rejects(rotateDataKeys(app, 'root', { batchRows: 2, onProgress: () => { if (++batches === 1) throw new Error('stopped'); } }), /stopped/);
      s = await keyRingStatus(app);
      assert.equal(s.keys.length, 2);
      assert.notEqual(s.current.kid, first.kid);
      assert.equal(s.rotating, s.current.kid);
      assert.equal(s.current.stale, false);
      assert.ok(s.underOlderKeys > 0 && s.underOlderKeys === s.keys.find((k) => k.kid === first.kid)!.values, JSON.stringify(s));

      await rotateDataKeys(app, 'root');
      s = await keyRingStatus(app);
      assert.equal(s.rotating, null);
      assert.equal(s.plaintext, 0);
      assert.equal(s.underOlderKeys, 0);
      assert.equal(s.keys.find((k) => k.current)!.values, s.columns.reduce((a, c) => a + Object.values(c.byKey).reduce((x, y) => x + y, 0), 0));
    } finally {
      await app.close();
    }
  });
}
