import { distanceKm, distanceToRouteKm, nearestPort, plannedRoute, type LatLon, type Route } from './geo.ts';
import type { IotAlert, IotAlertCode, MonitorConfig, MonitorPlan, SealState, UnsignedDeviceEvent } from './types.ts';

/**
 * The monitors of one consignment's container: they read its device events in order and say
 * when the voyage departs from its plan (corridor, seal, door, silence, stops, impossible
 * speeds). Pure: the state is plain JSON that the app stores between events, so a restart or
 * another process picks up where the last left off, and the clock comes in as `now`.
 */

export const DEFAULT_MONITOR_CONFIG: MonitorConfig = Object.freeze({
  corridorKm: 150,
  portRadiusKm: 30,
  signalGapMinutes: 360,
  stopMinutes: 720,
  stopRadiusKm: 5,
  maxSpeedKmh: 120,
});

export interface MonitorFix {
  readonly lat: number;
  readonly lon: number;
  /** metres, as the device stated it (0 when it did not). */
  readonly accuracy: number;
  /** epoch milliseconds */
  readonly ms: number;
  readonly eventId: string;
}

/** Times are epoch milliseconds: they are compared on every event, and JSON keeps them exactly. */
export interface MonitorState {
  readonly v: 1;
  readonly consignment: string;
  readonly container: string;
  /** before departure, in transit, arrived at the last port: only transit has gaps and stops. */
  readonly phase: 'before' | 'transit' | 'arrived';
  readonly lastEventId: string | null;
  /** The latest event time seen (events of several devices may come slightly out of order). */
  readonly lastMs: number | null;
  readonly gapAlerted: boolean;
  readonly position: MonitorFix | null;
  readonly outsideCorridor: boolean;
  readonly seal: { readonly number: string; readonly state: SealState } | null;
  readonly sealAlerted: boolean;
  readonly doorAlerted: boolean;
  /** Where the container has stayed within stopRadiusKm since `since`. */
  readonly stop: { readonly lat: number; readonly lon: number; readonly since: number; readonly eventId: string; readonly alerted: boolean } | null;
  /** The last fix of each device of the container, to compare a new fix against. */
  readonly devices: Readonly<Record<string, MonitorFix>>;
  /** two-places: when each pair of devices ("a b", sorted) last raised it. */
  readonly pairAlerts: Readonly<Record<string, number>>;
}

export interface MonitorResult {
  readonly state: MonitorState;
  readonly alerts: IotAlert[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Enough for the devices one container may carry; the oldest fix goes first beyond it. */
const MAX_DEVICES = 16;

export function newMonitorState(plan: MonitorPlan): MonitorState {
  // Fails now, with the port named, rather than on the first event.
  plannedRoute(plan.ports);
  return {
    v: 1,
    consignment: plan.consignment,
    container: plan.container,
    phase: 'before',
    lastEventId: null,
    lastMs: null,
    gapAlerted: false,
    position: null,
    outsideCorridor: false,
    seal: null,
    sealAlerted: false,
    doorAlerted: false,
    stop: null,
    devices: {},
    pairAlerts: {},
  };
}

const SEVERITY: Readonly<Record<IotAlertCode, IotAlert['severity']>> = {
  'corridor-exit': 'critical',
  'seal-opened': 'critical',
  'seal-changed': 'critical',
  'door-opened': 'critical',
  'signal-gap': 'warning',
  'unplanned-stop': 'warning',
  'two-places': 'critical',
};

const km = (n: number): string => `${Math.round(n).toLocaleString('en-US')} km`;
const hours = (ms: number): string => `${(ms / HOUR).toFixed(1)} hours`;
const iso = (ms: number): string => new Date(ms).toISOString();
const pos = (p: LatLon): { lat: number; lon: number } => ({ lat: p.lat, lon: p.lon });

function where(route: Route, p: LatLon | undefined, location: string | undefined): string {
  if (p === undefined) return location === undefined ? 'at an unknown place' : `at ${location}, not a port of its plan`;
  const near = nearestPort(route, p);
  return `${km(near.km)} from ${near.port}, the nearest port of its plan`;
}

export function observe(state: MonitorState, plan: MonitorPlan, event: UnsignedDeviceEvent, config: MonitorConfig = DEFAULT_MONITOR_CONFIG): MonitorResult {
  if (event.container !== plan.container) throw new Error(`event ${event.eventId} is of container ${event.container}, not ${plan.container} of consignment ${plan.consignment}`);
  const route = plannedRoute(plan.ports);
  const ms = Date.parse(event.time);
  const alerts: IotAlert[] = [];
  const raise = (code: IotAlertCode, message: string, detail: Record<string, unknown>): void => {
    alerts.push({ code, severity: SEVERITY[code], consignment: plan.consignment, container: plan.container, at: event.time, message: `container ${plan.container} ${message}`, detail });
  };
  const p = event.position;
  const lastPort = plan.ports[plan.ports.length - 1]!;

  // The silence is judged by the phase it happened in, before this event moves the phase on.
  // tick may have raised it already; either way this event ends the silence.
  if (state.phase === 'transit' && state.lastMs !== null && ms - state.lastMs > config.signalGapMinutes * MINUTE && !state.gapAlerted) {
    raise('signal-gap', `was silent for ${hours(ms - state.lastMs)} in transit`, { eventIds: [state.lastEventId, event.eventId], silentMinutes: Math.round((ms - state.lastMs) / MINUTE), limitMinutes: config.signalGapMinutes });
  }

  let phase = state.phase;
  if (phase === 'before' && (event.eventCode === 'DEPA' || (p !== undefined && distanceKm(p, route.positions[0]!) > config.portRadiusKm))) phase = 'transit';
  if (phase === 'transit') {
    const atLast = p !== undefined ? distanceKm(p, route.positions[route.positions.length - 1]!) <= config.portRadiusKm : event.location === lastPort;
    if (atLast && (p !== undefined || event.eventCode === 'ARRI' || event.eventCode === 'DISC')) phase = 'arrived';
  }

  // A fix, else the place the device names, else where it last was: a reading without a fix is from there.
  const place: LatLon | undefined = p ?? (event.location === undefined ? (state.position ?? undefined) : undefined);
  const portKm = place === undefined ? Infinity : nearestPort(route, place).km;
  const authorised = (event.location !== undefined && plan.ports.includes(event.location)) || portKm <= config.portRadiusKm;
  const placeText = (): string => where(route, place, event.location);
  const placeDetail = { position: place === undefined ? null : pos(place), location: event.location ?? null, nearestPortKm: Number.isFinite(portKm) ? Math.round(portKm * 10) / 10 : null };

  let outsideCorridor = state.outsideCorridor;
  if (p !== undefined && phase === 'transit') {
    const off = distanceToRouteKm(route, p);
    if (off > config.corridorKm && !outsideCorridor) {
      raise('corridor-exit', `left the planned corridor ${km(off)} from the route`, { eventIds: [event.eventId], position: pos(p), routeKm: Math.round(off * 10) / 10, corridorKm: config.corridorKm, ports: plan.ports });
    }
    outsideCorridor = off > config.corridorKm;
  }

  let seal = state.seal;
  let sealAlerted = state.sealAlerted;
  if (event.seal !== undefined) {
    const s = event.seal;
    if (seal !== null && s.number !== seal.number && !authorised) {
      raise('seal-changed', `reported seal ${s.number} where seal ${seal.number} was, ${placeText()}`, { eventIds: [event.eventId], previousSeal: seal.number, seal: s.number, previousEventId: state.lastEventId, ...placeDetail });
    }
    if (s.state === 'intact') sealAlerted = false;
    else if (!authorised && !sealAlerted) {
      raise('seal-opened', `reported seal ${s.number} ${s.state} ${placeText()}`, { eventIds: [event.eventId], seal: s.number, sealState: s.state, ...placeDetail });
      sealAlerted = true;
    }
    if (seal === null || seal.number !== s.number || seal.state !== s.state) seal = { number: s.number, state: s.state };
  }

  let doorAlerted = state.doorAlerted;
  if (event.door === 'closed') doorAlerted = false;
  else if (event.door === 'open' && !authorised && !doorAlerted) {
    raise('door-opened', `reported its door open ${placeText()}`, { eventIds: [event.eventId], ...placeDetail });
    doorAlerted = true;
  }

  let stop = state.stop;
  let devices = state.devices;
  let pairAlerts = state.pairAlerts;
  let position = state.position;
  if (p !== undefined) {
    const fix: MonitorFix = { lat: p.lat, lon: p.lon, accuracy: p.accuracy ?? 0, ms, eventId: event.eventId };
    position = fix;

    if (phase !== 'transit' || authorised) stop = null;
    else if (stop === null || distanceKm(stop, p) > config.stopRadiusKm) stop = { lat: p.lat, lon: p.lon, since: ms, eventId: event.eventId, alerted: false };
    else if (!stop.alerted && ms - stop.since > config.stopMinutes * MINUTE) {
      raise('unplanned-stop', `stayed within ${km(config.stopRadiusKm)} of one place for ${hours(ms - stop.since)} in transit, ${placeText()}`, {
        eventIds: [stop.eventId, event.eventId],
        position: pos(stop),
        stoppedMinutes: Math.round((ms - stop.since) / MINUTE),
        limitMinutes: config.stopMinutes,
        nearestPortKm: placeDetail.nearestPortKm,
      });
      stop = { ...stop, alerted: true };
    }

    for (const [other, f] of Object.entries(devices)) {
      const pair = [other, event.deviceId].sort().join(' ');
      const last = pairAlerts[pair];
      if (last !== undefined && Math.abs(ms - last) < HOUR) continue;
      const apart = Math.max(0, distanceKm(f, p) - (f.accuracy + fix.accuracy) / 1000);
      const dt = Math.abs(ms - f.ms);
      // Below a minute a speed means nothing (clocks, rounding); only a distance does.
      const impossible = dt < MINUTE ? apart > 1 : apart / (dt / HOUR) > config.maxSpeedKmh;
      if (!impossible) continue;
      const speed = dt === 0 ? null : Math.round(apart / (dt / HOUR));
      const by = other === event.deviceId ? `device ${other}` : `devices ${other} and ${event.deviceId}`;
      raise('two-places', `was reported ${km(apart)} apart within ${Math.round(dt / MINUTE)} minutes by ${by}, faster than ${config.maxSpeedKmh} km/h allows`, {
        eventIds: [f.eventId, event.eventId],
        deviceIds: [other, event.deviceId],
        positions: [pos(f), pos(p)],
        distanceKm: Math.round(apart * 10) / 10,
        minutes: Math.round((dt / MINUTE) * 10) / 10,
        speedKmh: speed,
        maxSpeedKmh: config.maxSpeedKmh,
      });
      const kept = Object.entries(pairAlerts).filter(([, t]) => Math.abs(ms - t) < HOUR);
      pairAlerts = Object.fromEntries([...kept, [pair, ms]]);
    }

    let others = Object.entries(devices).filter(([d]) => d !== event.deviceId);
    if (others.length >= MAX_DEVICES) others = others.sort((a, b) => b[1].ms - a[1].ms).slice(0, MAX_DEVICES - 1);
    devices = Object.fromEntries([...others, [event.deviceId, fix]]);
  }

  return {
    state: {
      ...state,
      phase,
      lastEventId: event.eventId,
      lastMs: state.lastMs === null ? ms : Math.max(state.lastMs, ms),
      gapAlerted: false,
      position,
      outsideCorridor,
      seal,
      sealAlerted,
      doorAlerted,
      stop,
      devices,
      pairAlerts,
    },
    alerts,
  };
}

/**
 * What the clock alone reveals between events: a device silent in transit for too long, and a
 * stop that has outlasted the limit while the device still reports (a silent device is a gap,
 * not a stop: nothing says where it is).
 */
export function tick(state: MonitorState, plan: MonitorPlan, now: string, config: MonitorConfig = DEFAULT_MONITOR_CONFIG): MonitorResult {
  const ms = Date.parse(now);
  const alerts: IotAlert[] = [];
  if (state.phase !== 'transit' || state.lastMs === null) return { state: { ...state }, alerts };
  const raise = (code: IotAlertCode, message: string, detail: Record<string, unknown>): void => {
    alerts.push({ code, severity: SEVERITY[code], consignment: plan.consignment, container: plan.container, at: now, message: `container ${plan.container} ${message}`, detail });
  };
  const silent = ms - state.lastMs;
  let gapAlerted = state.gapAlerted;
  if (silent > config.signalGapMinutes * MINUTE && !gapAlerted) {
    raise('signal-gap', `has been silent for ${hours(silent)} in transit, since ${iso(state.lastMs)}`, { eventIds: [state.lastEventId], silentMinutes: Math.round(silent / MINUTE), limitMinutes: config.signalGapMinutes });
    gapAlerted = true;
  }
  let stop = state.stop;
  if (stop !== null && !stop.alerted && silent <= config.signalGapMinutes * MINUTE && ms - stop.since > config.stopMinutes * MINUTE) {
    const route = plannedRoute(plan.ports);
    raise('unplanned-stop', `has stayed within ${km(config.stopRadiusKm)} of one place for ${hours(ms - stop.since)} in transit, ${where(route, stop, undefined)}`, {
      eventIds: [stop.eventId, state.lastEventId],
      position: pos(stop),
      stoppedMinutes: Math.round((ms - stop.since) / MINUTE),
      limitMinutes: config.stopMinutes,
    });
    stop = { ...stop, alerted: true };
  }
  return { state: { ...state, gapAlerted, stop }, alerts };
}
