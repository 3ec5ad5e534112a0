import { z } from 'zod';
import { listDevices, registerDevice, revokeDevice } from '../../app/iot/devices.ts';
import { iotStats, trackOf } from '../../app/iot/queries.ts';
import { COMMON, errors, IdParams } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const DeviceOut = z.object({ id: z.string(), publicKey: z.string(), container: z.string().nullable(), registeredBy: z.string(), registeredAt: z.string(), revokedAt: z.string().nullable() });
const LatLon = z.object({ lat: z.number(), lon: z.number() });
/** What the voyage map draws: the ports placed, the corridor's half-width, the events (positions among them) and the alerts with where each happened. */
const TrackOut = z.object({
  consignment: z.string(),
  container: z.string(),
  ports: z.array(z.string()),
  portPositions: z.array(LatLon.extend({ code: z.string() })),
  corridorKm: z.number(),
  events: z.array(z.object({ event: z.record(z.string(), z.unknown()), receivedAt: z.string(), ledgerIndex: z.number().nullable() })),
  alerts: z.array(z.object({ id: z.string(), code: z.string(), severity: z.string(), message: z.string(), status: z.string(), raisedAt: z.string(), at: z.string().nullable(), position: LatLon.nullable() })),
});
const DeviceId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1 to 64 of A–Z a–z 0–9 . _ : -');

/** Devices (register, revoke, list), a consignment's track and events, and the telemetry counters. */
export function iotRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/devices', { schema: { tags: ['telemetry'], querystring: z.strictObject({ container: z.string().min(1).max(16).optional() }), response: { 200: z.object({ devices: z.array(DeviceOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'device.read');
    return { devices: await listDevices(ctx.app, req.query.container === undefined ? {} : { container: req.query.container }) };
  });
  api.post('/devices', {
    schema: {
      tags: ['telemetry'],
      body: z.strictObject({ id: DeviceId, publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of the device's 32-byte Ed25519 public key"), container: z.string().min(1).max(16).optional(), consignment: z.string().min(1).max(64).optional() }),
      response: { 201: z.object({ device: DeviceOut, consignment: z.string().nullable() }), ...errors(...COMMON, 409) },
    },
  }, async (req, reply) => {
    const actor = allow(req, 'device.write');
    const b = req.body;
    // Over the API a device brings its own key: the service never holds a device's private key for it.
    const r = await registerDevice(ctx.app, actor.id, { id: b.id, publicKey: b.publicKey, ...(b.container ? { container: b.container } : {}), ...(b.consignment ? { consignment: b.consignment } : {}) });
    return reply.code(201).send({ device: r.device, consignment: r.consignment });
  });
  api.post('/devices/:id/revoke', { schema: { tags: ['telemetry'], params: IdParams, response: { 200: z.object({ device: DeviceOut }), ...errors(...COMMON, 409) } } }, async (req) => {
    const actor = allow(req, 'device.write');
    return { device: await revokeDevice(ctx.app, actor.id, req.params.id) };
  });
  api.get('/consignments/:id/track', {
    schema: {
      tags: ['telemetry'],
      params: IdParams,
      response: { 200: TrackOut, ...errors(...COMMON) },
    },
  }, async (req) => {
    allow(req, 'telemetry.read');
    const t = await trackOf(ctx.app, req.params.id);
    return { ...t, ports: [...t.ports], portPositions: t.portPositions.map((p) => ({ ...p })), events: t.events.map((e) => ({ event: { ...e.event }, receivedAt: e.receivedAt, ledgerIndex: e.ledgerIndex })), alerts: t.alerts.map((a) => ({ ...a, position: a.position === null ? null : { ...a.position } })) };
  });
  api.get('/telemetry/stats', { schema: { tags: ['telemetry'], response: { 200: z.object({ events: z.number(), inbox: z.number(), rejected: z.record(z.string(), z.number()), broker: z.string().nullable() }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'telemetry.read');
    return { ...(await iotStats(ctx.app)), broker: ctx.iot?.brokerUrl ?? null };
  });
}
