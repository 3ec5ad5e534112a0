import assert from 'node:assert/strict';
import { test } from 'node:test';
import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import { securityHeaders } from '../../src/api/plugins/security-headers.ts';

const options = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], objectSrc: ["'none'"], frameAncestors: ["'none'"] } },
  hsts: false,
};

/** The headers @fastify/helmet sets on an answer, as the reference. */
async function pluginHeaders(o: object): Promise<Record<string, string>> {
  const app = Fastify();
  await app.register(helmet, o);
  app.get('/', async () => 'ok');
  const r = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  const skip = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
  return Object.fromEntries(Object.entries(r.headers).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, String(v)]));
}

test('the headers computed once are the ones @fastify/helmet sets on each answer', async () => {
  assert.deepEqual({ ...securityHeaders(options) }, await pluginHeaders(options));
  const withHsts = { ...options, hsts: { maxAge: 31536000 } };
  assert.deepEqual({ ...securityHeaders(withHsts) }, await pluginHeaders(withHsts));
  assert.match(securityHeaders(withHsts)['strict-transport-security'] ?? '', /max-age=31536000/);
  assert.equal(securityHeaders(options)['strict-transport-security'], undefined);
});

test('a configuration helmet refuses is refused at start, not at the first request', () => {
  assert.throws(() => securityHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'", 'self'] } } }), /self/);
});
