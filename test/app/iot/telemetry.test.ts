import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { TelemetrySeries } from '../../../src/app/iot/ingest.ts';
import { endSession, startIotService, type IotService } from '../../../src/app/iot/service.ts';
import { decisionHistory } from '../../../src/app/targeting/decisions.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { proveEntry } from '../../../src/app/ledger/prove.ts';
import { checkBundle } from '../../../src/ledger/proof/bundle.ts';
import { parseVerifierKey } from '../../../src/ledger/note/index.ts';
import { signDeviceEvent, verifyDeviceSignature } from '../../../src/iot/event.ts';
import { deviceTopic } from '../../../src/iot/types.ts';
import { alertsRepo, devicesRepo, iotEventsRepo } from '../../../src/store/index.ts';
import { deviceFor, iotApp, MQTT_SKIP, publish, signed, voyage } from './support.ts';

/**
 * Telemetry end to end, over a real broker: Mosquitto when MQTT_URL is set (CI), else the embedded
 * one. Devices' signed events go in over MQTT; monitors raise exactly the alerts of each scenario;
 * alerts decide their consignments again; bad messages are refused and counted.
 */
const EXTERNAL = process.env.MQTT_URL?.trim() || undefined;
const where = EXTERNAL === undefined ? 'the embedded broker' : `the broker at ${EXTERNAL}`;
const clientId = () => `portcullis-test-${randomBytes(6).toString('hex')}`;

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The service in a process of its own (iot-process.ts), once it says it is ready. */
async function serviceProcess(dir: string, id: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./iot-process.ts', import.meta.url)), dir, id, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the service process exited (code ${code}) before it was ready`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function start(app: AppContext, id = clientId()): Promise<IotService> {
  return startIotService(app, { url: EXTERNAL, embeddedPort: 0, clientId: id, tickMs: 3_600_000 });
}

describe(`telemetry over MQTT (${where})`, () => {
  it('each scenario raises exactly its alerts, the normal voyage none; an alert decides its consignment again, red, with the alert as a reason', async () => {
    const t = await iotApp(4);
    const service = await start(t.app);
    try {
      const scenarios = ['normal', 'detour', 'seal-breach', 'dark'] as const;
      const devices = await Promise.all(t.consignments.map((c) => deviceFor(t.app, c)));
      const messages = scenarios.flatMap((s, i) => signed(devices[i]!, voyage(devices[i]!, s, i + 1)));
      await publish(service.brokerUrl, messages);
      await until('every event applied', async () => (await iotEventsRepo(t.app.store.db).count()) === messages.length);
      await service.drained();

      const alerts = await alertsRepo(t.app.store.db).list({ kind: 'telemetry', limit: 1000 });
      const codes = (c: string) => alerts.filter((a) => a.subject === c).map((a) => String(a.detail.code)).sort();
      assert.deepEqual(codes(t.consignments[0]!), [], 'normal: no alert');
      assert.deepEqual(codes(t.consignments[1]!), ['corridor-exit'], 'detour');
      assert.deepEqual(codes(t.consignments[2]!), ['door-opened', 'seal-changed', 'seal-opened'], 'seal breach');
      assert.deepEqual(codes(t.consignments[3]!), ['signal-gap'], 'dark');

      // Every event and every alert is in the ledger.
      const stored = await iotEventsRepo(t.app.store.db).track(devices[1]!.plan.container);
      assert.ok(stored.length > 0 && stored.every((e) => e.ledgerIndex !== null), 'each event has its ledger entry');
      const ledger = ledgerOf(t.app);
      // An event's proof: its series entry's inclusion proof, checked offline with the log's key, and
      // the payload it committed to, which holds the event as the device signed it.
      const one = stored[Math.floor(stored.length / 2)]!;
      const bundle = await proveEntry(ledger, one.ledgerIndex!, { withPayload: true });
      const check = checkBundle(JSON.parse(JSON.stringify(bundle)), parseVerifierKey(ledger.verifierKey), { party: parseVerifierKey(ledger.keys.party.verifierKey) });
      assert.equal(check.entry.type, 'telemetry.series');
      assert.equal(check.payload, true, 'the payload is what the entry committed to');
      assert.equal(check.partySignature, true);
      const series = JSON.parse(bundle.payload!.json) as TelemetrySeries;
      const inSeries = series.events.find((e) => e.eventId === one.event.eventId);
      const [device] = [...(await devicesRepo(t.app.store.db).getMany([devices[1]!.id])).values()];
      assert.ok(inSeries !== undefined && device !== undefined && verifyDeviceSignature(inSeries, device.publicKey), "the event in the ledger verifies with its device's key");
      for (const a of alerts) assert.ok((await ledger.repo.latestAbout([`alert:${a.id}`], ['alert.raised'])).has(`alert:${a.id}`), `alert ${a.id} in the ledger`);

      // The consignments with a critical alert were decided again: red, the alert first among the reasons.
      for (const i of [1, 2]) {
        const history = await decisionHistory(t.app, t.consignments[i]!);
        const latest = history.at(-1);
        assert.ok(latest !== undefined, `${t.consignments[i]} decided`);
        assert.equal(latest.lane, 'red');
        assert.equal(latest.reasons[0]?.kind, 'alert');
      }
      assert.deepEqual(await decisionHistory(t.app, t.consignments[0]!), [], 'the normal voyage changed nothing');
    } finally {
      await service.close({ endSession: true });
      await t.close();
    }
  });

  it('forged, replayed, malformed, unknown, misaddressed and out-of-order messages are refused and counted, never applied', async () => {
    const t = await iotApp(2);
    const service = await start(t.app);
    try {
      const a = await deviceFor(t.app, t.consignments[0]!);
      const b = await deviceFor(t.app, t.consignments[1]!);
      const [e0, e1, e2] = voyage(a, 'normal');
      const good0 = signDeviceEvent(e0!, a.key);
      const good2 = signDeviceEvent(e2!, a.key);
      const forged = { ...signDeviceEvent(e1!, a.key), time: '2026-03-01T00:00:05.000Z' };
      const stranger = signDeviceEvent({ ...e0!, deviceId: 'dev-unknown', eventId: 'x-1' }, a.key);
      const lateOne = signDeviceEvent(e1!, a.key);
      const topic = deviceTopic(a.id);
      await publish(service.brokerUrl, [
        { topic, payload: JSON.stringify(good0) },
        { topic, payload: JSON.stringify(good0) }, // replayed
        { topic, payload: JSON.stringify(forged) }, // bad signature
        { topic, payload: '{"v":1,"eventId":' }, // malformed
        { topic, payload: JSON.stringify({ ...good0, extra: true }) }, // malformed: a field no event has
        { topic: deviceTopic('dev-unknown'), payload: JSON.stringify(stranger) }, // unknown device
        { topic: deviceTopic(b.id), payload: JSON.stringify(good2) }, // a's event on b's topic
        { topic, payload: JSON.stringify(good2) },
        { topic, payload: JSON.stringify(lateOne) }, // seq 1 after seq 2: out of order
      ]);
      const repo = iotEventsRepo(t.app.store.db);
      const total = async () => Object.values(await repo.rejections()).reduce((x, y) => x + y, 0) + (await repo.count());
      await until('every message processed', async () => (await total()) === 9);
      await service.drained();
      assert.equal(await repo.count(), 2, 'two events applied');
      assert.deepEqual(await repo.rejections(), { 'bad-signature': 1, malformed: 2, 'out-of-order': 1, replayed: 1, 'topic-mismatch': 1, 'unknown-device': 1 });
    } finally {
      await service.close({ endSession: true });
      await t.close();
    }
  });

  it('a server killed (SIGKILL) while events stream in loses none, and applies and records each once', { skip: EXTERNAL === undefined ? MQTT_SKIP : false }, async () => {
    const t = await iotApp(2);
    const id = clientId();
    const run = () => serviceProcess(t.dir, id, EXTERNAL!);
    let child = await run();
    try {
      const devices = await Promise.all(t.consignments.map((c) => deviceFor(t.app, c)));
      const messages = devices.flatMap((d, i) => signed(d, voyage(d, i === 0 ? 'normal' : 'seal-breach', i + 1)));
      const events = iotEventsRepo(t.app.store.db);
      // Streamed over about three seconds, so that the kill comes while they still arrive.
      const published = publish(EXTERNAL!, messages, { gapMs: 5 });
      await until('a quarter applied', async () => (await events.count()) >= messages.length / 4);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const before = await events.count();
      await published;
      assert.ok(before < messages.length, `killed mid-stream (${before} of ${messages.length} applied)`);
      child = await run();
      await until('every event applied', async () => (await events.count()) === messages.length);
      await until('every event in the ledger', async () => (await events.unledgered(1)).length === 0);
      await stop(child);
      await endSession(EXTERNAL!, id);

      for (const d of devices) {
        const track = await events.track(d.plan.container);
        const mine = messages.filter((m) => m.topic === deviceTopic(d.id)).length;
        assert.deepEqual(track.map((e) => e.event.seq), Array.from({ length: mine }, (_, i) => i), `${d.id}: every event, once, in order`);
      }
      // Every event in exactly one telemetry series of its container, none twice, each where the event says.
      const ledger = ledgerOf(t.app);
      const size = (await ledger.head()).size;
      const series = new Set((await ledger.repo.entries(0, size)).filter((e) => e.type === 'telemetry.series').map((e) => e.index));
      const payloads = new Map((await ledger.repo.payloads(0, size)).filter((p) => series.has(p.index)).map((p) => [p.index, JSON.parse(p.payload) as TelemetrySeries]));
      const inLedger = [...payloads.values()].flatMap((s) => s.events.map((e) => `${s.container} ${e.container} ${e.eventId}`));
      assert.equal(inLedger.length, messages.length, 'each event in one series entry');
      assert.equal(new Set(inLedger).size, messages.length, 'no event in the ledger twice');
      for (const d of devices) {
        for (const e of await events.track(d.plan.container)) {
          const s = payloads.get(e.ledgerIndex!);
          assert.ok(s !== undefined && s.container === d.plan.container, `${e.event.eventId}: its index names a series of ${d.plan.container}`);
          assert.ok(s.events.some((x) => x.eventId === e.event.eventId), `${e.event.eventId} is in the series its index names`);
        }
      }
    } finally {
      child.kill('SIGKILL');
      await t.close();
    }
  });

  it('a server stopped mid-voyage and started again loses no event and applies none twice', { skip: EXTERNAL === undefined ? MQTT_SKIP : false }, async () => {
    const t = await iotApp(1);
    const id = clientId();
    let service = await start(t.app, id);
    try {
      const d = await deviceFor(t.app, t.consignments[0]!);
      const messages = signed(d, voyage(d, 'normal'));
      const half = Math.floor(messages.length / 2);
      await publish(EXTERNAL!, messages.slice(0, half));
      await until('the first half applied', async () => (await iotEventsRepo(t.app.store.db).count()) === half);
      await service.close();
      // Published while the server is down: the broker keeps them for its persistent session.
      await publish(EXTERNAL!, messages.slice(half));
      // And some of the first half again, as a broker may redeliver: applied once all the same.
      await publish(EXTERNAL!, messages.slice(half - 3, half));
      service = await start(t.app, id);
      await until('every event applied', async () => (await iotEventsRepo(t.app.store.db).count()) === messages.length);
      await until('the redeliveries counted', async () => ((await iotEventsRepo(t.app.store.db).rejections()).replayed ?? 0) === 3);
      await service.drained();
      const events = await iotEventsRepo(t.app.store.db).track(d.plan.container);
      assert.deepEqual(events.map((e) => e.event.seq), messages.map((_, i) => i), 'every event, once, in order');
      assert.ok(events.every((e) => e.ledgerIndex !== null));
    } finally {
      await service.close({ endSession: true });
      await t.close();
    }
  });
});
