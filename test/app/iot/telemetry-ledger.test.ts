import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestInbox, telemetryLedger, telemetrySeries, type TelemetrySeries } from '../../../src/app/iot/ingest.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import type { DeviceEvent } from '../../../src/iot/types.ts';
import { iotEventsRepo } from '../../../src/store/index.ts';
import { deviceFor, iotApp, signed, voyage } from './support.ts';

/** The telemetry.series entries of the ledger, with their payloads. */
async function seriesEntries(t: { app: Parameters<typeof ledgerOf>[0] }): Promise<Map<number, TelemetrySeries>> {
  const ledger = ledgerOf(t.app);
  const size = await ledger.repo.size();
  const indices = new Set((await ledger.repo.entries(0, size)).filter((e) => e.type === 'telemetry.series').map((e) => e.index));
  return new Map((await ledger.repo.payloads(0, size)).filter((p) => indices.has(p.index)).map((p) => [p.index, JSON.parse(p.payload) as TelemetrySeries]));
}

describe("telemetry's ledger entries: a series per container over a window", () => {
  it('telemetrySeries groups events by container, each list in the order given', () => {
    const e = (container: string, eventId: string) => ({ container, eventId }) as DeviceEvent;
    const series = telemetrySeries([e('A', '1'), e('B', '2'), e('A', '3'), e('C', '4'), e('B', '5')]);
    assert.deepEqual(series.map((s) => [s.container, s.events.map((x) => x.eventId)]), [['A', ['1', '3']], ['B', ['2', '5']], ['C', ['4']]]);
    assert.deepEqual(telemetrySeries([]), []);
  });

  it('events applied over several batches go into one series per container when the window ends, each event noted with its series', async () => {
    const t = await iotApp(2);
    try {
      const devices = await Promise.all(t.consignments.map((c) => deviceFor(t.app, c)));
      const messages = devices.flatMap((d, i) => signed(d, voyage(d, 'normal', i + 1)).slice(0, 30));
      const errors: unknown[] = [];
      const window = telemetryLedger(t.app, { maxMs: 300, maxEvents: 10_000, onError: (e) => errors.push(e) });
      const inbox = t.app.store.iotInbox();
      for (const m of messages) await inbox.put({ ...m, receivedAt: new Date().toISOString() });
      // Three batches, as the service would take them.
      let applied = 0;
      for (let r = await ingestInbox(t.app, { limit: 20, telemetryLedger: window.add }); r.messages > 0; r = await ingestInbox(t.app, { limit: 20, telemetryLedger: window.add })) applied += r.applied;
      assert.equal(applied, messages.length);
      assert.equal((await seriesEntries(t)).size, 0, 'nothing in the ledger before the window ends');
      assert.equal((await iotEventsRepo(t.app.store.db).unledgered(1000)).length, messages.length);

      await new Promise((r) => setTimeout(r, 450));
      await window.flush();
      assert.deepEqual(errors, []);
      const series = await seriesEntries(t);
      assert.equal(series.size, devices.length, 'one series per container for the whole window');
      for (const d of devices) {
        const track = await iotEventsRepo(t.app.store.db).track(d.plan.container);
        assert.equal(track.length, 30);
        const index = track[0]!.ledgerIndex!;
        assert.ok(track.every((e) => e.ledgerIndex === index), `${d.id}: every event noted with its series`);
        const s = series.get(index)!;
        assert.equal(s.container, d.plan.container);
        assert.deepEqual(s.events.map((e) => e.seq), track.map((e) => e.event.seq), `${d.id}: the series holds its events in order`);
        assert.deepEqual(s.events.map((e) => e.signature), track.map((e) => e.event.signature), 'each as the device signed it');
      }
    } finally {
      await t.close();
    }
  });

  it('a window that reaches maxEvents is appended at once; flush appends what is gathered', async () => {
    const t = await iotApp(1);
    try {
      const d = await deviceFor(t.app, t.consignments[0]!);
      const messages = signed(d, voyage(d, 'normal')).slice(0, 25);
      const window = telemetryLedger(t.app, { maxMs: 3_600_000, maxEvents: 10, onError: (e) => assert.fail(String(e)) });
      const inbox = t.app.store.iotInbox();
      for (const m of messages) await inbox.put({ ...m, receivedAt: new Date().toISOString() });
      await ingestInbox(t.app, { limit: 12, telemetryLedger: window.add });
      // 12 events ≥ 10: appended without waiting for the hour.
      await new Promise((r) => setImmediate(r));
      await window.flush();
      assert.equal((await iotEventsRepo(t.app.store.db).unledgered(1000)).length, 0);
      await ingestInbox(t.app, { limit: 12, telemetryLedger: window.add });
      await window.flush();
      assert.equal((await iotEventsRepo(t.app.store.db).unledgered(1000)).length, 0);
      await ingestInbox(t.app, { limit: 12, telemetryLedger: window.add });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await iotEventsRepo(t.app.store.db).unledgered(1000)).length, 1, 'the last one waits for the window');
      await window.flush();
      assert.equal((await iotEventsRepo(t.app.store.db).unledgered(1000)).length, 0);
      const inSeries = [...(await seriesEntries(t)).values()].flatMap((s) => s.events.map((e) => e.seq));
      assert.deepEqual(inSeries, messages.map((_, i) => i), 'each event in the ledger once, in order');
    } finally {
      await t.close();
    }
  });
});
