/**
 * The IoT issue's figures, against the external broker (MQTT_URL: Mosquitto on this machine and
 * in CI), with signature checks and monitors on:
 * - iot-ingest: events applied per second (parsed, authenticated, stored, in the ledger, through
 *   the monitors) while devices publish 6,000 a second, from the first publish to the last event
 *   applied, none lost; ≥ 5,000/s;
 * - iot-alert-latency: from the publish of each event that raises an alert to that alert stored and
 *   in the ledger, devices publishing a steady 5,000 events/s; p99 < 200 ms.
 * The service runs in this process (as in `portcullis serve`), on a fresh SQLite store with 250
 * consignments, one device each; the devices publish from a process of their own
 * (iot-publisher.ts), voyages signed beforehand, every tenth a seal breach. Medians of --runs runs.
 * BENCH_IOT_ONLY=ingest|latency runs one of the two; BENCH_IOT_PACE, BENCH_IOT_INGEST_PACE and
 * BENCH_IOT_CONSIGNMENTS change the rates and the size.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/app/config.ts';
import { openApp, type AppContext } from '../src/app/context.ts';
import { readDeviceKey, registerDevice } from '../src/app/iot/devices.ts';
import { startIotService } from '../src/app/iot/service.ts';
import { addUser } from '../src/app/targeting/users.ts';
import { Declaration } from '../src/domain/declaration.ts';
import { checkContainerNumber } from '../src/domain/identifiers/index.ts';
import { signDeviceEvent } from '../src/iot/event.ts';
import { deviceTopic, type MonitorPlan } from '../src/iot/types.ts';
import { simulateVoyage } from '../src/iot/voyage.ts';
import { filingRepo, iotEventsRepo } from '../src/store/index.ts';
import { emit, machine, median } from './stats.ts';

const CONSIGNMENTS = Number(process.env.BENCH_IOT_CONSIGNMENTS ?? 250);
const PUBLISHERS = 4; // in bench/iot-publisher.ts
/** Events a second published for the alert latency (the figure's rate), and for the sustained ingestion rate (above it). */
const PACE = Number(process.env.BENCH_IOT_PACE ?? 5000);
const INGEST_PACE = Number(process.env.BENCH_IOT_INGEST_PACE ?? 6000);

interface Message {
  readonly topic: string;
  readonly payload: string;
  readonly eventId: string;
}

function containerNumber(i: number): string {
  const base = `BNCU${String(100000 + i).padStart(6, '0')}`;
  for (let d = 0; d <= 9; d++) if (checkContainerNumber(base + d).ok) return base + d;
  throw new Error(`no check digit for ${base}`);
}

async function setUp(): Promise<{ app: AppContext; dir: string; messages: Message[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-iot-'));
  const app = await openApp(loadConfig({ PORTCULLIS_DB: join(dir, 'p.db'), PORTCULLIS_KEYS_DIR: join(dir, 'keys') }));
  await addUser(app, { id: 'bench-sup', roles: ['supervisor'] });
  const records = Array.from({ length: CONSIGNMENTS }, (_, i) => ({
    declaration: Declaration.parse({
      id: `IOT-${i}`, filedAt: '2026-02-27T08:00:00.000Z', customsOffice: 'NL000396', importer: 'IMP-1', containers: [containerNumber(i)], portOfLoading: i % 2 === 0 ? 'CNSHA' : 'SGSIN', portOfDischarge: 'NLRTM',
      items: [{ sequence: 1, hsCode: '847130', customsValue: 1000, currency: 'EUR' }],
    }),
    labels: {}, source: 'bench', ingestedAt: '2026-02-27T08:00:00.000Z',
  }));
  await filingRepo(app.store.db).insert(records);
  const voyages: Message[][] = [];
  for (const [i, r] of records.entries()) {
    const id = `bench-dev-${i}`;
    const reg = await registerDevice(app, 'bench-sup', { id, consignment: r.declaration.id });
    const key = readDeviceKey(app, id);
    const plan: MonitorPlan = { consignment: r.declaration.id, container: reg.device.container!, ports: [r.declaration.portOfLoading!, r.declaration.portOfDischarge!] };
    const events = simulateVoyage({ plan, deviceId: id, start: '2026-03-01T00:00:00.000Z', scenario: i % 10 === 0 ? 'seal-breach' : 'normal', seed: i + 1, sealNumber: `S${i}` });
    voyages.push(events.map((e) => ({ topic: deviceTopic(id), payload: JSON.stringify(signDeviceEvent(e, key)), eventId: e.eventId })));
  }
  // Interleaved as devices report: the k-th event of every voyage, then the (k+1)-th…
  const messages: Message[] = [];
  for (let k = 0; voyages.some((v) => k < v.length); k++) for (const v of voyages) if (k < v.length) messages.push(v[k]!);
  return { app, dir, messages };
}

/**
 * Publishes the messages from a child process (bench/iot-publisher.ts), at `pace` messages a
 * second when given; records in `sent` the wall-clock time each was published.
 */
async function publishAll(url: string, messages: readonly Message[], pace: number | undefined, sent: Map<string, number>, dir: string, started: (at: number) => void): Promise<void> {
  const file = join(dir, 'messages.jsonl');
  writeFileSync(file, messages.map((m) => JSON.stringify(m)).join('\n'));
  const child = fork(fileURLToPath(new URL('./iot-publisher.ts', import.meta.url)), pace === undefined ? [file] : [file, String(pace)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, MQTT_URL: url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; done?: boolean; sent?: [string, number][] }) => {
      if (m.ready) started(performance.now());
      if (m.done) {
        for (const [id, at] of m.sent!) sent.set(id, at);
        resolve();
      }
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`iot publisher exited with code ${code}`))));
  });
}

async function oneRun(url: string, pace: number | undefined): Promise<{ rate: number; events: number; alertMs: number[]; lost?: number }> {
  const { app, dir, messages } = await setUp();
  process.stderr.write(`iot bench: ${messages.length} signed events of ${CONSIGNMENTS} voyages ready\n`);
  const sent = new Map<string, number>();
  const alertMs: number[] = [];
  const raised: { at: number; ids: string[] }[] = [];
  const service = await startIotService(app, {
    url,
    clientId: `bench-ingest-${randomBytes(4).toString('hex')}`,
    tickMs: 3_600_000,
    // Each alert's time and the events it names; matched to their publish times at the end, when
    // the publisher has sent them.
    onResult: (r) => {
      const now = performance.timeOrigin + performance.now();
      for (const a of r.alerts) {
        const ids = [a.detail.eventId, ...(Array.isArray(a.detail.eventIds) ? a.detail.eventIds : [])].filter((x): x is string => typeof x === 'string');
        raised.push({ at: now, ids });
      }
    },
  });
  const latencies = () => {
    for (const a of raised) {
      const at = a.ids.map((id) => sent.get(id)).find((t) => t !== undefined);
      if (at !== undefined) alertMs.push(a.at - at);
    }
    return alertMs;
  };
  try {
    let t0 = performance.now();
    await publishAll(url, messages, pace, sent, dir, (at) => (t0 = at));
    process.stderr.write(`iot bench: published in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const repo = iotEventsRepo(app.store.db);
    let shown = 0;
    let last = -1;
    let lastChange = performance.now();
    for (;;) {
      // The service's own count of what it applied: counting the table here would be a query on the
      // service's thread every 20 ms (a scan of a growing table), timed as if it were the service's.
      const n = service.totals.applied;
      if (n >= messages.length) break;
      if (n !== last) {
        last = n;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > 20_000) {
        // Nothing more comes: the broker dropped what its queue for the subscriber could not hold
        // (Mosquitto's max_queued_messages, 1,000 by default).
        const seconds = (lastChange - t0) / 1000;
        return { rate: n / seconds, events: messages.length, alertMs: latencies(), lost: messages.length - n };
      }
      if (performance.now() - shown > 2000) {
        shown = performance.now();
        process.stderr.write(`iot bench: ${n} of ${messages.length} applied, ${JSON.stringify(await repo.rejections())} refused\n`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const stored = await repo.count();
    if (stored !== messages.length) throw new Error(`the service counted ${messages.length} events applied, and the store holds ${stored}`);
    return { rate: messages.length / seconds, events: messages.length, alertMs: latencies() };
  } finally {
    await service.close({ endSession: true });
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const p99 = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(0.99 * s.length))]!;
};

export async function benchIot(o: { runs: number }): Promise<void> {
  const url = process.env.MQTT_URL?.trim();
  if (!url) {
    emit({ bench: 'iot-ingest', skipped: 'MQTT_URL not set: the figure is from the external broker' });
    return;
  }
  // Sustained: published at INGEST_PACE, above the figure; the figure is the rate applied, from the
  // first publish to the last event applied, with none lost. (Published flat out, the devices would
  // outrun any subscriber by far for a moment and the broker drop what its queue for the subscriber
  // cannot hold: Mosquitto's max_queued_messages, 1,000 by default.)
  const only = process.env.BENCH_IOT_ONLY;
  if (only === undefined || only === 'ingest') {
    const runs = [];
    for (let r = 0; r < o.runs; r++) runs.push(await oneRun(url, INGEST_PACE));
    const rates = runs.map((x) => x.rate);
    emit({ bench: 'iot-ingest', runs: o.runs, events: runs[0]!.events, publishers: PUBLISHERS, publishedPerSecond: INGEST_PACE, eventsPerSecondMedian: Math.round(median(rates)), eventsPerSecondAll: rates.map(Math.round), lostAll: runs.map((x) => x.lost ?? 0), target: { minEventsPerSecond: 5000 }, meetsTarget: median(rates) >= 5000 && runs.every((x) => (x.lost ?? 0) === 0), machine: machine() });
  }
  if (only === undefined || only === 'latency') {
    const paced = [];
    for (let r = 0; r < o.runs; r++) paced.push(await oneRun(url, PACE));
    const p99s = paced.map((x) => p99(x.alertMs));
    emit({ bench: 'iot-alert-latency', runs: o.runs, pacedEventsPerSecond: PACE, lostAll: paced.map((x) => x.lost ?? 0), alerts: paced[0]!.alertMs.length, achievedEventsPerSecondAll: paced.map((x) => Math.round(x.rate)), alertMsP50Median: Math.round(median(paced.map((x) => median(x.alertMs)))), alertMsP99Median: Math.round(median(p99s)), alertMsP99All: p99s.map(Math.round), target: { maxP99Ms: 200 }, meetsTarget: median(p99s) < 200 && paced.every((x) => (x.lost ?? 0) === 0), machine: machine() });
  }
}
