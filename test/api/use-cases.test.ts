import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { declarationOf, PASSWORD, startApi, type TestApi } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const RULE = { name: 'High value', reason: 'Declared value above 100', threat: 'undervaluation', condition: { '>': [{ var: 'customsValue' }, 100] }, action: { type: 'documentary-check' } };

describe(`use cases over HTTP (${DB})`, () => {
  let api: TestApi;
  const logs: string[] = [];
  before(async () => {
    const stream = new Writable({ write: (chunk, _enc, done) => { logs.push(String(chunk)); done(); } });
    api = await startApi({ logger: { level: 'info', stream } });
    const batch = Array.from({ length: 120 }, (_, i) => declarationOf('IMP-A', 200 + i));
    assert.equal((await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: batch } })).status, 200);
  });
  after(async () => api.close());

  test('rules: author, back-test, submit, approve and activate with four eyes, retire', async () => {
    const draft = await api.call('POST', '/api/v1/rules', { as: 'supervisor', body: RULE });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    const id = draft.body.id as string;
    const bt = await api.call('POST', `/api/v1/rules/${id}/backtest`, { as: 'analyst', body: { from: '2024-01-01', to: '2025-01-01' } });
    assert.equal(bt.status, 200, JSON.stringify(bt.body));
    // The same back-test as a background job: 202, then the same figures at /jobs/{id}; its owner reads it, an officer does not.
    const queued = await api.call('POST', '/api/v1/rules/backtest-jobs', { as: 'analyst', body: { ruleId: id, period: { from: '2024-01-01', to: '2025-01-01' } } });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    let job = queued.body;
    for (let i = 0; i < 300 && (job.status === 'queued' || job.status === 'running'); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await api.call('GET', `/api/v1/jobs/${queued.body.id}`, { as: 'analyst' })).body;
    }
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.deepEqual([job.result.hits, job.result.declarations], [bt.body.hits, bt.body.declarations]);
    assert.equal((await api.call('GET', `/api/v1/jobs/${queued.body.id}`, { as: 'officer' })).status, 403);
    assert.equal((await api.call('POST', '/api/v1/rules/backtest-jobs', { as: 'analyst', body: { ruleId: 'NO-SUCH-RULE', period: { from: '2024-01-01', to: '2025-01-01' } } })).status, 404);
    assert.equal((await api.call('POST', `/api/v1/rules/${id}/submit`, { as: 'supervisor', body: {} })).status, 200);
    const self = await api.call('POST', `/api/v1/rules/${id}/approve`, { as: 'supervisor', body: {} });
    assert.equal(self.status, 403, 'the author cannot approve');
    assert.equal((await api.call('POST', `/api/v1/rules/${id}/approve`, { as: 'supervisor2', body: {} })).status, 200);
    const active = await api.call('POST', `/api/v1/rules/${id}/activate`, { as: 'supervisor2', body: {} });
    assert.equal(active.status, 200);
    assert.equal(active.body.status, 'active');
    // The next filing is decided under the rule now in force.
    const filed = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: declarationOf('IMP-A', 500) });
    const seen = await api.call('GET', `/api/v1/declarations/${filed.body.id}`, { as: 'analyst' });
    assert.ok(seen.body.decision.rules.includes(`${id}@1`), JSON.stringify(seen.body.decision));
    const again = await api.call('POST', `/api/v1/rules/${id}/approve`, { as: 'supervisor2', body: {} });
    assert.equal(again.status, 409);
    assert.equal((await api.call('POST', `/api/v1/rules/${id}/retire`, { as: 'supervisor', body: {} })).status, 200);
    const show = await api.call('GET', `/api/v1/rules/${id}`, { as: 'auditor' });
    assert.equal(show.body.rule.status, 'retired');
  });

  test('models: training is a background job with progress; evaluate, compare, activate', async () => {
    for (let i = 0; i < 120; i += 1) {
      const r = await api.call('POST', '/api/v1/inspections', { as: 'officer', body: { declarationId: declarationOf('IMP-A', 200 + i).id, finding: i % 3 === 0 ? 'seizure' : 'none' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const started = await api.call('POST', '/api/v1/models/train', { as: 'analyst', body: { label: 'illicit', validFrom: '2024-03-01T04:40:00Z', seed: 3 } });
    assert.equal(started.status, 202);
    assert.equal(started.headers.get('location'), `/api/v1/jobs/${started.body.id}`);
    let job = started.body;
    for (let i = 0; i < 300 && (job.status === 'queued' || job.status === 'running'); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await api.call('GET', `/api/v1/jobs/${started.body.id}`, { as: 'analyst' })).body;
      assert.ok(job.progress >= 0 && job.progress <= 1);
    }
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    const model = job.result.id as string;
    assert.equal((await api.call('GET', `/api/v1/jobs/${started.body.id}`, { as: 'officer' })).status, 403);
    const ev = await api.call('POST', `/api/v1/models/${model}/evaluate`, { as: 'analyst', body: {} });
    assert.equal(ev.status, 200, JSON.stringify(ev.body));
    assert.equal(ev.body.model, model);
    const cmp = await api.call('POST', '/api/v1/models/compare', { as: 'analyst', body: { a: model, b: model } });
    assert.equal(cmp.status, 200);
    assert.deepEqual(Object.keys(cmp.body).sort(), ['a', 'b']);
    assert.equal((await api.call('POST', `/api/v1/models/${model}/activate`, { as: 'analyst' })).status, 403);
    const on = await api.call('POST', `/api/v1/models/${model}/activate`, { as: 'supervisor' });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.status, 'active');
    const filed = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: declarationOf('IMP-A', 501) });
    const seen = await api.call('GET', `/api/v1/declarations/${filed.body.id}`, { as: 'analyst' });
    assert.equal(seen.body.decision.model, model, 'decided with the model activated');
  });

  test('ledger: public checkpoint, key and consistency; inclusion proofs only of what the caller may see', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a checkpoint is signed at most every second
    await api.call('POST', '/api/v1/declarations', { as: 'trader', body: declarationOf('IMP-A', 400) });
    const own = await api.call('GET', `/api/v1/ledger/entries?subject=declaration:${declarationOf('IMP-A', 400).id}`, { as: 'trader' });
    const index = own.body.entries[0].index as number;
    const bundle = await api.call('GET', `/api/v1/ledger/entries/${index}/proof`, { as: 'trader' });
    assert.equal(bundle.status, 200, JSON.stringify(bundle.body));
    assert.equal(bundle.body.format, 'portcullis-inclusion-proof/v1');
    const checkpoint = await api.call('GET', '/api/v1/ledger/checkpoint');
    assert.equal(checkpoint.status, 200);
    assert.match(checkpoint.body, /^portcullis\.local\/ledger\n\d+\n/);
    assert.match((await api.call('GET', '/api/v1/ledger/key')).body, /^portcullis\.local\/ledger\+[0-9a-f]{8}\+/);
    const size = Number(checkpoint.body.split('\n')[1]);
    const consistency = await api.call('GET', `/api/v1/ledger/proof/consistency?from=1&to=${size}`);
    assert.equal(consistency.status, 200);
    const inclusion = await api.call('GET', `/api/v1/ledger/proof/inclusion?index=${index}&size=${size}`, { as: 'trader' });
    assert.equal(inclusion.status, 200);
    assert.equal((await api.call('GET', `/api/v1/ledger/proof/inclusion?index=${index}&size=${size}`)).status, 401);
    // Entry 0 is not about a declaration of the trader's: not found, as a missing one.
    assert.equal((await api.call('GET', '/api/v1/ledger/entries/0/proof', { as: 'trader' })).status, 404);
    assert.equal((await api.call('GET', '/api/v1/ledger/entries/99999999', { as: 'trader' })).status, 404);
    const cosign = await api.call('POST', '/api/v1/ledger/cosignatures', { body: { size, line: '— unknown-witness AAAA' } });
    assert.ok([400, 403].includes(cosign.status), String(cosign.status));
  });

  test('users and API keys: an administrator adds a user, who signs in; keys authenticate and can be revoked', async () => {
    const created = await api.call('POST', '/api/v1/users', { as: 'admin', body: { id: 'newbie', roles: ['officer'], password: PASSWORD } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const login = await api.call('POST', '/api/v1/auth/login', { body: { user: 'newbie', password: PASSWORD } });
    assert.equal(login.status, 200);
    const refreshed = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    assert.equal(refreshed.status, 200);
    const roles = await api.call('PUT', '/api/v1/users/newbie/roles', { as: 'admin', body: { roles: ['analyst'] } });
    assert.deepEqual(roles.body.roles, ['analyst']);
    const key = await api.call('POST', '/api/v1/api-keys', { as: 'analyst', body: { name: 'ci' } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const me = await api.call('GET', '/api/v1/me', { headers: { 'x-api-key': key.body.key } });
    assert.equal(me.status, 200);
    assert.equal(me.body.via, 'api-key');
    assert.equal((await api.call('DELETE', `/api/v1/api-keys/${key.body.id}`, { as: 'analyst' })).status, 204);
    await new Promise((r) => setTimeout(r, 10));
    api.advance(10_000); // past the authentication cache
    assert.equal((await api.call('GET', '/api/v1/me', { headers: { 'x-api-key': key.body.key } })).status, 401);
    const out = await api.call('POST', '/api/v1/auth/logout', { headers: { authorization: `Bearer ${refreshed.body.accessToken}` } });
    assert.equal(out.status, 204);
  });

  test('the logs hold no passwords, tokens, API keys or request bodies', async () => {
    const text = logs.join('');
    assert.ok(text.includes('"statusCode"'), 'requests are logged');
    assert.ok(!text.includes(PASSWORD), 'a password in the logs');
    assert.ok(!/Bearer\s+ey/.test(text) && !/"accessToken"|"refreshToken"/.test(text), 'a token in the logs');
    assert.ok(!text.includes('IMP-A-00200'), 'a declaration (a body or an id in a path query) in the logs');
    assert.ok(!/x-api-key/i.test(text), 'an API key header in the logs');
  });
});
