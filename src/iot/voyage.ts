import { bearing, destination, point } from '@turf/turf';
import { plannedRoute, pointAlong, portPosition, routeLengthKm, type LatLon } from './geo.ts';
import { DEFAULT_MONITOR_CONFIG } from './monitors.ts';
import type { DeviceEventCode, MonitorPlan, SealState, UnsignedDeviceEvent } from './types.ts';

/**
 * A container device's events over one voyage, for the demo and for testing the monitors: gate in,
 * load and depart at the first port, a fix every interval along the planned route (calling at any
 * via port), arrive, discharge and gate out at the last. A scenario plants one departure from the
 * plan far from any port; everything else stays inside what the monitors accept, so that the
 * alerts a voyage raises are exactly the ones its scenario planted.
 */

export type VoyageScenario = 'normal' | 'detour' | 'seal-breach' | 'dark';

export interface VoyageOptions {
  readonly plan: MonitorPlan;
  readonly deviceId: string;
  readonly start: string;
  readonly scenario: VoyageScenario;
  readonly seed: number;
  readonly sealNumber: string;
  /** Minutes between fixes at sea (default 60). */
  readonly intervalMinutes?: number;
  /** Speed over the ground at sea (default 18). */
  readonly speedKnots?: number;
  /** The device's counter of the first event (default 0). */
  readonly firstSeq?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const KNOT_KMH = 1.852;
/** A planted departure stays this far (along the route) from every port, so no port authorises it. */
const CLEAR_OF_PORTS_KM = 300;
/** The detour: out over RAMP hours, HOLD hours at its widest, back over RAMP hours, at half speed along the route. */
const DETOUR_RAMP_H = 16;
const DETOUR_HOLD_H = 8;
const DETOUR_WIDTH = 3.4 * DEFAULT_MONITOR_CONFIG.corridorKm;

/** mulberry32: tiny, fast and good enough to make a voyage look irregular yet repeatable. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Draft = Omit<UnsignedDeviceEvent, 'v' | 'eventId' | 'deviceId' | 'seq' | 'container' | 'time'> & { readonly ms: number };

const round = (n: number, places: number): number => Math.round(n * 10 ** places) / 10 ** places;

function offset(p: LatLon, km: number, bearingDeg: number): LatLon {
  if (km === 0) return p;
  const [lon, lat] = destination(point([p.lon, p.lat]), Math.abs(km), km > 0 ? bearingDeg : bearingDeg + 180, { units: 'kilometers' }).geometry.coordinates;
  return { lat: lat!, lon: lon! };
}

/** A seal number of the same shape as the old one, and not the old one. */
function newSealNumber(old: string, rand: () => number): string {
  const head = old.length > 4 ? old.slice(0, -4) : old;
  for (;;) {
    const next = `${head}${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`;
    if (next !== old) return next;
  }
}

function scenarioStartKm(o: VoyageOptions, portKm: readonly number[], windowKm: number, rand: () => number): number {
  const length = portKm[portKm.length - 1]!;
  const margin = o.scenario === 'detour' ? Math.max(CLEAR_OF_PORTS_KM, 1.5 * DETOUR_WIDTH) : CLEAR_OF_PORTS_KM;
  const clear = (k: number): boolean => portKm.every((c) => k - c >= margin || c - (k + windowKm) >= margin);
  for (let i = 0; i < 64; i++) {
    const k = length * (0.3 + 0.4 * rand());
    if (clear(k)) return k;
  }
  for (let i = 0; i <= 1000; i++) if (clear((length * i) / 1000)) return (length * i) / 1000;
  throw new Error(`the route ${o.plan.ports.join('-')} (${Math.round(length)} km) is too short for the '${o.scenario}' scenario: it needs ${Math.round(windowKm + 2 * margin)} km of route clear of its ports`);
}

export function simulateVoyage(o: VoyageOptions): UnsignedDeviceEvent[] {
  const rand = mulberry32(o.seed);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rand();
  // Port work is logged to the minute; fixes at sea follow the device's own interval from departure.
  const hoursToMinute = (lo: number, hi: number): number => Math.round(between(lo, hi) * 60) * MINUTE;
  const interval = (o.intervalMinutes ?? 60) * MINUTE;
  const kmh = (o.speedKnots ?? 18) * KNOT_KMH;
  if (!(interval > 0) || !(kmh > 0)) throw new Error(`a voyage needs a positive interval and speed, got ${o.intervalMinutes} minutes and ${o.speedKnots} knots`);
  const route = plannedRoute(o.plan.ports);
  const length = routeLengthKm(route);
  const gap = 2 * DEFAULT_MONITOR_CONFIG.signalGapMinutes * MINUTE;
  const windowKm = { normal: 0, detour: (2 * DETOUR_RAMP_H + DETOUR_HOLD_H) * kmh * 0.5, 'seal-breach': (2 * interval * kmh) / HOUR, dark: ((gap + interval) * kmh) / HOUR }[o.scenario];
  const startKm = o.scenario === 'normal' ? Infinity : scenarioStartKm(o, route.portKm, windowKm, rand);
  const side = rand() < 0.5 ? 1 : -1;
  const wobble = { km: between(1.5, 3.5), periodH: between(9, 20), phase: between(0, 2 * Math.PI) };

  let sealNumber = o.sealNumber;
  let sealState: SealState = 'intact';
  let door: 'open' | 'closed' = 'closed';
  let temperature = between(12, 24);
  let battery = between(95, 100);
  let readings = 0;
  const drafts: Draft[] = [];
  const fix = (p: LatLon): NonNullable<UnsignedDeviceEvent['position']> => ({ lat: round(p.lat, 5), lon: round(p.lon, 5), accuracy: Math.round(between(12, 28)) });
  const emit = (ms: number, p: LatLon, extra: Partial<Draft> = {}): void => {
    readings += 1;
    battery = Math.max(5, battery - 0.04);
    temperature = Math.min(45, Math.max(-10, temperature + between(-0.75, 0.75)));
    drafts.push({
      ms,
      ...extra,
      position: fix(p),
      seal: { state: sealState, number: sealNumber },
      door,
      ...(extra.shock === undefined && rand() < 0.02 ? { shock: round(between(0.3, 1.2), 2) } : {}),
      ...(readings % 6 === 0 ? { temperature: round(temperature, 1) } : {}),
      ...(readings % 12 === 0 || extra.eventCode !== undefined ? { battery: round(battery, 1) } : {}),
    });
  };
  // Fixes at a port scatter over its terminals, well inside the port radius.
  const atPort = (code: string): LatLon => offset(portPosition(code)!, between(0, 0.3), between(0, 360));
  const portEvent = (ms: number, code: string, eventCode: DeviceEventCode, extra: Partial<Draft> = {}): void => emit(ms, atPort(code), { eventCode, location: code, ...extra });

  const first = o.plan.ports[0]!;
  const last = o.plan.ports[o.plan.ports.length - 1]!;
  let t = Date.parse(o.start);
  if (Number.isNaN(t)) throw new Error(`start ${JSON.stringify(o.start)} is not an ISO 8601 time`);
  portEvent(t, first, 'GTIN');
  t += hoursToMinute(4, 8);
  portEvent(t, first, 'LOAD', { shock: round(between(1.2, 2.5), 2) });
  t += hoursToMinute(6, 12);
  portEvent(t, first, 'DEPA');

  const depart = t;
  let km = 0;
  let leg = 0;
  let planted: number | null = null;
  for (;;) {
    const inDetour = o.scenario === 'detour' && planted !== null && t - planted < (2 * DETOUR_RAMP_H + DETOUR_HOLD_H) * HOUR;
    t += interval;
    km += ((interval / HOUR) * kmh) * (inDetour ? 0.5 : 1);
    const next = route.portKm[leg + 1]!;
    if (km >= next) {
      if (leg + 2 === route.ports.length) break;
      // A call at a via port: the container stays aboard and keeps reporting while the ship works.
      leg += 1;
      km = next;
      const via = o.plan.ports[leg]!;
      portEvent(t, via, 'ARRI');
      const leave = t + hoursToMinute(12, 24);
      for (t += interval; t < leave; t += interval) emit(t, atPort(via));
      portEvent(t, via, 'DEPA');
      continue;
    }
    if (planted === null && km >= startKm) planted = t;
    const since = planted === null ? -1 : t - planted;

    if (o.scenario === 'dark' && since > 0 && since < gap) continue;
    let across = wobble.km * Math.sin((2 * Math.PI * (t - depart)) / (wobble.periodH * HOUR) + wobble.phase);
    if (o.scenario === 'detour' && since >= 0) {
      const h = since / HOUR;
      const share = h < DETOUR_RAMP_H ? h / DETOUR_RAMP_H : h < DETOUR_RAMP_H + DETOUR_HOLD_H ? 1 : Math.max(0, (2 * DETOUR_RAMP_H + DETOUR_HOLD_H - h) / DETOUR_RAMP_H);
      across += share * DETOUR_WIDTH * side;
    }
    if (o.scenario === 'seal-breach' && since === 0) [door, sealState] = ['open', 'opened'];
    if (o.scenario === 'seal-breach' && since === interval) [door, sealState, sealNumber] = ['closed', 'intact', newSealNumber(sealNumber, rand)];

    const along = km + between(-0.5, 0.5);
    const here = pointAlong(route, along);
    const ahead = pointAlong(route, Math.min(along + 1, length));
    const heading = ahead.lat === here.lat && ahead.lon === here.lon ? 0 : bearing(point([here.lon, here.lat]), point([ahead.lon, ahead.lat]));
    emit(t, offset(here, across, heading + 90));
  }

  portEvent(t, last, 'ARRI');
  t += hoursToMinute(2, 6);
  portEvent(t, last, 'DISC', { shock: round(between(1.2, 2.5), 2) });
  t += hoursToMinute(6, 24);
  portEvent(t, last, 'GTOT');

  const seq0 = o.firstSeq ?? 0;
  return drafts.map(({ ms, ...rest }, i) => ({
    v: 1,
    eventId: `${o.deviceId}-${seq0 + i}`,
    deviceId: o.deviceId,
    seq: seq0 + i,
    container: o.plan.container,
    time: new Date(ms).toISOString(),
    ...rest,
  }));
}
