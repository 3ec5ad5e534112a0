import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearing, destination, point } from '@turf/turf';
import { plannedRoute, pointAlong, portPosition, routeLengthKm, type LatLon, type Route } from '../../src/iot/geo.ts';
import { DEFAULT_MONITOR_CONFIG, newMonitorState, observe, tick, type MonitorState } from '../../src/iot/monitors.ts';
import type { IotAlert, MonitorPlan, UnsignedDeviceEvent } from '../../src/iot/types.ts';
import { simulateVoyage } from '../../src/iot/voyage.ts';

/**
 * Hand-made event sequences, one per monitor: each plants what the monitor should see and, next
 * to it, what it must let pass (the same thing at an authorised place, the same thing again).
 */

const HOUR = 3_600_000;
const plan: MonitorPlan = { consignment: 'DEC-1', container: 'MSCU1234565', ports: ['CNSHA', 'NLRTM'] };
const route = plannedRoute(plan.ports);
const T0 = Date.parse('2025-05-01T00:00:00Z');
const at = (h: number): string => new Date(T0 + h * HOUR).toISOString();

/** A place `km` along the route and `offKm` to its right (negative: left). */
function sea(km: number, offKm = 0, on: Route = route): LatLon {
  const here = pointAlong(on, km);
  if (offKm === 0) return here;
  const ahead = pointAlong(on, km + 1);
  const heading = bearing(point([here.lon, here.lat]), point([ahead.lon, ahead.lat]));
  const [lon, lat] = destination(point([here.lon, here.lat]), Math.abs(offKm), heading + (offKm > 0 ? 90 : -90), { units: 'kilometers' }).geometry.coordinates;
  return { lat: lat!, lon: lon! };
}

let counter = 0;
function ev(hours: number, fields: Partial<UnsignedDeviceEvent> = {}): UnsignedDeviceEvent {
  const deviceId = fields.deviceId ?? 'dev-a';
  const seq = counter++;
  return { v: 1, eventId: `${deviceId}-${seq}`, deviceId, seq, container: plan.container, time: at(hours), ...fields };
}

const departed = (): UnsignedDeviceEvent[] => [
  ev(0, { eventCode: 'GTIN', location: 'CNSHA', position: portPosition('CNSHA')!, seal: { state: 'intact', number: 'S1' }, door: 'closed' }),
  ev(6, { eventCode: 'DEPA', location: 'CNSHA', position: portPosition('CNSHA')! }),
];

/**
 * Hourly fixes between waypoints [hour, km along the route, km off it], at whole hours, so that
 * a sequence meant for one monitor stays honest for the others (no silence, no impossible speed).
 */
type Waypoint = readonly [hours: number, km: number, offKm: number];
function track(points: readonly Waypoint[], deviceId = 'dev-a', on: Route = route): UnsignedDeviceEvent[] {
  const out: UnsignedDeviceEvent[] = [];
  for (let i = 1; i < points.length; i++) {
    const [h0, k0, o0] = points[i - 1]!;
    const [h1, k1, o1] = points[i]!;
    for (let h = i === 1 ? h0 : h0 + 1; h <= h1; h++) {
      const f = (h - h0) / (h1 - h0);
      out.push(ev(h, { deviceId, position: sea(k0 + f * (k1 - k0), o0 + f * (o1 - o0), on) }));
    }
  }
  return out;
}

/** Departed, and 3,000 km out at hour 106. */
const atSea = (): UnsignedDeviceEvent[] => [...departed(), ...track([[7, 30, 0], [106, 3000, 0]])];

function run(events: readonly UnsignedDeviceEvent[], state: MonitorState = newMonitorState(plan)): { state: MonitorState; alerts: IotAlert[] } {
  const alerts: IotAlert[] = [];
  for (const e of events) {
    const r = observe(state, plan, e);
    state = r.state;
    alerts.push(...r.alerts);
  }
  return { state, alerts };
}

const codes = (alerts: readonly IotAlert[]): string[] => alerts.map((a) => a.code);

describe('the monitor state', () => {
  it('starts before departure, as plain JSON, with the defaults of the issue', () => {
    assert.deepEqual(DEFAULT_MONITOR_CONFIG, { corridorKm: 150, portRadiusKm: 30, signalGapMinutes: 360, stopMinutes: 720, stopRadiusKm: 5, maxSpeedKmh: 120 });
    const s = newMonitorState(plan);
    assert.equal(s.phase, 'before');
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
    assert.throws(() => newMonitorState({ ...plan, ports: ['CNSHA', 'QQZZZ'] }), /QQZZZ/);
  });

  it('never changes the state it is given', () => {
    const deepFreeze = <T>(o: T): T => {
      if (o !== null && typeof o === 'object') for (const v of Object.values(o)) deepFreeze(v);
      return Object.freeze(o);
    };
    const { state } = run(atSea());
    const before = JSON.stringify(state);
    deepFreeze(state);
    const r = observe(state, plan, ev(107, { position: sea(3030), seal: { state: 'opened', number: 'S2' }, door: 'open' }));
    assert.deepEqual(codes(r.alerts).sort(), ['door-opened', 'seal-changed', 'seal-opened']);
    tick(state, plan, at(140));
    assert.equal(JSON.stringify(state), before);
  });

  it('moves to transit on departure and to arrived at the last port', () => {
    const s1 = run([ev(0, { position: portPosition('CNSHA')! })]).state;
    assert.equal(s1.phase, 'before');
    assert.equal(run([ev(1, { eventCode: 'DEPA', location: 'CNSHA' })]).state.phase, 'transit');
    assert.equal(run([ev(1, { position: sea(100) })]).state.phase, 'transit');
    const s2 = run([...departed(), ev(7, { position: sea(30) }), ev(8, { eventCode: 'ARRI', location: 'NLRTM' })]).state;
    assert.equal(s2.phase, 'arrived');
  });

  it('refuses an event of another container', () => {
    assert.throws(() => observe(newMonitorState(plan), plan, { ...ev(0), container: 'TGHU0000001' }), /TGHU0000001/);
  });
});

describe('corridor-exit', () => {
  it('is raised once per excursion, with the distance from the route', () => {
    // Out past 150 km at hour 75, back in at 87, out on the other side at 99.
    const way = track([[7, 30, 0], [70, 2000, 0], [73, 2030, 100], [76, 2060, 200], [80, 2090, 320], [90, 2150, 40], [100, 2200, -180]]);
    const { alerts } = run([...departed(), ...way]);
    assert.deepEqual(codes(alerts), ['corridor-exit', 'corridor-exit']);
    assert.deepEqual([alerts[0]!.at, alerts[1]!.at], [at(75), at(99)]);
    assert.equal(alerts[0]!.severity, 'critical');
    assert.match(alerts[0]!.message, /^container MSCU1234565 left the planned corridor 167 km from the route$/);
    assert.equal(Math.round(alerts[1]!.detail.routeKm as number), 158);
  });
});

describe('seal and door', () => {
  it('let the seal be opened, replaced and the door opened at a port of the plan', () => {
    const { alerts } = run([
      ev(0, { eventCode: 'GTIN', location: 'CNSHA', seal: { state: 'intact', number: 'S1' }, door: 'closed' }),
      ev(1, { eventCode: 'INSP', location: 'CNSHA', seal: { state: 'opened', number: 'S1' }, door: 'open' }),
      ev(2, { eventCode: 'RSEA', position: sea(10), seal: { state: 'intact', number: 'S2' }, door: 'closed' }),
      ev(3, { eventCode: 'DEPA', location: 'CNSHA' }),
      ev(4, { position: sea(30), seal: { state: 'intact', number: 'S2' } }),
      ...track([[5, 60, 0], [305, routeLengthKm(route), 0]]),
      ev(306, { eventCode: 'DISC', location: 'NLRTM', seal: { state: 'tampered', number: 'S2' }, door: 'open' }),
      ev(307, { eventCode: 'RSEA', position: sea(routeLengthKm(route) - 5), seal: { state: 'intact', number: 'S3' }, door: 'closed' }),
    ]);
    assert.deepEqual(alerts, []);
  });

  it('raise seal-opened, seal-changed and door-opened at sea, each once until it is closed again', () => {
    const { alerts } = run([
      ...atSea(),
      ev(107, { position: sea(3030), seal: { state: 'intact', number: 'S1' }, door: 'closed' }),
      ev(108, { position: sea(3060), seal: { state: 'opened', number: 'S1' }, door: 'open' }),
      ev(109, { position: sea(3090), seal: { state: 'tampered', number: 'S1' }, door: 'open' }),
      ev(110, { position: sea(3120), seal: { state: 'intact', number: 'S9' }, door: 'closed' }),
      ev(111, { position: sea(3150), seal: { state: 'intact', number: 'S9' }, door: 'closed' }),
      // No fix: the reading is from where the container last was, still at sea.
      ev(112, { seal: { state: 'opened', number: 'S9' }, door: 'open' }),
    ]);
    assert.deepEqual(codes(alerts), ['seal-opened', 'door-opened', 'seal-changed', 'seal-opened', 'door-opened']);
    assert.ok(alerts.every((a) => a.severity === 'critical' && a.consignment === 'DEC-1' && a.message.startsWith('container MSCU1234565 ')));
    assert.deepEqual(alerts[2]!.detail.eventIds, [`dev-a-${counter - 3}`]);
    assert.equal(alerts[2]!.detail.previousSeal, 'S1');
    assert.equal(alerts[2]!.detail.seal, 'S9');
    assert.ok((alerts[0]!.detail.nearestPortKm as number) > 2000);
  });

  it('takes events of equal times in the order given', () => {
    const same = (number: string) => ev(107, { position: sea(3030), seal: { state: 'intact', number } });
    const { alerts } = run([...atSea(), same('S1'), same('B')]);
    assert.deepEqual(codes(alerts), ['seal-changed']);
    assert.deepEqual([alerts[0]!.detail.previousSeal, alerts[0]!.detail.seal], ['S1', 'B']);
    assert.deepEqual(codes(run([...atSea(), same('B'), same('S1')]).alerts), ['seal-changed', 'seal-changed']);
  });
});

describe('signal-gap', () => {
  it('is raised by the event that ends a long silence in transit, and not before departure or after arrival', () => {
    const { alerts } = run([
      ev(0, { eventCode: 'GTIN', location: 'CNSHA', position: portPosition('CNSHA')! }),
      ev(72, { eventCode: 'DEPA', location: 'CNSHA', position: portPosition('CNSHA')! }),
      ev(73, { position: sea(33) }),
      ev(78, { position: sea(200) }),
      ev(85, { position: sea(430) }),
      ev(86, { position: sea(460) }),
      ev(400, { eventCode: 'ARRI', location: 'NLRTM', position: portPosition('NLRTM')! }),
      ev(500, { eventCode: 'GTOT', location: 'NLRTM' }),
    ]);
    assert.deepEqual(codes(alerts), ['signal-gap', 'signal-gap']);
    assert.equal(alerts[0]!.severity, 'warning');
    assert.equal(alerts[0]!.detail.silentMinutes, 420);
    assert.equal(alerts[1]!.detail.silentMinutes, 314 * 60);
  });

  it('is raised by tick once per silence, and the event that ends it does not raise it again', () => {
    let { state } = run([...departed(), ev(7, { position: sea(40) })]);
    assert.deepEqual(tick(state, plan, at(12)).alerts, []);
    const t1 = tick(state, plan, at(14));
    assert.deepEqual(codes(t1.alerts), ['signal-gap']);
    assert.equal(t1.alerts[0]!.at, at(14));
    state = t1.state;
    assert.deepEqual(tick(state, plan, at(20)).alerts, []);
    const r = observe(state, plan, ev(21, { position: sea(500) }));
    assert.deepEqual(r.alerts, []);
    assert.deepEqual(codes(tick(r.state, plan, at(28)).alerts), ['signal-gap']);
  });
});

describe('unplanned-stop', () => {
  // Within 2.6 km of where it stopped: a ship adrift or at anchor.
  const drift = (h: number, km: number) => ev(h, { position: sea(km + (h % 3) * 0.8, ((h * 7) % 5) - 2) });

  it('is raised once when the container stays put at sea for longer than the limit', () => {
    const stay = Array.from({ length: 16 }, (_, i) => drift(107 + i, 3000));
    const moveOn = [ev(123, { position: sea(3040) }), ...Array.from({ length: 14 }, (_, i) => drift(124 + i, 3040))];
    const { alerts } = run([...atSea(), ...stay, ...moveOn]);
    assert.deepEqual(codes(alerts), ['unplanned-stop', 'unplanned-stop']);
    assert.deepEqual([alerts[0]!.at, alerts[1]!.at], [at(119), at(136)]);
    assert.equal(alerts[0]!.severity, 'warning');
    assert.ok((alerts[0]!.detail.stoppedMinutes as number) > 720);
  });

  it('is not raised at a port of the plan', () => {
    const via: MonitorPlan = { ...plan, ports: ['CNSHA', 'SGSIN', 'NLRTM'] };
    const viaRoute = plannedRoute(via.ports);
    const sg = viaRoute.portKm[1]!;
    const hours = Math.round(sg / 30);
    const calling = Array.from({ length: 30 }, (_, i) => ev(7 + hours + i, { position: sea(sg, (i % 3) - 1, viaRoute) }));
    let state = newMonitorState(via);
    const alerts: IotAlert[] = [];
    for (const e of [...departed(), ...track([[7, 30, 0], [6 + hours, sg - 10, 0]], 'dev-a', viaRoute), ...calling]) {
      const r = observe(state, via, e);
      state = r.state;
      alerts.push(...r.alerts);
    }
    assert.equal(state.phase, 'transit');
    assert.deepEqual(alerts, []);
  });

  it('is raised by tick while the device still reports from where it stopped', () => {
    const { state } = run([...atSea(), ...Array.from({ length: 10 }, (_, i) => drift(107 + i, 3000))]);
    assert.deepEqual(tick(state, plan, at(117)).alerts, []);
    assert.deepEqual(codes(tick(state, plan, at(119)).alerts), ['unplanned-stop']);
    assert.deepEqual(codes(tick(state, plan, at(123)).alerts), ['signal-gap'], 'silent for longer than the gap: a gap, not a stop');
  });
});

describe('two-places', () => {
  it('is raised when two devices put one container far apart at once, once per pair and hour', () => {
    const { alerts } = run([
      ...atSea(),
      ev(106, { deviceId: 'dev-b', position: sea(5000) }),
      ev(106.2, { deviceId: 'dev-a', position: sea(3005) }),
      ev(106.5, { deviceId: 'dev-b', position: sea(5010) }),
      ev(107.5, { deviceId: 'dev-b', position: sea(5030) }),
    ]);
    assert.deepEqual(codes(alerts), ['two-places', 'two-places']);
    assert.deepEqual(alerts[0]!.detail.deviceIds, ['dev-a', 'dev-b']);
    assert.equal(Math.round(alerts[0]!.detail.distanceKm as number), 2000);
    assert.match(alerts[0]!.message, /devices dev-a and dev-b/);
    assert.equal(alerts[0]!.severity, 'critical');
  });

  it('lets two devices agree, and a ship sail at sea speed', () => {
    const { alerts } = run([
      ...atSea(),
      ev(106, { deviceId: 'dev-b', position: sea(3000.6) }),
      ev(107, { deviceId: 'dev-a', position: sea(3035) }),
      ev(107.01, { deviceId: 'dev-b', position: sea(3035.4) }),
      ev(108, { deviceId: 'dev-a', position: sea(3100) }),
    ]);
    assert.deepEqual(alerts, []);
  });

  it('catches one device that jumps, and a pair less than a minute apart but kilometres away', () => {
    assert.deepEqual(codes(run([...atSea(), ev(107, { position: sea(3400) })]).alerts), ['two-places']);
    assert.deepEqual(codes(run([...atSea(), ev(106.01, { deviceId: 'y', position: sea(3003) })]).alerts), ['two-places']);
  });
});

describe('state between events', () => {
  it('gives the same alerts when it goes through JSON after every event', () => {
    const voyage = simulateVoyage({ plan, deviceId: 'dev-a', start: at(0), scenario: 'seal-breach', seed: 11, sealNumber: 'SEAL0001' });
    const mid = Date.parse(voyage[120]!.time);
    const second = (h: number, km: number): UnsignedDeviceEvent => ({ ...ev(0, { deviceId: 'dev-b', position: sea(km) }), time: new Date(mid + h * HOUR).toISOString() });
    // A second device that reports from elsewhere, then stays put: two-places and a stop besides the breach.
    const extra = [second(0.1, 6000), ...Array.from({ length: 15 }, (_, i) => second(1 + i, 6000 + (i % 2)))];
    const events = [...voyage.slice(0, 121), ...extra, ...voyage.slice(121)];
    let direct = newMonitorState(plan);
    let stored = newMonitorState(plan);
    const all: string[] = [];
    events.forEach((e, i) => {
      const a = observe(direct, plan, e);
      const b = observe(JSON.parse(JSON.stringify(stored)) as MonitorState, plan, e);
      assert.deepEqual(b.alerts, a.alerts, `alerts of event ${i}`);
      assert.deepEqual(JSON.parse(JSON.stringify(a.state)), a.state, `state after event ${i} is plain JSON`);
      direct = a.state;
      stored = b.state;
      all.push(...codes(a.alerts));
    });
    assert.deepEqual(tick(JSON.parse(JSON.stringify(stored)) as MonitorState, plan, at(2000)).alerts, tick(direct, plan, at(2000)).alerts);
    for (const code of ['two-places', 'unplanned-stop', 'seal-opened', 'seal-changed', 'door-opened']) assert.ok(all.includes(code), `expected ${code} among ${all.join(', ')}`);
  });
});
