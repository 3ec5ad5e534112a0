import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp, type AppContext } from '../../../src/app/context.ts';
import { registerDevice, readDeviceKey } from '../../../src/app/iot/devices.ts';
import { ingestInbox } from '../../../src/app/iot/ingest.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { signDeviceEvent } from '../../../src/iot/event.ts';
import { simulateVoyage } from '../../../src/iot/voyage.ts';
import { deviceTopic, type MonitorPlan, type UnsignedDeviceEvent } from '../../../src/iot/types.ts';
import { filingRepo } from '../../../src/store/index.ts';
import { makeRecord } from '../../support/stores.ts';

/** Valid ISO 6346 numbers, one per consignment of a test. */
export const BOXES = ['MSCU1000017', 'MSCU1000022', 'MSCU1000038', 'MSCU1000043', 'MSCU1000059', 'MSCU1000064', 'MSCU1000070', 'MSCU1000085'] as const;

export const MQTT_SKIP = 'MQTT_URL not set: tests against an external broker (Mosquitto in CI) skipped';

/** An application on a fresh SQLite file with its own keys directory, a supervisor, and `n` sea consignments Shanghai → Rotterdam. */
export async function iotApp(n: number): Promise<{ app: AppContext; dir: string; consignments: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-iot-'));
  const app = await openApp(loadConfig({ PORTCULLIS_DB: join(dir, 'p.db'), PORTCULLIS_KEYS_DIR: join(dir, 'keys') }));
  await addUser(app, { id: 'sue', roles: ['supervisor'] });
  const records = Array.from({ length: n }, (_, i) =>
    makeRecord(i, { prefix: 'SEA', declaration: { containers: [BOXES[i]!], portOfLoading: 'CNSHA', portOfDischarge: 'NLRTM', customsOffice: 'NL000396' } }),
  );
  await filingRepo(app.store.db).insert(records);
  return {
    app,
    dir,
    consignments: records.map((r) => r.declaration.id),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A device registered for a consignment, with its key made and kept here. */
export async function deviceFor(app: AppContext, consignment: string, id = `dev-${consignment}`): Promise<{ id: string; key: string; plan: MonitorPlan }> {
  const r = await registerDevice(app, 'sue', { id, consignment });
  return { id, key: readDeviceKey(app, id), plan: { consignment, container: r.device.container!, ports: ['CNSHA', 'NLRTM'] } };
}

export function voyage(device: { id: string; plan: MonitorPlan }, scenario: 'normal' | 'detour' | 'seal-breach' | 'dark', seed = 1): UnsignedDeviceEvent[] {
  return simulateVoyage({ plan: device.plan, deviceId: device.id, start: '2026-03-01T00:00:00.000Z', scenario, seed, sealNumber: `SEAL-${device.plan.container.slice(4)}` });
}

/**
 * Publishes payloads (signed events, or anything) to a device's topic, QoS 1, and waits for the
 * broker's acknowledgements; `gapMs` between messages streams them as devices would.
 */
export async function publish(url: string, messages: readonly { topic: string; payload: string }[], o: { gapMs?: number } = {}): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `test-pub-${randomBytes(4).toString('hex')}`, clean: true, protocolVersion: 4 });
  try {
    for (const m of messages) {
      await client.publishAsync(m.topic, m.payload, { qos: 1 });
      if (o.gapMs !== undefined) await new Promise((r) => setTimeout(r, o.gapMs));
    }
  } finally {
    await client.endAsync();
  }
}

export const signed = (device: { id: string; key: string }, events: readonly UnsignedDeviceEvent[]) =>
  events.map((e) => ({ topic: deviceTopic(device.id), payload: JSON.stringify(signDeviceEvent(e, device.key)) }));

/** Messages put in the inbox and taken through the monitors, as the service would, without a broker. */
export async function ingestAll(app: AppContext, messages: readonly { topic: string; payload: string }[]): Promise<void> {
  const inbox = app.store.iotInbox();
  for (const m of messages) await inbox.put({ ...m, receivedAt: new Date().toISOString() });
  while ((await ingestInbox(app)).messages > 0);
}
