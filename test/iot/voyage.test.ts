import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distanceKm, distanceToRouteKm, nearestPort, plannedRoute, portPosition } from '../../src/iot/geo.ts';
import { DEFAULT_MONITOR_CONFIG, newMonitorState, observe, tick } from '../../src/iot/monitors.ts';
import type { IotAlertCode, MonitorPlan, UnsignedDeviceEvent } from '../../src/iot/types.ts';
import { simulateVoyage, type VoyageScenario } from '../../src/iot/voyage.ts';

/**
 * The simulator and the monitors check each other: a voyage raises exactly the alerts its
 * scenario plants, on several routes and seeds, and the voyage itself looks like one (ports at
 * its ends, a fix every interval near the route, sea speeds).
 */

const HOUR = 3_600_000;
const PLANS: readonly MonitorPlan[] = [
  { consignment: 'DEC-SHA', container: 'MSCU1234565', ports: ['CNSHA', 'NLRTM'] },
  { consignment: 'DEC-NYC', container: 'MSCU1234565', ports: ['USNYC', 'DEHAM'] },
  { consignment: 'DEC-PUS', container: 'MSCU1234565', ports: ['KRPUS', 'SGSIN', 'BEANR'] },
  { consignment: 'DEC-SSZ', container: 'MSCU1234565', ports: ['BRSSZ', 'ESVLC'] },
];
const SEEDS = [1, 2, 3, 20250501];
const EXPECTED: Readonly<Record<VoyageScenario, readonly IotAlertCode[]>> = {
  normal: [],
  detour: ['corridor-exit'],
  'seal-breach': ['door-opened', 'seal-changed', 'seal-opened'],
  dark: ['signal-gap'],
};

const voyage = (plan: MonitorPlan, scenario: VoyageScenario, seed: number, extra: Partial<Parameters<typeof simulateVoyage>[0]> = {}): UnsignedDeviceEvent[] =>
  simulateVoyage({ plan, deviceId: 'tracker-7', start: '2025-05-01T06:00:00Z', scenario, seed, sealNumber: 'EU12345678', ...extra });

function alertsOf(plan: MonitorPlan, events: readonly UnsignedDeviceEvent[]): IotAlertCode[] {
  let state = newMonitorState(plan);
  const codes: IotAlertCode[] = [];
  for (const e of events) {
    const r = observe(state, plan, e);
    state = r.state;
    codes.push(...r.alerts.map((a) => a.code));
  }
  const end = tick(state, plan, new Date(Date.parse(events[events.length - 1]!.time) + 48 * HOUR).toISOString());
  codes.push(...end.alerts.map((a) => a.code));
  return codes.sort();
}

describe('a simulated voyage through the monitors', () => {
  for (const plan of PLANS) {
    for (const scenario of Object.keys(EXPECTED) as VoyageScenario[]) {
      it(`${plan.ports.join('→')} ${scenario} raises exactly ${EXPECTED[scenario].join(', ') || 'nothing'}`, () => {
        for (const seed of SEEDS) assert.deepEqual(alertsOf(plan, voyage(plan, scenario, seed)), EXPECTED[scenario], `seed ${seed}`);
      });
    }
  }

  it('raises the same with fixes every 20 minutes at 12 knots, and every 3 hours at 22', () => {
    for (const scenario of Object.keys(EXPECTED) as VoyageScenario[]) {
      assert.deepEqual(alertsOf(PLANS[2]!, voyage(PLANS[2]!, scenario, 5, { intervalMinutes: 20, speedKnots: 12 })), EXPECTED[scenario], `${scenario} 20 min`);
      assert.deepEqual(alertsOf(PLANS[0]!, voyage(PLANS[0]!, scenario, 6, { intervalMinutes: 180, speedKnots: 22 })), EXPECTED[scenario], `${scenario} 3 h`);
    }
  });
});

describe('simulateVoyage', () => {
  const plan = PLANS[2]!;

  it('is the same voyage for the same seed, and another for another seed', () => {
    assert.deepEqual(voyage(plan, 'normal', 9), voyage(plan, 'normal', 9));
    assert.notDeepEqual(voyage(plan, 'normal', 9), voyage(plan, 'normal', 10));
  });

  it('numbers the events from firstSeq, in time order, all of the plan container', () => {
    const events = voyage(plan, 'dark', 4, { firstSeq: 17 });
    events.forEach((e, i) => {
      assert.equal(e.seq, 17 + i);
      assert.equal(e.eventId, `tracker-7-${17 + i}`);
      assert.equal(e.v, 1);
      assert.equal(e.deviceId, 'tracker-7');
      assert.equal(e.container, plan.container);
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      if (i > 0) assert.ok(e.time >= events[i - 1]!.time, `event ${i} goes back in time`);
      assert.ok(Object.values(e).every((v) => v !== undefined), `event ${i} carries an undefined field`);
    });
    assert.equal(events[0]!.time, '2025-05-01T06:00:00.000Z');
  });

  it('gates in, loads and departs at the first port, calls at the via port, and arrives, discharges and gates out at the last', () => {
    const events = voyage(plan, 'normal', 4);
    const calls = events.filter((e) => e.eventCode !== undefined).map((e) => `${e.eventCode}@${e.location}`);
    assert.deepEqual(calls, ['GTIN@KRPUS', 'LOAD@KRPUS', 'DEPA@KRPUS', 'ARRI@SGSIN', 'DEPA@SGSIN', 'ARRI@BEANR', 'DISC@BEANR', 'GTOT@BEANR']);
    for (const e of events.filter((x) => x.location !== undefined)) assert.ok(distanceKm(e.position!, portPosition(e.location!)!) < 1, `${e.eventId} is not at ${e.location}`);
    assert.deepEqual(events[0]!.seal, { state: 'intact', number: 'EU12345678' });
    assert.equal(events[0]!.door, 'closed');
  });

  it('reports every interval near the route, at sea speed, accurately, with some readings', () => {
    const events = voyage(plan, 'normal', 8);
    const route = plannedRoute(plan.ports);
    const sea = events.filter((e) => e.eventCode === undefined);
    assert.ok(sea.length > 400, `${sea.length} fixes`);
    for (const e of events) assert.ok(distanceToRouteKm(route, e.position!) < 5, `${e.eventId} is ${distanceToRouteKm(route, e.position!)} km off the route`);
    for (let i = 1; i < events.length; i++) {
      const hours = (Date.parse(events[i]!.time) - Date.parse(events[i - 1]!.time)) / HOUR;
      if (events[i]!.eventCode === undefined && events[i - 1]!.eventCode === undefined) assert.equal(hours, 1);
      const kmh = distanceKm(events[i - 1]!.position!, events[i]!.position!) / hours;
      assert.ok(kmh < 45, `${events[i]!.eventId}: ${kmh} km/h`);
    }
    assert.ok(events.every((e) => e.position!.accuracy! >= 10 && e.position!.accuracy! <= 30));
    assert.ok(events.some((e) => e.temperature !== undefined) && events.some((e) => e.battery !== undefined) && events.some((e) => e.shock !== undefined));
  });

  it('swings a detour at least three corridors off the route and brings it back', () => {
    const events = voyage(PLANS[0]!, 'detour', 3);
    const route = plannedRoute(PLANS[0]!.ports);
    const off = events.map((e) => distanceToRouteKm(route, e.position!));
    assert.ok(Math.max(...off) >= 3 * DEFAULT_MONITOR_CONFIG.corridorKm, `widest ${Math.max(...off)} km`);
    assert.ok(off.slice(-10).every((d) => d < 5));
  });

  it('breaks the seal far from any port, and stays dark for twice the signal gap far from any port', () => {
    const route = plannedRoute(plan.ports);
    const breach = voyage(plan, 'seal-breach', 3);
    const opened = breach.findIndex((e) => e.door === 'open');
    assert.deepEqual([breach[opened]!.seal!.state, breach[opened + 1]!.seal!.state, breach[opened + 1]!.door], ['opened', 'intact', 'closed']);
    assert.notEqual(breach[opened + 1]!.seal!.number, 'EU12345678');
    assert.ok(nearestPort(route, breach[opened]!.position!).km > 250);

    const dark = voyage(plan, 'dark', 3);
    // Port work takes hours between events; only the silences at sea count.
    const gaps = dark.slice(1).flatMap((e, i) => (e.eventCode === undefined && dark[i]!.eventCode === undefined ? [{ i, minutes: (Date.parse(e.time) - Date.parse(dark[i]!.time)) / 60_000 }] : []));
    const silence = gaps.filter((g) => g.minutes > DEFAULT_MONITOR_CONFIG.signalGapMinutes);
    assert.equal(silence.length, 1);
    assert.equal(silence[0]!.minutes, 2 * DEFAULT_MONITOR_CONFIG.signalGapMinutes);
    assert.ok(nearestPort(route, dark[silence[0]!.i]!.position!).km > 250);
  });

  it('refuses a route too short for its scenario, and an unknown port', () => {
    const short: MonitorPlan = { consignment: 'D', container: 'MSCU1234565', ports: ['NLRTM', 'BEANR'] };
    assert.throws(() => voyage(short, 'detour', 1), /too short for the 'detour' scenario/);
    assert.ok(voyage(short, 'normal', 1).length > 3);
    assert.throws(() => voyage({ ...short, ports: ['NLRTM', 'XXYYY'] }, 'normal', 1), /XXYYY/);
  });
});
