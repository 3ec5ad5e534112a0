/**
 * The IoT issue's figures, against the external broker (MQTT_URL: Mosquitto on this machine and
 * in CI), with signature checks and monitors on:
 * - iot-ingest: events applied per second (parsed, authenticated, stored, in the ledger, through
 *   the monitors), publishing flat out from 4 connections; ≥ 5,000/s;
 * - iot-alert-latency: from the publish of the event that breaches a seal to its alert committed,
 *   publishing at a steady 5,000 events/s; p99 < 200 ms.
 * The service runs in this process (as in `portcullis serve`), on a fresh SQLite store with 200
 * consignments, one device each; voyages signed beforehand, every tenth a seal breach. Medians of --runs runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
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

const CONSIGNMENTS = 100;
const PUBLISHERS = 4;
const PACE = 5000;

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
 * Publishes from PUBLISHERS connections, each device always on the same one (so that its events
 * reach the broker in their order), up to WINDOW messages awaiting their acknowledgement per
 * connection; at `pace` messages a second in all when given.
 */
const WINDOW = 256;
async function publishAll(url: string, messages: readonly Message[], pace: number | undefined, sent: Map<string, number>): Promise<void> {
  const clients = await Promise.all(Array.from({ length: PUBLISHERS }, () => mqtt.connectAsync(url, { clientId: `bench-pub-${randomBytes(4).toString('hex')}`, clean: true, protocolVersion: 4 })));
  const lanes: { m: Message; i: number }[][] = clients.map(() => []);
  messages.forEach((m, i) => lanes[Number(m.topic.split('-').at(-1)!.split('/')[0]) % PUBLISHERS]!.push({ m, i }));
  const t0 = performance.now();
  try {
    await Promise.all(
      clients.map(async (c, w) => {
        const inFlight = new Set<Promise<unknown>>();
        for (const { m, i } of lanes[w]!) {
          if (pace !== undefined) {
            const wait = t0 + (i / pace) * 1000 - performance.now();
            if (wait > 1) await new Promise((r) => setTimeout(r, wait));
          }
          while (inFlight.size >= WINDOW) await Promise.race(inFlight);
          sent.set(m.eventId, performance.now());
          const p: Promise<unknown> = c.publishAsync(m.topic, m.payload, { qos: 1 }).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await Promise.all(inFlight);
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
}

async function oneRun(url: string, pace: number | undefined): Promise<{ rate: number; events: number; alertMs: number[]; lost?: number }> {
  const { app, dir, messages } = await setUp();
  process.stderr.write(`iot bench: ${messages.length} signed events of ${CONSIGNMENTS} voyages ready\n`);
  const sent = new Map<string, number>();
  const alertMs: number[] = [];
  const service = await startIotService(app, {
    url,
    clientId: `bench-ingest-${randomBytes(4).toString('hex')}`,
    tickMs: 3_600_000,
    onResult: (r) => {
      const now = performance.now();
      for (const a of r.alerts) {
        const ids = [a.detail.eventId, ...(Array.isArray(a.detail.eventIds) ? a.detail.eventIds : [])].filter((x): x is string => typeof x === 'string');
        const at = ids.map((id) => sent.get(id)).find((t) => t !== undefined);
        if (at !== undefined) alertMs.push(now - at);
      }
    },
  });
  try {
    const t0 = performance.now();
    await publishAll(url, messages, pace, sent);
    process.stderr.write(`iot bench: published in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const repo = iotEventsRepo(app.store.db);
    let shown = 0;
    let last = -1;
    let lastChange = performance.now();
    for (;;) {
      const n = await repo.count();
      if (n >= messages.length) break;
      if (n !== last) {
        last = n;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > 20_000) {
        // Nothing more comes: the broker dropped what its queue for the subscriber could not hold
        // (Mosquitto's max_queued_messages, 1,000 by default).
        const seconds = (lastChange - t0) / 1000;
        return { rate: n / seconds, events: messages.length, alertMs, lost: messages.length - n };
      }
      if (performance.now() - shown > 2000) {
        shown = performance.now();
        process.stderr.write(`iot bench: ${n} of ${messages.length} applied, ${JSON.stringify(await repo.rejections())} refused\n`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rate: messages.length / seconds, events: messages.length, alertMs };
  } finally {
    await service.close();
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
  // Flat out, the publishers outrun the subscriber and the broker drops what its queue cannot hold:
  // `lost` says how many; the figure is the rate applied with none lost.
  const flat = [];
  for (let r = 0; r < o.runs; r++) flat.push(await oneRun(url, undefined));
  emit({ bench: 'iot-ingest', runs: o.runs, events: flat[0]!.events, publishers: PUBLISHERS, eventsPerSecondMedian: Math.round(median(flat.map((x) => x.rate))), eventsPerSecondAll: flat.map((x) => Math.round(x.rate)), lostAll: flat.map((x) => x.lost ?? 0), target: { minEventsPerSecond: 5000 }, meetsTarget: median(flat.map((x) => x.rate)) >= 5000 && flat.every((x) => (x.lost ?? 0) === 0), machine: machine() });
  const paced = [];
  for (let r = 0; r < o.runs; r++) paced.push(await oneRun(url, PACE));
  const p99s = paced.map((x) => p99(x.alertMs));
  emit({ bench: 'iot-alert-latency', runs: o.runs, pacedEventsPerSecond: PACE, lostAll: paced.map((x) => x.lost ?? 0), alerts: paced[0]!.alertMs.length, achievedEventsPerSecondAll: paced.map((x) => Math.round(x.rate)), alertMsP50Median: Math.round(median(paced.map((x) => median(x.alertMs)))), alertMsP99Median: Math.round(median(p99s)), alertMsP99All: p99s.map(Math.round), target: { maxP99Ms: 200 }, meetsTarget: median(p99s) < 200, machine: machine() });
}
