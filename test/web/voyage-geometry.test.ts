import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geoArea, geoContains } from 'd3-geo';
import { distanceToRouteKm, plannedRoute, pointAlong, portPosition, routeLengthKm } from '../../src/iot/geo.ts';
import { corridor, extentOf, legBand, trackLine } from '../../web/src/components/voyage-geometry.ts';

/**
 * The voyage map's corridor is the region the server's corridor monitor accepts: its edge lies at
 * the corridor's width from the route as src/iot/geo.ts measures it, the route is inside, and a
 * point just beyond the width is outside. Routes cross the equator, the antimeridian and go
 * north-south, where a flat-map buffer would go wrong.
 */
const ROUTES = [['CNSHA', 'NLRTM'], ['CNSHA', 'USLAX'], ['AUSYD', 'NZAKL', 'JPTYO'], ['BRSSZ', 'NLRTM'], ['SGSIN', 'INNSA', 'AEJEA', 'EGPSD', 'DEHAM']] as const;

describe('the voyage map: corridor geometry', () => {
  for (const ports of ROUTES) {
    it(`${ports.join(' → ')}: the band's edge is the corridor's width from the route, the route inside, beyond the width outside`, () => {
      const route = plannedRoute(ports);
      const positions = ports.map((p) => portPosition(p)!);
      const km = 150;
      const band = corridor(positions, km);
      assert.equal(band.features.length, ports.length - 1 + ports.length);
      for (const f of band.features) assert.ok(geoArea(f) < 0.1, 'each part is the small region its ring bounds, not the rest of the globe');
      const legs = band.features.slice(0, ports.length - 1);
      for (const [l, leg] of legs.entries()) {
        // Every vertex of a band's edge is km from its leg (another leg may pass nearer, inside a turn).
        const alone = plannedRoute([ports[l]!, ports[l + 1]!]);
        for (const [lon, lat] of leg.geometry.coordinates[0]!) {
          const d = distanceToRouteKm(alone, { lat: lat!, lon: lon! });
          assert.ok(Math.abs(d - km) < 0.5, `vertex ${lat},${lon} is ${d.toFixed(2)} km from the route`);
        }
      }
      const inside = (lat: number, lon: number) => band.features.some((f) => geoContains(f, [lon, lat]));
      const length = routeLengthKm(route);
      for (let i = 0; i <= 20; i++) {
        const p = pointAlong(route, (length * i) / 20);
        assert.ok(inside(p.lat, p.lon), `the route at ${p.lat},${p.lon}`);
      }
      // Off the route, at the width and a little more, on both sides, through the middle of each leg.
      for (let l = 0; l < ports.length - 1; l++) {
        const a = route.portKm[l]!;
        const mid = pointAlong(route, a + (route.portKm[l + 1]! - a) / 2);
        for (const bearing of [-1, 1]) {
          for (const [off, expected] of [[km - 5, true], [km + 5, false]] as const) {
            // Step off perpendicular: search the point at `off` km along the meridian-ish direction found numerically.
            const p = offRoute(route, mid, off, bearing);
            assert.equal(inside(p.lat, p.lon), expected, `${off} km off the middle of leg ${l + 1} (side ${bearing}): ${p.lat},${p.lon} is ${distanceToRouteKm(route, p).toFixed(1)} km from the route`);
          }
        }
      }
    });
  }

  it('a track needs two fixes; the extent holds the corridor and every place', () => {
    assert.equal(trackLine([{ lat: 1, lon: 2 }]), undefined);
    assert.deepEqual(trackLine([{ lat: 1, lon: 2 }, { lat: 3, lon: 4 }])!.geometry.coordinates, [[2, 1], [4, 3]]);
    const band = corridor([portPosition('CNSHA')!, portPosition('NLRTM')!], 150);
    const e = extentOf(band, [{ lat: 10, lon: 20 }]);
    assert.equal(e.features.length, band.features.length + 1);
    assert.equal(legBand(portPosition('CNSHA')!, portPosition('CNSHA')!, 150), undefined);
  });
});

/** The point `km` from the route, starting at `p` on it and walking out on one side (`side`) until the server's distance says so. */
function offRoute(route: ReturnType<typeof plannedRoute>, p: { lat: number; lon: number }, km: number, side: number): { lat: number; lon: number } {
  // The direction across the route: from a point a little behind to one a little ahead, turned by 90°.
  const RAD = Math.PI / 180;
  const step = 1 / 111;
  const ahead = { lat: p.lat, lon: p.lon };
  const along = pointAlong(route, Math.min(routeLengthKm(route), findKm(route, p) + 10));
  const dLat = along.lat - ahead.lat;
  const dLon = (along.lon - ahead.lon) * Math.cos(p.lat * RAD);
  const n = Math.hypot(dLat, dLon);
  const across = { lat: (side * -dLon) / n, lon: (side * dLat) / n / Math.cos(p.lat * RAD) };
  let lo = 0;
  let hi = (km * 3) / 111 / step;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const q = { lat: p.lat + across.lat * mid * step, lon: p.lon + across.lon * mid * step };
    if (distanceToRouteKm(route, q) < km) lo = mid;
    else hi = mid;
  }
  return { lat: p.lat + across.lat * lo * step, lon: p.lon + across.lon * lo * step };
}

function findKm(route: ReturnType<typeof plannedRoute>, p: { lat: number; lon: number }): number {
  let best = 0;
  let bestD = Infinity;
  const length = routeLengthKm(route);
  for (let k = 0; k <= 2000; k++) {
    const q = pointAlong(route, (length * k) / 2000);
    const d = Math.hypot(q.lat - p.lat, q.lon - p.lon);
    if (d < bestD) [best, bestD] = [(length * k) / 2000, d];
  }
  return best;
}
