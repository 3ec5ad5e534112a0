import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recordMovements } from '../../src/app/movements/record-movements.ts';
import { BL, C1, movementInput } from '../support/movement-fixtures.ts';
import { declarationOf, STORE_LABEL, startApi, type TestApi } from './support.ts';

/**
 * GET /declarations/:id/discrepancies: what the declarant filed against what the carrier recorded,
 * for those who may read a decision's details; for everyone else, as for an unknown id, 404.
 */
describe(`discrepancies across parties over the API (${STORE_LABEL})`, () => {
  let api: TestApi;
  // Filed by IMP-A as loaded at Ningbo; the carrier loaded its container at Shanghai.
  const D = declarationOf('IMP-A', 7, { filedAt: '2025-03-02T00:00:00.000Z', containers: [C1], transportDocument: BL, portOfLoading: 'CNNGB', portOfDischarge: 'NLRTM' });
  // Filed by IMP-A with a container nobody else recorded anything of: nothing to compare.
  const E = declarationOf('IMP-A', 8, { filedAt: '2025-03-02T00:00:00.000Z', containers: ['TGHU8765436'], portOfLoading: 'CNSHA' });
  before(async () => {
    api = await startApi();
    for (const d of [D, E]) {
      const r = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: d });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const file = join(api.config.dataDir, 'movements.jsonl');
    writeFileSync(file, `${JSON.stringify(movementInput('MV-1', { carrier: 'CAR-1', location: 'CNSHA' }))}\n`);
    const r = await recordMovements(api.app, 'olga', file);
    assert.equal(r.added, 1);
  });
  after(() => api.close());

  test('names the field, what each party recorded and the ledger entries behind it', async () => {
    for (const who of ['analyst', 'supervisor', 'officer', 'auditor'] as const) {
      const r = await api.call('GET', `/api/v1/declarations/${D.id}/discrepancies`, { as: who });
      assert.equal(r.status, 200, `${who}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.declarationId, D.id);
      const loading = r.body.discrepancies.find((x: { field: string }) => x.field === 'portOfLoading');
      assert.ok(loading !== undefined, JSON.stringify(r.body));
      const declarant = loading.sides.find((s: { role: string }) => s.role === 'declarant');
      const carrier = loading.sides.find((s: { role: string }) => s.role === 'carrier');
      assert.equal(declarant.value, 'CNNGB');
      assert.equal(carrier.value, 'CNSHA');
      assert.equal(carrier.party, 'CAR-1');
      assert.deepEqual(carrier.records.map((x: { id: string }) => x.id), ['MV-1']);
      assert.equal(typeof carrier.records[0].entry, 'number');
    }
    const none = await api.call('GET', `/api/v1/declarations/${E.id}/discrepancies`, { as: 'analyst' });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.discrepancies, []);
  });

  test("a trader never sees other parties' records, not even of its own filing; an unknown id is 404 alike", async () => {
    for (const [who, id] of [['trader', D.id], ['trader2', D.id], ['carrier', D.id], ['admin', D.id], ['analyst', 'NO-SUCH-DECLARATION']] as const) {
      const r = await api.call('GET', `/api/v1/declarations/${id}/discrepancies`, { as: who });
      assert.equal(r.status, 404, `${who} ${id}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(!JSON.stringify(r.body).includes('CNSHA'));
    }
    assert.equal((await api.call('GET', `/api/v1/declarations/${D.id}/discrepancies`)).status, 401);
  });
});
