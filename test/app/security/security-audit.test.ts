import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { DATA_KEYS_FILE } from '../../../src/app/security/data-keys.ts';
import { rotateDataKeys } from '../../../src/app/security/rotate-keys.ts';
import { securityAudit } from '../../../src/app/security/security-audit.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { hashPassword } from '../../../src/security/password.ts';
import { authRepo, partiesRepo } from '../../../src/store/index.ts';
import { PG_SKIP } from '../../support/stores.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const T0 = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

test('the audit reports weak configuration, idle accounts, privileged actions and the ledger, and is not ok on anything high', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
  dirs.push(dir);
  let now = T0;
  const config = loadConfig({ PORTCULLIS_DB: join(dir, 'p.db'), PORTCULLIS_HOST: '0.0.0.0' });
  const app = await openApp(config, () => new Date(now));
  try {
    await addUser(app, { id: 'root', roles: ['admin'] });
    await authRepo(app.store.db).setPasswordHash('root', await hashPassword('changeme'), new Date(now).toISOString());
    await addUser(app, { id: 'alice', roles: ['analyst'] });
    await partiesRepo(app.store.db).upsert([{ id: 'P-1', name: 'Sealed Name', roles: ['importer'], country: 'NL', aeo: false }], new Date(now).toISOString());
    // A value written behind the app's back, in plaintext.
    await sql`INSERT INTO parties (id, name, roles, country, aeo, updated_at) VALUES ('P-2', 'Plain Name', '["importer"]', 'NL', 0, '2026-01-01')`.execute(app.store.db);
    now = T0 + 100 * DAY;
    await rotateDataKeys(app, 'root');
    chmodSync(join(dir, 'keys', DATA_KEYS_FILE), 0o644);

    const a = await securityAudit(app, { since: new Date(T0 + 50 * DAY).toISOString() });
    const checks = (s: string) => a.findings.filter((f) => f.severity === s).map((f) => f.check).sort();
    assert.deepEqual(checks('high'), ['default-password', 'key-file-permissions', 'tls-off'].sort(), JSON.stringify(a.findings, null, 1));
    assert.ok(a.findings.some((f) => f.check === 'inactive-account' && f.message.startsWith('alice')));
    assert.ok(a.findings.some((f) => f.check === 'inactive-account' && f.message.startsWith('root') && f.severity === 'medium'));
    assert.equal(a.ok, false);
    // Rotation sealed the plaintext row; the period holds the rotation (not the users added before it).
    assert.ok(!a.findings.some((f) => f.check === 'unsealed-values'));
    assert.deepEqual(a.privilegedActions.map((p) => [p.actor, p.action]), [['root', 'data-keys.rotated']]);
    assert.equal(a.ledger.ok, true);
    assert.ok(a.ledger.entries >= 3);
  } finally {
    await app.close();
  }
});

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const schemas: string[] = [];
after(async () => {
  if (databaseUrl === undefined || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

for (const db of ['sqlite', 'postgres'] as const) {
test(`a sound configuration has nothing high: the audit is ok; plaintext values are reported (${db})`, { skip: db === 'postgres' && databaseUrl === undefined ? PG_SKIP : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
  dirs.push(dir);
  const schema = `test_audit_${randomBytes(5).toString('hex')}`;
  if (db === 'postgres') schemas.push(schema);
  const app = await openApp(loadConfig(db === 'sqlite' ? { PORTCULLIS_DB: join(dir, 'p.db') } : { DATABASE_URL: databaseUrl, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: join(dir, 'keys') }));
  try {
    await addUser(app, { id: 'root', roles: ['admin'], password: 'a sound long passphrase 42' });
    let a = await securityAudit(app);
    assert.equal(a.counts.high, 0, JSON.stringify(a.findings));
    assert.equal(a.ok, true);
    assert.ok(a.findings.some((f) => f.check === 'first-start-password'));
    assert.deepEqual(a.privilegedActions.map((p) => p.action), ['user.added']);
    await sql`INSERT INTO parties (id, name, roles, country, aeo, updated_at) VALUES ('P-2', 'Plain Name', '["importer"]', 'NL', 0, '2026-01-01')`.execute(app.store.db);
    a = await securityAudit(app);
    assert.deepEqual(a.findings.filter((f) => f.severity === 'high').map((f) => f.check), ['unsealed-values']);
    assert.match(a.findings[0]!.message, /parties\.name: 1/);
  } finally {
    await app.close();
  }
});
}
