import { geoCentroid, geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { Feature, Geometry } from 'geojson';
import { useMemo } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Natural Earth's countries at 1:110 million (about 100 kB, 30 kB compressed): bundled, so no tile
// server is needed. This module is loaded only when a voyage is shown (the declaration page imports
// it lazily), so the worklist's first render does not carry it.
import countries110m from 'world-atlas/countries-110m.json';
import type { LatLon, Track } from '../types.ts';
import { corridor, extentOf, lonLat, routeLine, trackLine } from './voyage-geometry.ts';

const WIDTH = 960;
const HEIGHT = 500;
const MARGIN = 24;

const world = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
const land = feature(world, world.objects.countries).features as Feature<Geometry>[];
const graticule = geoGraticule10();

/** Which alerts have a place to mark, and the track's fixes, in time order. */
export function positionsOf(track: Track): LatLon[] {
  return track.events.flatMap((e) => (e.event.position === undefined ? [] : [e.event.position]));
}

/**
 * The voyage on a map, in SVG (presentation attributes and classes only: the page's content
 * security policy allows no style attribute): the countries, the planned route through the ports
 * as great-circle legs, the corridor the monitors hold the track to, the device's track, its last
 * position, and a marker for each alert with a place, whose kind is shown on hover and on keyboard
 * focus. Fitted to the voyage: the corridor, every fix and every alert, on a projection turned to
 * the voyage's middle so that a route across the Pacific is not cut in two. The same facts are in
 * the tables beside it (the map's text alternative).
 */
export default function VoyageMap({ track }: { track: Track }) {
  const drawn = useMemo(() => {
    const fixes = positionsOf(track);
    const band = corridor(track.portPositions, track.corridorKm);
    const placed = track.alerts.flatMap((a) => (a.position === null ? [] : [a.position]));
    const extent = extentOf(band, [...fixes, ...placed]);
    const [centreLon] = geoCentroid(routeLine(track.portPositions));
    const projection = geoNaturalEarth1().rotate([-centreLon, 0]).fitExtent([[MARGIN, MARGIN], [WIDTH - MARGIN, HEIGHT - MARGIN]], extent);
    const path = geoPath(projection);
    const at = (p: LatLon) => projection(lonLat(p)) ?? [NaN, NaN];
    const line = trackLine(fixes);
    return {
      countries: land.map((f, i) => ({ key: String(f.id ?? i), d: path(f) ?? '' })),
      graticule: path(graticule) ?? '',
      band: band.features.map((f) => path(f) ?? ''),
      route: path(routeLine(track.portPositions)) ?? '',
      track: line === undefined ? '' : (path(line) ?? ''),
      last: fixes.length === 0 ? undefined : at(fixes[fixes.length - 1]!),
      ports: track.portPositions.map((p) => ({ code: p.code, xy: at(p) })),
      alerts: track.alerts.flatMap((a) => (a.position === null ? [] : [{ alert: a, xy: at(a.position) }])),
    };
  }, [track]);

  const summary = `Map of the voyage of container ${track.container}: planned route ${track.ports.join(' → ')} with a corridor of ${track.corridorKm} km either side; ${positionsOf(track).length} positions reported; ${track.alerts.length} alert${track.alerts.length === 1 ? '' : 's'}. The same facts are listed in the tables below the map.`;
  return (
    <svg className="voyage-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label="Voyage map" aria-description={summary}>
      <rect className="sea" x={0} y={0} width={WIDTH} height={HEIGHT} />
      <path className="graticule" d={drawn.graticule} />
      <g className="countries">
        {drawn.countries.map((c) => <path key={c.key} d={c.d} />)}
      </g>
      <g className="corridor">
        {drawn.band.map((d, i) => <path key={i} d={d} />)}
      </g>
      <path className="route" d={drawn.route} />
      {drawn.track !== '' && <path className="track" d={drawn.track} />}
      {drawn.ports.map((p) => (
        <g key={p.code} className="port" transform={`translate(${p.xy[0]},${p.xy[1]})`}>
          <circle r={5} />
          {/* Labelled on the side with room: a port near the right edge has its name to its left. */}
          {p.xy[0] > WIDTH - 90 ? <text x={-8} y={-8} textAnchor="end">{p.code}</text> : <text x={8} y={-8}>{p.code}</text>}
        </g>
      ))}
      {drawn.last !== undefined && (
        <g className="last" transform={`translate(${drawn.last[0]},${drawn.last[1]})`}>
          <circle r={6} />
          <title>last reported position</title>
        </g>
      )}
      {drawn.alerts.map(({ alert, xy }, i) => (
        // Focusable, so a keyboard user gets what a pointer's hover shows: the alert's kind.
        <g key={alert.id} className={`alert-marker severity-${alert.severity}`} transform={`translate(${xy[0]},${xy[1]})`} tabIndex={0} role="img" aria-label={`alert ${i + 1}: ${alert.code}, ${alert.message}`}>
          <title>{`${alert.code}: ${alert.message}`}</title>
          <path d="M0,-11 L10,7 L-10,7 Z" />
          <text className="mark" y={4}>!</text>
          <AlertTip code={alert.code} left={xy[0] > WIDTH - 160} />
        </g>
      ))}
    </svg>
  );
}

/** The kind of an alert, beside its marker (shown on hover and focus), on the side of the marker with room. */
function AlertTip({ code, left }: { code: string; left: boolean }) {
  const width = Math.max(90, code.length * 8 + 16);
  const x = left ? -12 - width : 12;
  return (
    <g className="tip">
      <rect x={x} y={-26} width={width} height={22} rx={3} />
      <text x={x + 8} y={-10}>{code}</text>
    </g>
  );
}
