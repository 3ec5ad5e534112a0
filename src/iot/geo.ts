import { along, earthRadius, lineString } from '@turf/turf';

/**
 * The geography the monitors need: where the ports are, and the planned route of a voyage as
 * great-circle legs between its ports ("a line through the ports of the declaration with a
 * width"), with no sea routing. Monitors ask for a route's distance on every event, so a route is
 * built once, cached, and carries its legs as unit vectors to make that a few dot products.
 */

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** Turf's radius, so that our distances and turf's `along` agree to the metre. */
const EARTH_KM = earthRadius / 1000;
const RAD = Math.PI / 180;

/**
 * Every place the demo data names. A seaport sits on its container terminals rather than the
 * city centre (Rotterdam's Europoort, Shanghai's Waigaoqiao, Los Angeles' San Pedro), because
 * that is where a container's fix will be when it is at the port; an airport or inland code sits
 * on the airport or the city it serves.
 */
const ROWS: readonly (readonly [code: string, lat: number, lon: number])[] = [
  // Asia
  ['CNSHA', 31.3, 121.55], ['CNNGB', 29.92, 121.8], ['CNSZX', 22.54, 114.06], ['CNTAO', 36.04, 120.3],
  ['CNXMN', 24.47, 118.06], ['CNTXG', 38.98, 117.78], ['CNCAN', 23.13, 113.26], ['HKHKG', 22.32, 114.15],
  ['TWKHH', 22.6, 120.29], ['TWTXG', 24.27, 120.51], ['TWTPE', 25.03, 121.56], ['KRPUS', 35.1, 128.95],
  ['KRINC', 37.45, 126.6], ['KRSEL', 37.57, 126.98], ['JPTYO', 35.62, 139.78], ['JPYOK', 35.44, 139.66],
  ['JPUKB', 34.67, 135.22], ['JPNGO', 35.05, 136.85], ['JPOSA', 34.69, 135.5], ['VNSGN', 10.77, 106.75],
  ['VNHPH', 20.86, 106.7], ['VNHAN', 21.03, 105.85], ['THLCH', 13.08, 100.89], ['THBKK', 13.7, 100.57],
  ['MYPKG', 2.98, 101.35], ['MYTPP', 1.36, 103.55], ['MYPEN', 5.4, 100.36], ['MYKUL', 3.14, 101.69],
  ['SGSIN', 1.27, 103.8], ['IDJKT', -6.1, 106.88], ['IDSUB', -7.2, 112.73], ['PHMNL', 14.6, 120.96],
  ['INNSA', 18.95, 72.95], ['INMUN', 22.75, 69.71], ['INMAA', 13.09, 80.29], ['INDEL', 28.61, 77.21],
  ['INBOM', 18.95, 72.84], ['BDCGP', 22.31, 91.8], ['BDDAC', 23.81, 90.41], ['PKKHI', 24.83, 66.99],
  ['PKLHE', 31.55, 74.34], ['LKCMB', 6.95, 79.84], ['KHKOS', 10.64, 103.5], ['KHPNH', 11.56, 104.92],
  // Middle East and Africa
  ['TRMER', 36.79, 34.64], ['TRIST', 41.0, 28.85], ['AEJEA', 25.01, 55.06], ['AEDXB', 25.27, 55.3],
  ['SAJED', 21.47, 39.16], ['SADMM', 26.47, 50.15], ['SARUH', 24.71, 46.68], ['ILHFA', 32.82, 35.0],
  ['ILASH', 31.82, 34.64], ['ILTLV', 32.08, 34.78], ['EGPSD', 31.25, 32.31], ['EGALY', 31.19, 29.88],
  ['EGCAI', 30.04, 31.24], ['MAPTM', 35.88, -5.5], ['MACAS', 33.6, -7.62], ['ZADUR', -29.87, 31.02],
  ['ZACPT', -33.91, 18.44], ['ZAJNB', -26.2, 28.05], ['KEMBA', -4.05, 39.66], ['KENBO', -1.29, 36.82],
  ['NGAPP', 6.44, 3.36], ['NGLOS', 6.45, 3.39], ['CIABJ', 5.29, -4.01],
  // Americas
  ['USNYC', 40.68, -74.1], ['USSAV', 32.1, -81.12], ['USHOU', 29.72, -95.2], ['USLAX', 33.74, -118.27],
  ['USCHI', 41.88, -87.63], ['USMIA', 25.77, -80.19], ['CAMTR', 45.55, -73.53], ['CAHAL', 44.64, -63.57],
  ['CAVAN', 49.29, -123.1], ['CATOR', 43.65, -79.38], ['MXVER', 19.21, -96.14], ['MXZLO', 19.06, -104.3],
  ['MXMEX', 19.43, -99.13], ['BRSSZ', -23.96, -46.31], ['BRPNG', -25.5, -48.52], ['BRSAO', -23.55, -46.63],
  ['ARBUE', -34.58, -58.37], ['CLSAI', -33.59, -71.62], ['CLVAP', -33.03, -71.63], ['CLSCL', -33.45, -70.67],
  ['PECLL', -12.05, -77.14], ['PELIM', -12.05, -77.04], ['COCTG', 10.39, -75.52], ['COBUN', 3.89, -77.07],
  ['COBOG', 4.71, -74.07], ['ECGYE', -2.25, -79.9], ['ECUIO', -0.18, -78.47],
  // Europe
  ['GBFXT', 51.95, 1.32], ['GBSOU', 50.91, -1.45], ['GBLGP', 51.5, 0.47], ['GBLON', 51.51, -0.13],
  ['CHZRH', 47.38, 8.54], ['CHGVA', 46.2, 6.14], ['NOOSL', 59.9, 10.75], ['UAODS', 46.49, 30.74],
  ['UAIEV', 50.45, 30.52], ['RSBEG', 44.79, 20.45], ['NLRTM', 51.95, 4.14], ['NLAMS', 52.31, 4.77],
  ['BEANR', 51.27, 4.33], ['BEBRU', 50.9, 4.48], ['DEHAM', 53.53, 9.95], ['DEBRV', 53.57, 8.55],
  ['DEFRA', 50.04, 8.56], ['DELEJ', 51.42, 12.24], ['DEDUI', 51.44, 6.74], ['FRLEH', 49.48, 0.14],
  ['FRCDG', 49.01, 2.55], ['ESVLC', 39.44, -0.32], ['ITGOA', 44.41, 8.9], ['PLWAW', 52.23, 21.01],
  ['HUBUD', 47.5, 19.04], ['PLGDN', 54.38, 18.67],
  // Oceania
  ['AUSYD', -33.96, 151.21], ['AUMEL', -37.82, 144.92], ['NZAKL', -36.84, 174.78], ['NZTRG', -37.66, 176.18],
];

export const PORT_POSITIONS: Readonly<Record<string, LatLon>> = Object.freeze(
  Object.fromEntries(ROWS.map(([code, lat, lon]) => [code, Object.freeze({ lat, lon })])),
);

export function portPosition(code: string): LatLon | undefined {
  return Object.hasOwn(PORT_POSITIONS, code) ? PORT_POSITIONS[code] : undefined;
}

type Vec = readonly [number, number, number];

function unit(p: LatLon): Vec {
  const la = p.lat * RAD;
  const lo = p.lon * RAD;
  const c = Math.cos(la);
  return [c * Math.cos(lo), c * Math.sin(lo), Math.sin(la)];
}

const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** The angle between two unit vectors from their chord: exact near 0, where acos of a dot product is not. */
function angle(a: Vec, b: Vec): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = a[2] - b[2];
  return 2 * Math.asin(Math.min(1, Math.sqrt(dx * dx + dy * dy + dz * dz) / 2));
}

/** Great-circle distance (haversine, on turf's sphere). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * One leg between consecutive ports. `pole` is the leg's great circle's normal; a point lies
 * between the ends (seen from the pole) when it is on the inner side of both `startEdge` and
 * `endEdge`, and then its distance is its angle from the circle.
 */
interface Leg {
  readonly from: Vec;
  readonly to: Vec;
  readonly pole: Vec | null;
  readonly startEdge: Vec;
  readonly endEdge: Vec;
}

export interface Route {
  readonly ports: readonly string[];
  readonly positions: readonly LatLon[];
  /** Distance along the route of each port, km; the last is the route's length. */
  readonly portKm: readonly number[];
  /** The GeoJSON LineString through the ports, [lon, lat], for turf and for maps. */
  readonly line: ReturnType<typeof lineString>;
  readonly legs: readonly Leg[];
  readonly portVectors: readonly Vec[];
}

function leg(a: LatLon, b: LatLon): Leg {
  const from = unit(a);
  const to = unit(b);
  const c = cross(from, to);
  const n = Math.hypot(c[0], c[1], c[2]);
  // Two positions at (or opposite) one place have no circle between them: the leg is its start.
  if (n < 1e-12) return { from, to, pole: null, startEdge: from, endEdge: to };
  const pole: Vec = [c[0] / n, c[1] / n, c[2] / n];
  return { from, to, pole, startEdge: cross(pole, from), endEdge: cross(to, pole) };
}

function buildRoute(ports: readonly string[]): Route {
  if (ports.length < 2) throw new Error(`a planned route needs at least two ports, got ${ports.length} (${ports.join(', ') || 'none'})`);
  const positions = ports.map((code, i) => {
    const p = portPosition(code);
    if (p === undefined) throw new Error(`port ${i + 1} of the planned route, ${JSON.stringify(code)}, has no known position (expected a UN/LOCODE listed in PORT_POSITIONS)`);
    return p;
  });
  const portKm = [0];
  for (let i = 1; i < positions.length; i++) portKm.push(portKm[i - 1]! + distanceKm(positions[i - 1]!, positions[i]!));
  const legs = positions.slice(1).map((p, i) => leg(positions[i]!, p));
  return Object.freeze({
    ports: Object.freeze([...ports]),
    positions,
    portKm,
    line: lineString(positions.map((p) => [p.lon, p.lat]), { ports: [...ports] }),
    legs,
    portVectors: positions.map(unit),
  });
}

/**
 * Bounded so that a long-running service does not grow without end; far above the number of
 * distinct port sequences in flight at once. The WeakMap serves a caller that passes the same
 * plan array again (a monitor, per event) without joining the key.
 */
const CACHE_LIMIT = 4096;
const byKey = new Map<string, Route>();
const byArray = new WeakMap<readonly string[], Route>();

export function plannedRoute(ports: readonly string[]): Route {
  const known = byArray.get(ports);
  if (known !== undefined && known.ports.length === ports.length && known.ports.every((p, i) => p === ports[i])) return known;
  const key = ports.join(' ');
  let route = byKey.get(key);
  if (route === undefined) {
    route = buildRoute(ports);
    if (byKey.size >= CACHE_LIMIT) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, route);
  }
  byArray.set(ports, route);
  return route;
}

function legDistance(l: Leg, p: Vec): number {
  if (l.pole !== null && dot(p, l.startEdge) >= 0 && dot(p, l.endEdge) >= 0) return Math.abs(Math.asin(Math.max(-1, Math.min(1, dot(p, l.pole)))));
  return Math.min(angle(p, l.from), angle(p, l.to));
}

/** Shortest great-circle distance from a position to the route's legs. */
export function distanceToRouteKm(route: Route, pos: LatLon): number {
  const p = unit(pos);
  let best = Infinity;
  for (const l of route.legs) best = Math.min(best, legDistance(l, p));
  return best * EARTH_KM;
}

/** Distance from a position to the nearest port of the route, and that port. */
export function nearestPort(route: Route, pos: LatLon): { readonly port: string; readonly km: number } {
  const p = unit(pos);
  let best = 0;
  let km = Infinity;
  route.portVectors.forEach((v, i) => {
    const d = angle(p, v) * EARTH_KM;
    if (d < km) [best, km] = [i, d];
  });
  return { port: route.ports[best]!, km };
}

export function routeLengthKm(route: Route): number {
  return route.portKm[route.portKm.length - 1]!;
}

/** The position `km` along the route from its first port, clamped to its ends. */
export function pointAlong(route: Route, km: number): LatLon {
  const [lon, lat] = along(route.line, Math.max(0, Math.min(km, routeLengthKm(route))), { units: 'kilometers' }).geometry.coordinates;
  return { lat: lat!, lon: lon! };
}
