import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declarationOf, startApi, USERS, type TestApi, type Who } from './support.ts';

const ROLES = ['admin', 'analyst', 'supervisor', 'officer', 'trader', 'carrier', 'auditor'] as const satisfies readonly Who[];
type Row = readonly [method: string, path: string, expected: readonly [number, number, number, number, number, number, number], body?: (who: Who) => unknown];

const RULE = { name: 'Matrix rule', reason: 'Checks the access matrix', threat: 'other', condition: { '>': [{ var: 'customsValue' }, 1e12] }, action: { type: 'documentary-check' } };

describe(`who may do what, over HTTP (${process.env.DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let api: TestApi;
  const A = declarationOf('IMP-A', 1);
  const B = declarationOf('IMP-B', 2);
  before(async () => {
    api = await startApi();
    assert.equal((await api.call('POST', '/api/v1/declarations', { as: 'trader', body: A })).status, 201);
    assert.equal((await api.call('POST', '/api/v1/declarations', { as: 'trader2', body: B })).status, 201);
  });
  after(async () => api.close());

  // Expected status per role, in the order admin, analyst, supervisor, officer, trader (owner of A), carrier, auditor.
  const MATRIX: readonly Row[] = [
    ['GET', '/api/v1/me', [200, 200, 200, 200, 200, 200, 200]],
    ['GET', '/api/v1/declarations', [403, 200, 200, 200, 200, 403, 200]],
    ['GET', `/api/v1/declarations/${A.id}`, [403, 200, 200, 200, 200, 403, 200]],
    ['GET', `/api/v1/declarations/${A.id}/decisions`, [403, 200, 200, 200, 200, 403, 200]],
    ['GET', `/api/v1/declarations/${A.id}/inspections`, [403, 200, 200, 200, 403, 403, 200]],
    ['GET', '/api/v1/worklist', [403, 200, 200, 200, 403, 403, 403]],
    ['GET', '/api/v1/rules', [403, 200, 200, 403, 403, 403, 200]],
    ['GET', '/api/v1/models', [200, 200, 200, 403, 403, 403, 200]],
    // Whoever may read models may read the drift report; none is in force here (409).
    ['GET', '/api/v1/models/drift?from=2024-03-01&to=2024-04-01', [409, 409, 409, 403, 403, 403, 409]],
    ['GET', '/api/v1/alerts', [403, 200, 200, 200, 403, 403, 200]],
    ['GET', '/api/v1/budgets', [200, 200, 200, 403, 403, 403, 200]],
    ['GET', '/api/v1/users', [200, 403, 403, 403, 403, 403, 200]],
    ['GET', '/api/v1/parties', [200, 200, 200, 200, 403, 403, 200]],
    ['GET', '/api/v1/parties/IMP-A', [200, 200, 200, 200, 403, 403, 200]],
    ['GET', '/api/v1/api-keys', [200, 200, 200, 200, 200, 200, 403]],
    ['GET', '/api/v1/keys/status', [200, 403, 403, 403, 403, 403, 200]],
    ['GET', `/api/v1/ledger/entries?subject=declaration:${A.id}`, [200, 200, 200, 200, 200, 404, 200]],
    ['GET', '/api/v1/movements?container=CSQU3054383', [403, 200, 200, 200, 403, 200, 200]],
    ['GET', '/api/v1/effectiveness?from=2024-01-01&to=2025-01-01', [403, 200, 200, 403, 403, 403, 200]],
    ['POST', '/api/v1/declarations', [403, 403, 403, 403, 201, 403, 403], (who) => declarationOf('IMP-A', 100 + ROLES.indexOf(who as (typeof ROLES)[number]))],
    ['POST', '/api/v1/rules', [403, 201, 201, 403, 403, 403, 403], () => RULE],
    // The policy lets an administrator set budgets, the budget use case only a supervisor: the stricter holds.
    ['PUT', '/api/v1/budgets/NLRTM01', [403, 403, 200, 403, 403, 403, 403], () => ({ redRate: 0.03, yellowRate: 0.02 })],
    ['POST', '/api/v1/users', [201, 403, 403, 403, 403, 403, 403], (who) => ({ id: `new-${who}`, roles: ['analyst'] })],
    ['PUT', '/api/v1/parties/IMP-C', [200, 403, 403, 403, 403, 403, 403], () => ({ name: 'Importer C', roles: ['importer'], country: 'FR' })],
    ['POST', '/api/v1/inspections', [403, 403, 403, 201, 403, 403, 403], () => ({ declarationId: A.id, finding: 'none' })],
    // The analyst claims first; supervisor and officer may claim too, and find it taken (409).
    ['POST', `/api/v1/worklist/${A.id}/claim`, [403, 200, 409, 409, 403, 403, 403], () => undefined],
    ['POST', '/api/v1/models/train', [403, 202, 202, 403, 403, 403, 403], () => ({ label: 'illicit', validFrom: '2024-03-01' })],
    ['POST', '/api/v1/risk-alerts/export', [403, 201, 201, 403, 403, 403, 403], (who) => ({ id: `M-${who}`, kind: 'intelligence', threat: 'other', summary: 'Matrix alert', indicators: { hsCodes: ['8471'] }, validFrom: '2024-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z', handling: 'TLP:GREEN' })],
    // Decisions as CUSRES: the staff who read decisions, and a trader its own declaration's lane.
    ['GET', `/api/v1/exchange/cusres?declaration=${A.id}`, [403, 200, 200, 200, 200, 403, 200]],
    // Importing: traders (declarations of their own party) and carriers (whose import of IMP-A's declaration is refused: 400 naming the importer).
    ['POST', '/api/v1/exchange/wco', [403, 403, 403, 403, 200, 400, 403], (who) => ({ Declaration: { ID: `WCO-${who}`, IssueDateTime: '2024-03-01T00:00:00Z', DeclarationOffice: { ID: 'NLRTM01' }, Importer: { ID: 'IMP-A' }, GoodsShipment: { GovernmentAgencyGoodsItem: [{ SequenceNumeric: 1, Commodity: { Classification: [{ ID: '847130', IdentificationTypeCode: 'TSP' }] }, CustomsValueAmount: { value: 100, currencyID: 'EUR' } }] } } })],
  ];

  for (const [method, path, expected, body] of MATRIX) {
    test(`${method} ${path.split('?')[0]}: ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
      const got: number[] = [];
      for (const who of ROLES) {
        const b = body?.(who);
        const r = await api.call(method, path, { as: who, ...(b !== undefined ? { body: b } : {}) });
        got.push(r.status);
        if (r.status >= 400) assert.ok(typeof r.body?.error?.code === 'string', `${who}: ${JSON.stringify(r.body)}`);
      }
      assert.deepEqual(got, [...expected], `statuses by role ${ROLES.join(', ')}`);
    });
  }

  test("a trader reading another trader's declaration gets 404, exactly as for an unknown id", async () => {
    const other = await api.call('GET', `/api/v1/declarations/${B.id}`, { as: 'trader' });
    const unknown = await api.call('GET', '/api/v1/declarations/NO-SUCH-ID', { as: 'trader' });
    assert.equal(other.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(other.body.error.code, unknown.body.error.code);
    assert.deepEqual(other.body.error.details, unknown.body.error.details);
    for (const path of [`/api/v1/declarations/${B.id}/decisions`, `/api/v1/ledger/entries?subject=declaration:${B.id}`]) {
      assert.equal((await api.call('GET', path, { as: 'trader' })).status, 404, path);
    }
    const amend = await api.call('PUT', `/api/v1/declarations/${B.id}`, { as: 'trader', body: { ...B, customsOffice: 'XX' } });
    assert.equal(amend.status, 404);
    // A trader's list holds its own declarations only, whatever it asks for.
    const list = await api.call('GET', '/api/v1/declarations?importer=IMP-B', { as: 'trader' });
    assert.deepEqual(list.body.items, []);
    const own = await api.call('GET', '/api/v1/declarations?limit=100', { as: 'trader' });
    assert.ok(own.body.items.length > 0);
    assert.ok(own.body.items.every((i: { declaration: { importer: string } }) => i.declaration.importer === 'IMP-A'));
  });

  test("a trader sees its decision's lane, never the score, the reasons or the rules", async () => {
    const r = await api.call('GET', `/api/v1/declarations/${A.id}`, { as: 'trader' });
    assert.equal(r.status, 200);
    assert.ok(['green', 'yellow', 'red'].includes(r.body.lane.lane));
    assert.equal(r.body.decision, undefined);
    const text = JSON.stringify(r.body);
    for (const secret of ['score', 'reasons', 'probability', 'thresholds', 'ruleSet', 'propensity']) assert.ok(!text.includes(`"${secret}"`), secret);
    const history = await api.call('GET', `/api/v1/declarations/${A.id}/decisions`, { as: 'trader' });
    assert.deepEqual(Object.keys(history.body.decisions[0]).sort(), ['decidedAt', 'lane', 'revision']);
    const analyst = await api.call('GET', `/api/v1/declarations/${A.id}`, { as: 'analyst' });
    assert.ok(Array.isArray(analyst.body.decision.reasons));
  });

  test('a trader files only for its own party, and amends its own declarations', async () => {
    const forOther = await api.call('POST', '/api/v1/declarations', { as: 'trader', body: declarationOf('IMP-B', 50) });
    assert.equal(forOther.status, 403);
    assert.equal(forOther.body.error.details[0].field, 'importer');
    const amended = await api.call('PUT', `/api/v1/declarations/${A.id}`, { as: 'trader', body: { ...A, transportDocument: 'MBL-AMENDED' } });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    const hijack = await api.call('PUT', `/api/v1/declarations/${A.id}`, { as: 'trader', body: { ...A, importer: 'IMP-B' } });
    assert.equal(hijack.status, 403);
    const entries = await api.call('GET', `/api/v1/ledger/entries?subject=declaration:${A.id}`, { as: 'trader' });
    assert.ok(entries.body.entries.some((e: { type: string }) => e.type === 'declaration.amended'));
  });

  test('the worklist: claim, release, and an override needs a reason', async () => {
    const D = declarationOf('IMP-A', 60);
    await api.call('POST', '/api/v1/declarations', { as: 'trader', body: D });
    const before = await api.call('GET', '/api/v1/worklist?status=claimed&lane=green&limit=100', { as: 'analyst' });
    const red = await api.call('GET', '/api/v1/worklist?status=claimed&limit=100', { as: 'analyst' });
    await api.call('POST', `/api/v1/worklist/${D.id}/claim`, { as: 'analyst' });
    // The pages read just before (and kept) show the claim at once.
    const lane0 = (await api.call('GET', `/api/v1/declarations/${D.id}`, { as: 'analyst' })).body.decision.lane;
    const shown = await api.call('GET', `/api/v1/worklist?status=claimed${lane0 === 'green' ? '&lane=green' : ''}&limit=100`, { as: 'analyst' });
    assert.equal(shown.body.items.length, (lane0 === 'green' ? before : red).body.items.length + 1);
    assert.ok(shown.body.items.some((i: { decision: { declarationId: string }; claimedBy: string | null }) => i.decision.declarationId === D.id && i.claimedBy !== null));
    const taken = await api.call('POST', `/api/v1/worklist/${D.id}/claim`, { as: 'supervisor2' });
    assert.equal(taken.status, 409);
    const noReason = await api.call('POST', `/api/v1/worklist/${D.id}/override`, { as: 'analyst', body: { lane: 'red' } });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.details[0].field, 'reason');
    const current = (await api.call('GET', `/api/v1/declarations/${D.id}`, { as: 'analyst' })).body.decision;
    const lane = current.lane === 'red' ? 'green' : 'red';
    const over = await api.call('POST', `/api/v1/worklist/${D.id}/override`, { as: 'analyst', body: { lane, reason: 'intelligence report 42' } });
    assert.equal(over.status, 200, JSON.stringify(over.body));
    assert.equal(over.body.lane, lane);
    assert.equal(over.body.revision, current.revision + 1);
    assert.equal((await api.call('POST', `/api/v1/worklist/${D.id}/release`, { as: 'analyst' })).status, 204);
    const list = await api.call('GET', '/api/v1/worklist?lane=red&status=open&limit=100', { as: 'officer' });
    assert.equal(list.status, 200);
    for (const it of list.body.items) assert.equal(it.decision.lane, 'red');
    void USERS;
  });
});
