import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declarationOf, startApi, type TestApi, type Who } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/** An open event stream: the events read so far, and a way to wait for more. */
async function openStream(api: TestApi, who: Who) {
  const ac = new AbortController();
  const res = await fetch(`${api.base}/api/v1/worklist/changes`, { headers: { authorization: `Bearer ${await api.token(who)}` }, signal: ac.signal });
  const events: { event: string; data: string }[] = [];
  let ended = false;
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data });
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return {
    res,
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
      ac.abort();
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
      assert.equal(s.res.status, 200);
      assert.match(s.res.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(s.res.headers.get('x-content-type-options'), 'nosniff', 'the security headers are sent on the stream too');
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
