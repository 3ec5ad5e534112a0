import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addLedgerKey } from '../../src/app/ledger/keys-admin.ts';
import { startApi, STORE_LABEL, type TestApi } from './support.ts';

const ALERT = {
  id: 'INT-9',
  kind: 'intelligence',
  threat: 'prohibited-goods',
  summary: 'Counterfeit cigarettes declared as paper',
  indicators: { hsCodes: ['4802', '240220'], originCountries: ['AE'] },
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2030-01-01T00:00:00Z',
  handling: 'TLP:GREEN',
};

describe(`risk alerts between two services over HTTP (${STORE_LABEL})`, () => {
  let a: TestApi;
  let b: TestApi;
  before(async () => {
    a = await startApi({ env: { PORTCULLIS_PARTY: 'customs.a.example' } });
    b = await startApi({ env: { PORTCULLIS_PARTY: 'customs.b.example' } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  it('A signs an alert, B registers the key A publishes and imports it as a draft rule; a tampered one is refused', async () => {
    const exported = await a.call('POST', '/api/v1/risk-alerts/export', { as: 'analyst', body: ALERT });
    assert.equal(exported.status, 201, JSON.stringify(exported.body));
    assert.equal(exported.body.alert.issuer, 'customs.a.example');
    const note = exported.body.note as string;

    const key = await a.call('GET', '/api/v1/risk-alerts/key');
    assert.equal(key.status, 200);
    // Before B trusts A's key, the alert is refused.
    assert.equal((await b.call('POST', '/api/v1/risk-alerts/import', { as: 'analyst', body: { note } })).status, 403);
    await addLedgerKey(b.app, 'sam', String(key.body).trim(), 'partner');

    const tampered = await b.call('POST', '/api/v1/risk-alerts/import', { as: 'analyst', body: { note: note.replace('"AE"', '"AF"') } });
    assert.equal(tampered.status, 403);
    assert.equal(tampered.body.error.details[0].field, 'signature');

    const imported = await b.call('POST', '/api/v1/risk-alerts/import', { as: 'analyst', body: { note } });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.signedBy, 'customs.a.example');
    assert.equal(imported.body.rule.status, 'draft');
    const rule = await b.call('GET', `/api/v1/rules/${imported.body.rule.id}`, { as: 'supervisor' });
    assert.equal(rule.status, 200);
    assert.deepEqual(rule.body.rule.action, { type: 'add-score', points: 0.3 });

    assert.equal((await b.call('POST', '/api/v1/risk-alerts/import', { as: 'analyst', body: { note } })).status, 409, 'imported once');
    assert.equal((await b.call('POST', '/api/v1/risk-alerts/import', { as: 'officer', body: { note } })).status, 403);
  });

  it('refuses a malformed alert with 400 naming the field; the default data-sharing policy keeps parties in (403)', async () => {
    const bad = await a.call('POST', '/api/v1/risk-alerts/export', { as: 'analyst', body: { ...ALERT, id: 'INT-10', indicators: { containers: ['MSCU1000018'] } } });
    assert.equal(bad.status, 400);
    assert.ok(JSON.stringify(bad.body).includes('indicators.containers.0'), JSON.stringify(bad.body));
    const extra = await a.call('POST', '/api/v1/risk-alerts/export', { as: 'analyst', body: { ...ALERT, id: 'INT-11', issuer: 'me' } });
    assert.equal(extra.status, 400);
    const parties = await a.call('POST', '/api/v1/risk-alerts/export', { as: 'analyst', body: { ...ALERT, id: 'INT-12', indicators: { parties: ['NL-IMP-777'] } } });
    assert.equal(parties.status, 403);
    assert.equal(parties.body.error.details[0].field, 'indicators.parties');
  });
});
