import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trackOf } from '../../../src/app/iot/queries.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { distanceToRouteKm, plannedRoute, portPosition } from '../../../src/iot/geo.ts';
import { DEFAULT_MONITOR_CONFIG } from '../../../src/iot/monitors.ts';
import { deviceFor, ingestAll, iotApp, signed, voyage } from './support.ts';

describe("a consignment's track, for the voyage map", () => {
  it('places the ports, gives the corridor the monitors hold to, and says where each alert happened', async () => {
    const t = await iotApp(2);
    try {
      const [detour, dark] = await Promise.all(t.consignments.map((c) => deviceFor(t.app, c)));
      await ingestAll(t.app, [...signed(detour!, voyage(detour!, 'detour', 1)), ...signed(dark!, voyage(dark!, 'dark', 2))]);

      const track = await trackOf(t.app, t.consignments[0]!);
      assert.deepEqual(track.ports, ['CNSHA', 'NLRTM']);
      assert.deepEqual(track.portPositions, [{ code: 'CNSHA', ...portPosition('CNSHA')! }, { code: 'NLRTM', ...portPosition('NLRTM')! }]);
      assert.equal(track.corridorKm, DEFAULT_MONITOR_CONFIG.corridorKm);
      assert.ok(track.events.length > 50, `${track.events.length} events`);
      assert.deepEqual(track.alerts.map((a) => a.code), ['corridor-exit']);
      const exit = track.alerts[0]!;
      assert.ok(exit.position !== null && exit.at !== null);
      // Where the track left the corridor: outside it, at the time of one of the events.
      assert.ok(distanceToRouteKm(plannedRoute(track.ports), exit.position) > track.corridorKm);
      assert.ok(track.events.some((e) => e.event.time === exit.at));

      // A silence has no position of its own: it is placed at the last fix before it.
      const quiet = await trackOf(t.app, t.consignments[1]!, { corridorKm: 80 });
      assert.equal(quiet.corridorKm, 80);
      assert.deepEqual(quiet.alerts.map((a) => a.code), ['signal-gap']);
      const gap = quiet.alerts[0]!;
      assert.ok(gap.position !== null);
      assert.ok(quiet.events.some((e) => e.event.position?.lat === gap.position!.lat && e.event.position.lon === gap.position!.lon));

      await assert.rejects(trackOf(t.app, 'NO-SUCH'), (e) => isPortcullisError(e) && e.code === 'NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});
