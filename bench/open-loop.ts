/**
 * An open-loop load: requests sent at evenly spaced times, `rate` a second, whether or not the
 * earlier ones were answered, over up to `connections` kept-alive connections (a request finding
 * none free waits for one, and that wait counts). Each latency runs from the time the request was
 * due to be sent, not from when it went out, so a server that stalls is charged for every request
 * that should have gone out meanwhile (no "coordinated omission", as wrk2 measures).
 *
 * autocannon's overallRate is not such a load: each connection sends its share of a second's
 * requests back to back at the start of every second, then waits for the next one, so the whole
 * second's load comes as one burst and the latencies are those of draining a queue.
 */
import http from 'node:http';

export interface OpenLoopRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface OpenLoopResult {
  /** Answers a second, from the first due time to the last answer (below `rate` when the server fell behind). */
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly sent: number;
  readonly errors: number;
  readonly non2xx: number;
}

export async function openLoop(o: { base: string; rate: number; seconds: number; connections: number; request: (i: number) => OpenLoopRequest }): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const total = Math.round(o.rate * o.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let lastAnswer = 0;
  const one = (i: number, due: number): Promise<void> =>
    new Promise((resolve) => {
      const r = o.request(i);
      const req = http.request(`${o.base}${r.path}`, { method: r.method, headers: r.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          lastAnswer = performance.now();
          latencies.push(lastAnswer - due);
          if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) non2xx++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now() + 10;
  let next = 0;
  // Sends whatever has come due, then looks again at the next turn of the timers (about every millisecond).
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total) {
        const due = start + (next * 1000) / o.rate;
        if (due > now) break;
        pending.push(one(next++, due));
      }
      if (next < total) setTimeout(tick, 1);
      else done();
    };
    setTimeout(tick, 1);
  });
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    requestsPerSecond: (latencies.length * 1000) / Math.max(lastAnswer - start, 1),
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    sent: total,
    errors,
    non2xx,
  };
}
