import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { openLoop } from '../../bench/open-loop.ts';

/** A local server calling `answer` for each request; resolves with its address and a way to close it. */
async function serverWith(answer: (res: http.ServerResponse, at: number) => void): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res, performance.now()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const request = () => ({ method: 'POST', path: '/x', headers: { 'content-type': 'application/json' }, body: '{}' });

test('requests go out evenly over the run, not as a burst at the start of each second', async () => {
  const arrivals: number[] = [];
  const s = await serverWith((res, at) => {
    arrivals.push(at);
    res.end('ok');
  });
  try {
    const r = await openLoop({ base: s.base, rate: 200, seconds: 1, connections: 16, request });
    assert.equal(r.sent, 200);
    assert.equal(arrivals.length, 200);
    assert.equal(r.errors + r.non2xx, 0);
    // At 200 a second, a tenth of a second holds about 20; a burst would hold all 200 in its first.
    const first = arrivals[0]!;
    for (let w = 0; w < 10; w++) {
      const inWindow = arrivals.filter((t) => t - first >= w * 100 && t - first < (w + 1) * 100).length;
      assert.ok(inWindow <= 45, `window ${w}: ${inWindow} requests arrived in 100 ms`);
    }
    assert.ok(arrivals[arrivals.length - 1]! - first >= 900, 'the last request went out near the end of the second');
  } finally {
    await s.close();
  }
});

test('a stalled server is charged for every request due while it stalled (latency from the due time)', async () => {
  let stalledUntil = 0;
  const held: http.ServerResponse[] = [];
  const s = await serverWith((res, at) => {
    if (stalledUntil === 0) {
      // The first request starts a stall of 800 ms: nothing is answered until it ends.
      stalledUntil = at + 800;
      setTimeout(() => held.splice(0).forEach((h) => h.end('late')), 800);
    }
    if (at < stalledUntil) held.push(res);
    else res.end('ok');
  });
  try {
    // Two connections: a closed loop would send two requests during the stall, and time only them.
    const r = await openLoop({ base: s.base, rate: 100, seconds: 1, connections: 2, request });
    assert.equal(r.sent, 100);
    // ~80 of the 100 were due during the stall, waiting on average ~400 ms: the median is one of them.
    assert.ok(r.p50 >= 150, `p50 ${r.p50} ms`);
    assert.ok(r.max >= 700, `max ${r.max} ms`);
  } finally {
    await s.close();
  }
});
