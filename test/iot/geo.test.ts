import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { point, pointToLineDistance } from '@turf/turf';
import { COUNTRIES, OFFICES } from '../../src/app/generator/places.ts';
import { PORT_POSITIONS, distanceKm, distanceToRouteKm, nearestPort, plannedRoute, pointAlong, portPosition, routeLengthKm } from '../../src/iot/geo.ts';

/**
 * Distances against known values, the port table against every place the demo data names, and
 * the route's own distance against turf's geodesic point-to-line distance as an independent
 * reference.
 */

const within = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

/** movements.ts keeps its other ports private; read them from its source so that a new one is caught here. */
function otherPorts(): string[] {
  const text = readFileSync(resolve(import.meta.dirname, '../../src/app/generator/movements.ts'), 'utf8');
  const m = /const OTHER_PORTS\s*=\s*\[([^\]]*)\]/.exec(text);
  assert.ok(m !== null, 'movements.ts no longer declares OTHER_PORTS as an array literal; update this test');
  return [...m[1]!.matchAll(/'([A-Z0-9]{5})'/g)].map((x) => x[1]!);
}

describe('distanceKm', () => {
  it('measures Rotterdam to Shanghai as about 8,900 km', () => {
    within(distanceKm(portPosition('NLRTM')!, portPosition('CNSHA')!), 8900, 178, 'NLRTM-CNSHA');
  });
  it('measures a quarter and a half of the equator, and nothing from a place to itself', () => {
    within(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 90 }), 10_007.5, 0.5, 'quarter');
    within(distanceKm({ lat: 0, lon: -90 }, { lat: 0, lon: 90 }), 20_015.1, 0.5, 'half');
    within(distanceKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }), 111.2, 0.2, 'across the antimeridian');
    assert.equal(distanceKm({ lat: 51.9, lon: 4.1 }, { lat: 51.9, lon: 4.1 }), 0);
  });
  it('measures London to New York (~5,570 km) and Sydney to Auckland (~2,160 km) within 2 %', () => {
    within(distanceKm(portPosition('GBLON')!, portPosition('USNYC')!), 5570, 111, 'GBLON-USNYC');
    within(distanceKm(portPosition('AUSYD')!, portPosition('NZAKL')!), 2160, 43, 'AUSYD-NZAKL');
  });
});

describe('PORT_POSITIONS', () => {
  const demo = new Set([...COUNTRIES.flatMap((c) => [...c.seaPorts, ...c.airports]), ...OFFICES.map((o) => o.port), ...otherPorts()]);

  it('has a position for every place of the demo data', () => {
    assert.ok(demo.size > 90, `expected the demo's ~100 places, read ${demo.size}`);
    const missing = [...demo].filter((code) => portPosition(code) === undefined);
    assert.deepEqual(missing, []);
  });

  it('puts the ports of one country near each other (a swapped sign or a typo lands on another continent)', () => {
    for (const c of COUNTRIES) {
      const places = [...new Set([...c.seaPorts, ...c.airports])];
      for (const a of places) for (const b of places) {
        const d = distanceKm(portPosition(a)!, portPosition(b)!);
        assert.ok(d < 4500, `${a} and ${b} of ${c.code} are ${Math.round(d)} km apart`);
      }
    }
  });

  it('puts the customs offices in Europe, each code starting with its country', () => {
    for (const o of OFFICES) {
      const p = portPosition(o.port)!;
      assert.ok(p.lat > 36 && p.lat < 60 && p.lon > -10 && p.lon < 25, `${o.port} at ${p.lat}, ${p.lon} is not in the Union`);
      assert.equal(o.port.slice(0, 2), o.code.slice(0, 2));
    }
  });

  it('is frozen and answers only its own codes', () => {
    assert.ok(Object.isFrozen(PORT_POSITIONS) && Object.isFrozen(PORT_POSITIONS.NLRTM));
    assert.equal(portPosition('XXXXX'), undefined);
    assert.equal(portPosition('toString'), undefined);
  });
});

describe('plannedRoute', () => {
  it('names an unknown port, and refuses a route of one port', () => {
    assert.throws(() => plannedRoute(['NLRTM', 'ZZQQQ']), /ZZQQQ/);
    assert.throws(() => plannedRoute(['NLRTM']), /at least two ports/);
  });

  it('gives the same route for the same ports, whichever array holds them', () => {
    const a = plannedRoute(['KRPUS', 'SGSIN', 'BEANR']);
    assert.equal(plannedRoute(['KRPUS', 'SGSIN', 'BEANR']), a);
    assert.equal(plannedRoute(a.ports), a);
    assert.notEqual(plannedRoute(['KRPUS', 'BEANR']), a);
  });

  it('is as long as its legs, and runs from its first port through the via port to its last', () => {
    const r = plannedRoute(['KRPUS', 'SGSIN', 'BEANR']);
    const legs = distanceKm(portPosition('KRPUS')!, portPosition('SGSIN')!) + distanceKm(portPosition('SGSIN')!, portPosition('BEANR')!);
    within(routeLengthKm(r), legs, 1e-6, 'length');
    within(distanceKm(pointAlong(r, 0), portPosition('KRPUS')!), 0, 1e-6, 'start');
    within(distanceKm(pointAlong(r, r.portKm[1]!), portPosition('SGSIN')!), 0, 1e-3, 'via');
    within(distanceKm(pointAlong(r, routeLengthKm(r) + 500), portPosition('BEANR')!), 0, 1e-6, 'clamped end');
    within(distanceKm(portPosition('KRPUS')!, pointAlong(r, 1234)), 1234, 1e-3, 'along the first leg');
    assert.deepEqual(r.line.geometry.coordinates[1], [portPosition('SGSIN')!.lon, portPosition('SGSIN')!.lat]);
  });
});

describe('distanceToRouteKm', () => {
  const r = plannedRoute(['KRPUS', 'SGSIN', 'BEANR']);

  it('is zero on the route and the distance to the nearer end beyond it', () => {
    for (let km = 0; km <= routeLengthKm(r); km += 997) within(distanceToRouteKm(r, pointAlong(r, km)), 0, 1e-6, `at ${km} km`);
    const seoulSide = { lat: 40, lon: 135 };
    within(distanceToRouteKm(r, seoulSide), distanceKm(seoulSide, portPosition('KRPUS')!), 1e-6, 'beyond the start');
  });

  it('agrees with turf geodesic pointToLineDistance anywhere on the globe', () => {
    fc.assert(
      fc.property(fc.double({ min: -89, max: 89, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), (lat, lon) => {
        const ours = distanceToRouteKm(r, { lat, lon });
        const turf = pointToLineDistance(point([lon, lat]), r.line, { units: 'kilometers', method: 'geodesic' });
        within(ours, turf, 1e-6, `distance of ${lat}, ${lon}`);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('finds the nearest port of the route', () => {
    assert.equal(nearestPort(r, { lat: 1.3, lon: 103.9 }).port, 'SGSIN');
    within(nearestPort(r, portPosition('BEANR')!).km, 0, 1e-6, 'at Antwerp');
  });
});
