import { geoArea, geoCircle, geoInterpolate } from 'd3-geo';
import type { Feature, FeatureCollection, LineString, MultiPoint, Polygon } from 'geojson';
import type { LatLon } from '../types.ts';

/**
 * The voyage map's shapes, as GeoJSON for d3-geo, on the sphere the server's monitors use
 * (src/iot/geo.ts): the planned route is great-circle legs between the ports (d3 draws a
 * LineString's segments as great-circle arcs), and the corridor is every point within `km` of a
 * leg: a band along each leg (the points at that angle from the leg's great circle, between its
 * ends) and a disc at each port, which together are exactly the region the corridor monitor
 * accepts. Pure functions: tested against the server's own distance (test/web/voyage-geometry.test.ts).
 */

/** Turf's radius, as the monitors use: our kilometres and theirs agree. */
export const EARTH_KM = 6371.0088;
const RAD = Math.PI / 180;
/** Points per leg along a band's edges: a few hundred km apart at most on the longest legs. */
const STEPS = 48;

type Vec = [number, number, number];
const unit = (lon: number, lat: number): Vec => [Math.cos(lat * RAD) * Math.cos(lon * RAD), Math.cos(lat * RAD) * Math.sin(lon * RAD), Math.sin(lat * RAD)];
const toLonLat = (v: Vec): [number, number] => [Math.atan2(v[1], v[0]) / RAD, Math.asin(Math.max(-1, Math.min(1, v[2]))) / RAD];

/** [lon, lat] of each position, as GeoJSON orders them. */
export const lonLat = (p: LatLon): [number, number] => [p.lon, p.lat];

export function routeLine(ports: readonly LatLon[]): Feature<LineString> {
  return { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ports.map(lonLat) } };
}

/** A polygon ring wound as d3-geo reads an outer ring (clockwise): the smaller of the two regions it bounds. */
function polygon(ring: [number, number][]): Feature<Polygon> {
  const f: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
  if (geoArea(f) > 2 * Math.PI) f.geometry.coordinates = [[...ring].reverse()];
  return f;
}

/** The band of half-width `km` along the great-circle leg from `a` to `b`; undefined when the leg has no length. */
export function legBand(a: LatLon, b: LatLon, km: number): Feature<Polygon> | undefined {
  const from = unit(a.lon, a.lat);
  const to = unit(b.lon, b.lat);
  const c: Vec = [from[1] * to[2] - from[2] * to[1], from[2] * to[0] - from[0] * to[2], from[0] * to[1] - from[1] * to[0]];
  const n = Math.hypot(c[0], c[1], c[2]);
  if (n < 1e-12) return undefined;
  const pole: Vec = [c[0] / n, c[1] / n, c[2] / n];
  const along = geoInterpolate(lonLat(a), lonLat(b));
  const d = km / EARTH_KM;
  const left: [number, number][] = [];
  const right: [number, number][] = [];
  for (let i = 0; i <= STEPS; i++) {
    const [lon, lat] = along(i / STEPS);
    const p = unit(lon, lat);
    // Rotated towards (or away from) the pole by d: a point at angle d from the great circle.
    left.push(toLonLat([Math.cos(d) * p[0] + Math.sin(d) * pole[0], Math.cos(d) * p[1] + Math.sin(d) * pole[1], Math.cos(d) * p[2] + Math.sin(d) * pole[2]]));
    right.push(toLonLat([Math.cos(d) * p[0] - Math.sin(d) * pole[0], Math.cos(d) * p[1] - Math.sin(d) * pole[1], Math.cos(d) * p[2] - Math.sin(d) * pole[2]]));
  }
  return polygon([...left, ...right.reverse(), left[0]!]);
}

/** The corridor: a band along each leg and a disc of the same radius at each port. */
export function corridor(ports: readonly LatLon[], km: number): FeatureCollection<Polygon> {
  const bands = ports.slice(1).flatMap((p, i) => legBand(ports[i]!, p, km) ?? []);
  const discs = ports.map((p): Feature<Polygon> => ({ type: 'Feature', properties: {}, geometry: geoCircle().center(lonLat(p)).radius(km / EARTH_KM / RAD).precision(3)() }));
  return { type: 'FeatureCollection', features: [...bands, ...discs] };
}

/** The device's fixes in time order, as one line; undefined with fewer than two. */
export function trackLine(positions: readonly LatLon[]): Feature<LineString> | undefined {
  return positions.length < 2 ? undefined : { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: positions.map(lonLat) } };
}

/** What the map is fitted to: the corridor, every fix and every alert's place. */
export function extentOf(band: FeatureCollection<Polygon>, places: readonly LatLon[]): FeatureCollection<Polygon | MultiPoint> {
  return { type: 'FeatureCollection', features: [...band.features, { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: places.map(lonLat) } }] };
}
