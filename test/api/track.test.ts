import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MONITOR_CONFIG } from '../../src/iot/monitors.ts';
import { deviceFor, ingestAll, signed, voyage } from '../app/iot/support.ts';
import { declarationOf, STORE_LABEL, startApi, type TestApi } from './support.ts';

/** GET /consignments/:id/track: what the voyage map draws, for those who may read telemetry. */
describe(`a consignment's track over the API (${STORE_LABEL})`, () => {
  let api: TestApi;
  const D = declarationOf('IMP-A', 11, { containers: ['MSCU1000017'], portOfLoading: 'CNSHA', portOfDischarge: 'NLRTM', customsOffice: 'NL000396' });
  // Loaded and discharged at one port: no route to draw.
  const E = declarationOf('IMP-A', 12, { containers: ['MSCU1000022'], portOfLoading: 'NLRTM', portOfDischarge: undefined });
  before(async () => {
    api = await startApi();
    for (const d of [D, E]) assert.equal((await api.call('POST', '/api/v1/declarations', { as: 'trader', body: d })).status, 201);
    const device = await deviceFor(api.app, D.id);
    await ingestAll(api.app, signed(device, voyage(device, 'detour')));
  });
  after(() => api.close());

  test('the ports placed, the corridor, the events and each alert with its place', async () => {
    for (const who of ['analyst', 'supervisor', 'officer', 'auditor'] as const) {
      const r = await api.call('GET', `/api/v1/consignments/${D.id}/track`, { as: who });
      assert.equal(r.status, 200, `${who}: ${JSON.stringify(r.body).slice(0, 500)}`);
      assert.deepEqual(r.body.ports, ['CNSHA', 'NLRTM']);
      assert.deepEqual(r.body.portPositions.map((p: { code: string }) => p.code), ['CNSHA', 'NLRTM']);
      assert.equal(r.body.corridorKm, DEFAULT_MONITOR_CONFIG.corridorKm);
      assert.ok(r.body.events.filter((e: { event: { position?: unknown } }) => e.event.position !== undefined).length > 50);
      assert.equal(r.body.alerts.length, 1);
      const [a] = r.body.alerts;
      assert.equal(a.code, 'corridor-exit');
      assert.equal(typeof a.position.lat, 'number');
      assert.match(a.message, /corridor/);
    }
  });

  test('refused to those who may not read telemetry; 404 for a consignment with no route to draw', async () => {
    for (const who of ['trader', 'carrier', 'admin'] as const) assert.equal((await api.call('GET', `/api/v1/consignments/${D.id}/track`, { as: who })).status, 403, who);
    for (const id of [E.id, 'NO-SUCH']) {
      const r = await api.call('GET', `/api/v1/consignments/${id}/track`, { as: 'analyst' });
      assert.equal(r.status, 404, `${id}: ${JSON.stringify(r.body)}`);
    }
  });
});
