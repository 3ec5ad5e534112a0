import assert from 'node:assert/strict';
import { get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { eventParser, type SentEvent } from '../../web/src/live.ts';
import { declarationOf, startApi, type TestApi, type Who } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/**
 * An open event stream: the events read so far, and a way to wait for more. Read with node:http
 * rather than fetch, whose pool opens a spare connection when a stream is aborted and leaves it
 * idle, holding the server's close in the next test until the server's header timeout.
 */
async function openStream(api: TestApi, who: Who) {
  const token = await api.token(who);
  const events: SentEvent[] = [];
  const parse = eventParser();
  let ended = false;
  const { res, req } = await new Promise<{ res: IncomingMessage; req: ClientRequest }>((resolve, reject) => {
    const req = httpGet(`${api.base}/api/v1/worklist/changes`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => resolve({ res, req }));
    req.on('error', reject);
  });
  const reading = new Promise<void>((resolve) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => events.push(...parse(chunk)));
    const done = () => {
      ended = true;
      resolve();
    };
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  });
  return {
    status: res.statusCode,
    header: (name: string) => res.headers[name],
    events,
    ended: () => ended,
    async waitFor(count: number, what: string, ms = 5000) {
      const until = Date.now() + ms;
      while (events.length < count) {
        if (Date.now() > until) assert.fail(`no event after ${what} (${events.length} of ${count})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      req.destroy();
      await reading;
    },
    reading,
  };
}

describe(`the worklist's change stream (${DB})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi({ live: { everyMs: 50, maxStreamMs: 60_000, heartbeatMs: 60_000 } });
  });
  after(async () => api.close());

  test('only those who may read the worklist may watch it', async () => {
    assert.equal((await api.call('GET', '/api/v1/worklist/changes')).status, 401);
    for (const who of ['trader', 'carrier', 'admin'] as const) {
      const r = await api.call('GET', '/api/v1/worklist/changes', { as: who });
      assert.equal(r.status, 403, who);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
  });

  test('an event when the stream opens, and one when filings are decided and when a declaration is claimed', async () => {
    const s = await openStream(api, 'analyst');
    try {
      assert.equal(s.status, 200);
      assert.match(String(s.header('content-type')), /^text\/event-stream/);
      assert.equal(s.header('x-content-type-options'), 'nosniff', 'the security headers are sent on the stream too');
      await s.waitFor(1, 'opening');
      assert.equal(s.events[0]!.event, 'worklist');
      const first = JSON.parse(s.events[0]!.data) as { token: string };
      assert.match(first.token, /^[A-Za-z0-9_-]{22}$/, 'an opaque token, not what it was made of');

      const filed = await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: Array.from({ length: 5 }, (_, i) => declarationOf('IMP-A', 700 + i)) } });
      assert.equal(filed.status, 200);
      await s.waitFor(2, 'filing and deciding');
      const work = await api.call('GET', '/api/v1/worklist?lane=green&limit=1', { as: 'analyst' });
      const id = (work.body.items as { decision: { declarationId: string } }[])[0]?.decision.declarationId ?? 'IMP-A-00700';
      // Whatever the filings' decisions still do, the claim must be told after it.
      await new Promise((r) => setTimeout(r, 300));
      const seen = s.events.length;
      assert.equal((await api.call('POST', `/api/v1/worklist/${id}/claim`, { as: 'analyst' })).status, 200);
      await s.waitFor(seen + 1, 'a claim');
    } finally {
      await s.close();
    }
  });

  test('streams end at shutdown instead of holding the server open', async () => {
    const own = await startApi({ live: { everyMs: 50 } });
    const s = await openStream(own, 'supervisor');
    await s.waitFor(1, 'opening');
    assert.equal(own.server.hasRoute({ method: 'GET', url: '/api/v1/worklist/changes' }), true);
    const t0 = Date.now();
    await own.close();
    await s.reading;
    assert.equal(s.ended(), true);
    assert.ok(Date.now() - t0 < 5000, `closing took ${Date.now() - t0} ms`);
  });
});
