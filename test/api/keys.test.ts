import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATA_KEYS_FILE } from '../../src/app/security/data-keys.ts';
import { MAX_KEY_AGE_DAYS } from '../../src/app/security/key-status.ts';
import { startApi, STORE_LABEL, USERS, type TestApi } from './support.ts';

const DAY = 86_400_000;

describe(`GET /keys/status and the administrators' user list (${STORE_LABEL})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(async () => api.close());

  test('administrators and auditors read the key ring by ids and counts; the key material is never sent', async () => {
    const r = await api.call('GET', '/api/v1/keys/status', { as: 'admin' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body;
    assert.equal(s.source, 'file');
    assert.equal(s.keys.length, 1);
    assert.equal(s.keys[0].current, true);
    assert.equal(s.current.kid, s.keys[0].kid);
    assert.equal(s.current.stale, false);
    assert.equal(s.current.maxAgeDays, MAX_KEY_AGE_DAYS);
    // The parties the test API made are sealed under the current key.
    assert.equal(s.columns.find((c: { table: string; column: string }) => c.table === 'parties' && c.column === 'name').byKey[s.current.kid], 3);
    assert.equal(s.plaintext, 0);
    assert.equal(s.rotating, null);
    assert.equal(s.rotateCommand, 'portcullis keys rotate');
    assert.match(s.ledger.log.keyId, /^[0-9a-f]{8}$/);
    assert.match(s.ledger.party.keyId, /^[0-9a-f]{8}$/);
    const file = JSON.parse(readFileSync(join(api.config.ledger.keysDir!, DATA_KEYS_FILE), 'utf8')) as { keys: { key: string }[] };
    const text = JSON.stringify(s);
    for (const k of file.keys) assert.ok(!text.includes(k.key), 'a data key was sent');
    assert.ok(!text.includes(api.config.ledger.keysDir!), 'the keys directory was sent');

    assert.equal((await api.call('GET', '/api/v1/keys/status', { as: 'auditor' })).status, 200);
    for (const who of ['analyst', 'supervisor', 'officer', 'trader', 'carrier'] as const) {
      const refused = await api.call('GET', '/api/v1/keys/status', { as: who });
      assert.equal(refused.status, 403, who);
      assert.equal(refused.body.error.code, 'FORBIDDEN');
    }
    assert.equal((await api.call('GET', '/api/v1/keys/status')).status, 401);
  });

  test('the user list says whether each user is disabled, since when it exists and when it was last seen', async () => {
    await api.token('analyst');
    assert.equal((await api.call('PUT', `/api/v1/users/${USERS.officer.id}/disabled`, { as: 'admin', body: { disabled: true } })).status, 204);
    const r = await api.call('GET', '/api/v1/users', { as: 'admin' });
    assert.equal(r.status, 200);
    const byId = new Map<string, { disabled: boolean; createdAt: string; lastSeenAt: string | null; roles: string[] }>(r.body.users.map((u: { id: string }) => [u.id, u]));
    assert.equal(byId.get(USERS.officer.id)?.disabled, true);
    assert.equal(byId.get(USERS.analyst.id)?.disabled, false);
    assert.deepEqual(byId.get(USERS.analyst.id)?.roles, ['analyst']);
    assert.ok(typeof byId.get(USERS.analyst.id)?.lastSeenAt === 'string', 'the analyst signed in');
    assert.equal(byId.get(USERS.supervisor2.id)?.lastSeenAt, null, 'the second supervisor never signed in');
    assert.ok(Date.parse(byId.get(USERS.supervisor2.id)!.createdAt) > 0);
    // The auditor reads the list too (user.read), and may change nothing.
    assert.equal((await api.call('GET', '/api/v1/users', { as: 'auditor' })).status, 200);
    assert.equal((await api.call('PUT', `/api/v1/users/${USERS.officer.id}/disabled`, { as: 'auditor', body: { disabled: false } })).status, 403);
  });
  test('the current key is stale after the limit of days, which the query may set; unknown or malformed parameters are refused', async () => {
    // A year on, the sign-in tokens have long expired: the administrator calls with an API key.
    const key = (await api.call('POST', '/api/v1/api-keys', { as: 'admin', body: { name: 'key status checks' } })).body.key as string;
    const as = { headers: { 'x-api-key': key } };
    api.advance((MAX_KEY_AGE_DAYS + 2) * DAY);
    const stale = await api.call('GET', '/api/v1/keys/status', as);
    assert.equal(stale.body.current.stale, true);
    assert.ok(stale.body.current.ageDays >= MAX_KEY_AGE_DAYS + 1, JSON.stringify(stale.body.current));
    const longer = await api.call('GET', `/api/v1/keys/status?maxAgeDays=${MAX_KEY_AGE_DAYS + 30}`, as);
    assert.equal(longer.body.current.stale, false);
    assert.equal(longer.body.current.maxAgeDays, MAX_KEY_AGE_DAYS + 30);
    for (const q of ['?key=1', '?maxAgeDays=0', '?maxAgeDays=soon']) {
      const bad = await api.call('GET', `/api/v1/keys/status${q}`, as);
      assert.equal(bad.status, 400, q);
    }
  });

});

describe(`POST /keys/rotate: a background job (${STORE_LABEL})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(async () => api.close());

  test('an administrator queues a rotation and reads it to its end; no one else may', async () => {
    for (const who of ['analyst', 'supervisor', 'auditor'] as const) assert.equal((await api.call('POST', '/api/v1/keys/rotate', { as: who, body: {} })).status, 403, who);
    const before = (await api.call('GET', '/api/v1/keys/status', { as: 'admin' })).body.current.kid;
    const started = await api.call('POST', '/api/v1/keys/rotate', { as: 'admin', body: {} });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.kind, 'keys.rotate');
    assert.equal(started.headers.get('location'), `/api/v1/jobs/${started.body.id}`);
    let job = started.body;
    for (let i = 0; i < 300 && (job.status === 'queued' || job.status === 'running'); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await api.call('GET', `/api/v1/jobs/${started.body.id}`, { as: 'admin' })).body;
    }
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.result.complete, true);
    const after = (await api.call('GET', '/api/v1/keys/status', { as: 'admin' })).body;
    assert.notEqual(after.current.kid, before);
    assert.equal(after.underOlderKeys, 0);
  });
});
