import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countRows, declarationOf, startApi, type TestApi } from './support.ts';

describe(`the API server over HTTP (${process.env.DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(async () => api.close());

  test('the OpenAPI 3 document lists at least 25 paths, each operation with its answers', async () => {
    const r = await api.call('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    const paths = Object.keys(doc.paths);
    assert.ok(paths.length >= 25, `${paths.length} paths`);
    for (const p of paths) {
      assert.match(p, /^\//);
      for (const [method, op] of Object.entries(doc.paths[p] as Record<string, { responses?: object }>)) {
        assert.ok(['get', 'post', 'put', 'delete', 'patch', 'head', 'options'].includes(method), `${p}: ${method}`);
        assert.ok(op.responses !== undefined && Object.keys(op.responses).length > 0, `${method} ${p} has no responses`);
      }
    }
    // The same zod schema that validates a filing describes it.
    const body = doc.paths['/api/v1/declarations'].post.requestBody.content['application/json'].schema;
    assert.equal(body.additionalProperties, false);
    assert.ok(body.required.includes('importer'));
  });

  test('anonymous reads are refused with 401 and the one error shape', async () => {
    for (const path of ['/api/v1/declarations', '/api/v1/worklist', '/api/v1/rules', '/api/v1/me', '/api/v1/ledger/entries?subject=declaration:X']) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 401, path);
      assert.equal(r.body.error.code, 'UNAUTHENTICATED');
      assert.ok(Array.isArray(r.body.error.details));
    }
    const bad = await api.call('GET', '/api/v1/declarations', { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bad.status, 401);
  });

  test('security headers on the web page and the API; CORS closed', async () => {
    // Answers of every kind: a page, a document, health, an error, an unknown route.
    for (const path of ['/', '/api/v1/openapi.json', '/healthz', '/api/v1/worklist', '/api/v1/no-such-route']) {
      const r = await fetch(`${api.base}${path}`, { headers: { origin: 'https://evil.example' } });
      assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN', path);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/, path);
      assert.equal(r.headers.get('access-control-allow-origin'), null, path);
    }
    const page = await fetch(`${api.base}/`);
    assert.equal(page.status, 200);
    // The web application when built (npm test builds it first), else the small sign-in page.
    if (existsSync(new URL('../../web/dist/index.html', import.meta.url))) assert.match(await page.text(), /<div id="root"><\/div>[\s\S]*<\/html>/);
    else assert.match(await page.text(), /<form id="login">/);
  });

  test('health and readiness', async () => {
    assert.deepEqual((await api.call('GET', '/healthz')).body, { status: 'ok' });
    const r = await api.call('GET', '/readyz');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ready');
  });

  test('a 6 MB body gets 413 on filing and on the batch route, and nothing is stored', async () => {
    const before = await countRows(api.app, 'declarations');
    const big = JSON.stringify({ declarations: [declarationOf('IMP-A', 1, { attributes: { blob: 'a'.repeat(1000) } })], pad: 'x'.repeat(6 * 1024 * 1024) });
    for (const path of ['/api/v1/declarations', '/api/v1/declarations/batch']) {
      const anonymous = await api.call('POST', path, { body: big });
      assert.equal(anonymous.status, 413, path);
      const signedIn = await api.call('POST', path, { as: 'trader', body: big });
      assert.equal(signedIn.status, 413, path);
      assert.equal(signedIn.body.error.code, 'PAYLOAD_TOO_LARGE');
    }
    assert.equal(await countRows(api.app, 'declarations'), before);
  });

  test('an unknown field is refused with 400 naming it; malformed JSON is a 400', async () => {
    const r = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: { ...declarationOf('IMP-A', 2), surprise: 1 } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details.map((d: { field: string }) => d.field), ['surprise']);
    const nested = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: { ...declarationOf('IMP-A', 2), items: [{ ...declarationOf('IMP-A', 2).items[0], colour: 'red' }] } });
    assert.equal(nested.status, 400);
    assert.ok(nested.body.error.details.some((d: { field: string }) => d.field === 'items.0.colour'), JSON.stringify(nested.body));
    const q = await api.call('GET', '/api/v1/declarations?sort=desc', { as: 'analyst' });
    assert.equal(q.status, 400);
    assert.equal(q.body.error.details[0].field, 'querystring.sort');
    const malformed = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: '{"id": "X", ' });
    assert.equal(malformed.status, 400);
    const wrong = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: { ...declarationOf('IMP-A', 2), containers: ['ABCD1234567'] } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details[0].field, 'containers.0');
  });

  test('a declaration filed is stored, decided and in the ledger; filed again it is a duplicate', async () => {
    const d = declarationOf('IMP-A', 3);
    const r = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: d });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'inserted');
    assert.ok(['green', 'yellow', 'red'].includes(r.body.lane));
    assert.equal(r.body.decision, undefined, 'a trader sees the lane only');
    const again = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: d });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    const other = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: { ...d, customsOffice: 'ELSEWHERE' } });
    assert.equal(other.status, 409);
    const entries = await api.call('GET', `/api/v1/ledger/entries?subject=declaration:${d.id}`, { as: 'trader' });
    assert.equal(entries.status, 200);
    assert.deepEqual(entries.body.entries.map((e: { type: string }) => e.type).sort(), ['decision.made', 'declaration.filed']);
  });

  test('a batch is filed whole; one bad declaration refuses it all, naming its row and field', async () => {
    const before = await countRows(api.app, 'declarations');
    const bad = await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: [declarationOf('IMP-A', 10), { ...declarationOf('IMP-A', 11), filedAt: 'yesterday' }] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].field, 'declarations.1.filedAt');
    assert.equal(await countRows(api.app, 'declarations'), before);
    const ok = await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: [declarationOf('IMP-A', 10), declarationOf('IMP-A', 11)] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.inserted, 2);
    assert.equal(await countRows(api.app, 'declarations'), before + 2);
  });
});
