import mqtt from 'mqtt';
import { PortcullisError } from '../../domain/errors.ts';
import { signDeviceEvent } from '../../iot/event.ts';
import { simulateVoyage } from '../../iot/voyage.ts';
import { deviceTopic, type MonitorPlan } from '../../iot/types.ts';
import { devicesRepo, iotEventsRepo, monitorsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { planOf, readDeviceKey } from './devices.ts';

export const SCENARIOS = ['normal', 'detour', 'seal-breach', 'dark'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface SimulateOptions {
  readonly consignment: string;
  readonly scenario: Scenario;
  /** Simulated seconds per real second (600: an hour of voyage in 6 s); Infinity: as fast as the broker takes them. */
  readonly speed: number;
  readonly brokerUrl: string;
  /** The device; by default the first registered, not revoked, for the consignment's container with a key kept here. */
  readonly device?: string;
  readonly seed?: number;
  /** When the voyage starts (now). */
  readonly start?: string;
  readonly onEvent?: (n: number, total: number) => void;
}

/**
 * `portcullis iot simulate`: a voyage of a consignment's container, from its port of loading to
 * its port of discharge (iot/voyage.ts), signed with its device's key and published to the broker
 * as the device would, at `speed` times real time. The scenario decides what goes wrong at sea.
 */
export async function simulateConsignment(app: AppContext, o: SimulateOptions): Promise<{ device: string; published: number; plan: MonitorPlan }> {
  if (!SCENARIOS.includes(o.scenario)) throw new PortcullisError('INVALID_INPUT', `no scenario "${o.scenario}"`, [{ field: 'scenario', problem: o.scenario, expected: SCENARIOS.join(', ') }]);
  if (!(o.speed > 0)) throw new PortcullisError('INVALID_INPUT', `speed ${o.speed} is not a speed-up`, [{ field: 'speed', problem: String(o.speed), expected: 'a number above 0 (600: an hour of voyage in 6 s)' }]);
  const monitor = await monitorsRepo(app.store.db).get(o.consignment);
  const plan = (monitor?.plan as MonitorPlan | undefined) ?? (await planOf(app, o.consignment));
  const candidates = (await devicesRepo(app.store.db).list({ container: plan.container })).filter((d) => d.revokedAt === null && (o.device === undefined || d.id === o.device));
  let device: string | undefined;
  let key: string | undefined;
  for (const d of candidates) {
    try {
      key = readDeviceKey(app, d.id);
      device = d.id;
      break;
    } catch {
      // A device with a key of its own: the simulator cannot sign for it.
    }
  }
  if (device === undefined || key === undefined) {
    throw new PortcullisError('NOT_FOUND', `no device of container ${plan.container} with a key kept here${o.device === undefined ? '' : ` named "${o.device}"`}: register one with \`portcullis iot devices register ID --consignment ${o.consignment}\``);
  }
  const progress = (await iotEventsRepo(app.store.db).progress([device])).get(device);
  const events = simulateVoyage({
    plan,
    deviceId: device,
    start: o.start ?? app.clock().toISOString(),
    scenario: o.scenario,
    seed: o.seed ?? 1,
    sealNumber: `SEAL-${plan.container.slice(4)}`,
    firstSeq: progress === undefined ? 0 : progress.lastSeq + 1,
  });
  const client = await mqtt.connectAsync(o.brokerUrl, { clientId: `portcullis-sim-${device}-${process.pid}`, clean: true, protocolVersion: 4 });
  try {
    const t0 = Date.now();
    const sim0 = Date.parse(events[0]!.time);
    for (const [i, e] of events.entries()) {
      if (Number.isFinite(o.speed)) {
        const due = t0 + (Date.parse(e.time) - sim0) / o.speed;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await client.publishAsync(deviceTopic(device), JSON.stringify(signDeviceEvent(e, key)), { qos: 1 });
      o.onEvent?.(i + 1, events.length);
    }
  } finally {
    await client.endAsync();
  }
  return { device, published: events.length, plan };
}
