import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError } from '../../domain/errors.ts';
import { checkContainerNumber } from '../../domain/identifiers/index.ts';
import { generateDeviceKey } from '../../iot/event.ts';
import { plannedRoute } from '../../iot/geo.ts';
import { newMonitorState } from '../../iot/monitors.ts';
import type { DeviceRecord, MonitorPlan } from '../../iot/types.ts';
import { declarationsRepo, devicesRepo, monitorsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { requireActor } from '../targeting/actors.ts';

/**
 * Devices (e-seals, trackers) and what they watch: a device is registered with its Ed25519 public
 * key, for a container, and — given a consignment — the consignment's monitor is set up from its
 * declaration's ports (the planned route). Without a key given, one is made and its private half
 * kept in the keys directory (`devices/{id}.key`, mode 0600) for the simulator, as a demo device.
 */
export const DEVICE_ROLES = ['admin', 'supervisor'] as const;
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface RegisteredDevice {
  readonly device: DeviceRecord;
  /** The consignment whose monitor watches the device's container, when one was named. */
  readonly consignment: string | null;
  /** Where the private key was kept, when it was made here. */
  readonly keyFile: string | null;
}

export function deviceKeyFile(app: AppContext, id: string): string {
  if (app.config.ledger.keysDir === null) throw new PortcullisError('INVALID_INPUT', 'device keys are kept in the keys directory, and this store has none (an in-memory database): give the public key', [{ field: 'publicKey', problem: 'absent', expected: "the device's Ed25519 public key, base64 of 32 bytes" }]);
  return join(app.config.ledger.keysDir, 'devices', `${id}.key`);
}

/** The private key of a device registered here with a key made here (the simulator's devices). */
export function readDeviceKey(app: AppContext, id: string): string {
  try {
    return readFileSync(deviceKeyFile(app, id), 'utf8').trim();
  } catch {
    throw new PortcullisError('NOT_FOUND', `no private key for device "${id}" in the keys directory: only devices registered here without a public key of their own have one`);
  }
}

/** The planned voyage of a declaration: its port of loading, then its port of discharge. */
export async function planOf(app: AppContext, consignment: string, container?: string): Promise<MonitorPlan> {
  const stored = await declarationsRepo(app.store.db).get(consignment);
  if (stored === undefined) throw new PortcullisError('NOT_FOUND', `no declaration "${consignment}"`);
  const d = stored.declaration;
  const ports = [d.portOfLoading, d.portOfDischarge].filter((p): p is string => p !== undefined);
  if (ports.length < 2) throw new PortcullisError('INVALID_INPUT', `declaration ${consignment} names no port of loading and of discharge: its route cannot be monitored`, [{ field: 'consignment', problem: `ports: ${ports.join(', ') || 'none'}`, expected: 'a sea consignment with both ports' }]);
  const box = container ?? d.containers[0];
  if (box === undefined) throw new PortcullisError('INVALID_INPUT', `declaration ${consignment} names no container`, [{ field: 'container', problem: 'absent', expected: 'an ISO 6346 container number of the consignment' }]);
  if (!d.containers.includes(box)) throw new PortcullisError('INVALID_INPUT', `container ${box} is not one of declaration ${consignment}'s (${d.containers.join(', ') || 'none'})`, [{ field: 'container', problem: box, expected: `one of ${d.containers.join(', ')}` }]);
  try {
    plannedRoute(ports);
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the route of ${consignment} cannot be drawn: ${(e as Error).message}`, [{ field: 'consignment', problem: ports.join(' → '), expected: 'ports whose positions are known' }]);
  }
  return { consignment, container: box, ports };
}

export async function registerDevice(
  app: AppContext,
  actor: string | undefined,
  o: { id: string; container?: string; consignment?: string; publicKey?: string },
): Promise<RegisteredDevice> {
  const user = await requireActor(app, actor, DEVICE_ROLES, 'register devices');
  if (!DEVICE_ID.test(o.id)) throw new PortcullisError('INVALID_INPUT', `"${o.id}" is not a device id`, [{ field: 'id', problem: JSON.stringify(o.id), expected: '1 to 64 of A–Z a–z 0–9 . _ : -' }]);
  let container = o.container;
  if (container !== undefined) {
    const c = checkContainerNumber(container);
    if (!c.ok) throw new PortcullisError('INVALID_INPUT', `"${container}" is not an ISO 6346 container number`, [{ field: 'container', problem: container, expected: 'an ISO 6346 container number with its check digit' }]);
    container = c.value;
  }
  const plan = o.consignment === undefined ? undefined : await planOf(app, o.consignment, container);
  container ??= plan?.container;
  if (o.publicKey !== undefined && !/^[A-Za-z0-9+/]{43}=$/.test(o.publicKey)) throw new PortcullisError('INVALID_INPUT', 'the public key is not base64 of 32 bytes', [{ field: 'publicKey', problem: 'malformed', expected: "the device's raw Ed25519 public key, base64 (44 characters)" }]);
  const made = o.publicKey === undefined ? generateDeviceKey() : undefined;
  const now = app.clock().toISOString();
  const device: DeviceRecord = { id: o.id, publicKey: o.publicKey ?? made!.publicKey, container: container ?? null, registeredBy: user.id, registeredAt: now, revokedAt: null };
  if ((await devicesRepo(app.store.db).register(device)) === 'exists') throw new PortcullisError('CONFLICT', `device "${o.id}" is registered already: revoke it and register a new id`, [{ field: 'id', problem: 'taken', expected: 'a new device id' }]);
  let keyFile: string | null = null;
  if (made !== undefined) {
    keyFile = deviceKeyFile(app, o.id);
    mkdirSync(join(keyFile, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `${made.privateKey}\n`, { mode: 0o600 });
  }
  if (plan !== undefined) {
    const existing = await monitorsRepo(app.store.db).get(plan.consignment);
    if (existing === undefined) await monitorsRepo(app.store.db).put([{ consignment: plan.consignment, container: plan.container, plan, state: newMonitorState(plan), updatedAt: now }]);
  }
  await recordPrivileged(app, user.id, 'device.registered', `device:${o.id}`, { container: device.container, consignment: plan?.consignment ?? null, publicKey: device.publicKey });
  return { device, consignment: plan?.consignment ?? null, keyFile };
}

export async function revokeDevice(app: AppContext, actor: string | undefined, id: string): Promise<DeviceRecord> {
  const user = await requireActor(app, actor, DEVICE_ROLES, 'revoke devices');
  const repo = devicesRepo(app.store.db);
  if (!(await repo.revoke(id, user.id, app.clock().toISOString()))) {
    const d = await repo.get(id);
    throw d === undefined ? new PortcullisError('NOT_FOUND', `no device "${id}"`) : new PortcullisError('CONFLICT', `device "${id}" was revoked already`);
  }
  await recordPrivileged(app, user.id, 'device.revoked', `device:${id}`);
  return (await repo.get(id))!;
}

export function listDevices(app: AppContext, o: { container?: string } = {}): Promise<DeviceRecord[]> {
  return devicesRepo(app.store.db).list(o);
}
