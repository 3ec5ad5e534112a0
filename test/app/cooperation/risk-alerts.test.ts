import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exportRiskAlert, importRiskAlert, riskAlertKey } from '../../../src/app/cooperation/risk-alerts.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { addLedgerKey, revokeLedgerKey } from '../../../src/app/ledger/keys-admin.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { activateRule, approveRule, submitRule } from '../../../src/app/targeting/rules.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { canonicalJson } from '../../../src/domain/canonical-json.ts';
import { isPortcullisError, type ErrorCode } from '../../../src/domain/errors.ts';
import type { RiskAlertInput } from '../../../src/domain/risk-alert.ts';
import { signNote } from '../../../src/ledger/note/index.ts';
import { compileRuleSet, evaluateRuleSet, factsOf } from '../../../src/risk/rules/index.ts';
import { declaration, forEachStore } from '../../support/stores.ts';
import { appOf } from '../targeting/fixtures.ts';

const NOW = Date.parse('2026-03-01T08:00:00Z');
/** A data-sharing policy that lets every indicator leave (an agreement between the two services allows parties). */
const SHARE_ALL = JSON.stringify({ indicators: ['hsCodes', 'routes', 'parties', 'originCountries', 'containers'] });

/** A customs service: its own store, keys and people (an analyst and two supervisors). */
async function service(open: () => Promise<Parameters<typeof appOf>[0]>, party: string, sharing = SHARE_ALL): Promise<AppContext> {
  const base = appOf(await open(), () => new Date(NOW));
  const app: AppContext = { ...base, config: { ...base.config, sharing, ledger: { ...base.config.ledger, party, origin: `${party}/ledger` } } };
  for (const [id, role] of [['ana', 'analyst'], ['sam', 'supervisor'], ['sue', 'supervisor']] as const) await addUser(app, { id, roles: [role] });
  return app;
}

const ALERT: Omit<RiskAlertInput, 'format' | 'issuer' | 'issuedAt'> = {
  id: 'SZ-2026-0042',
  kind: 'seizure',
  threat: 'narcotics',
  summary: 'Cocaine in banana cartons, reefer containers from Guayaquil to Rotterdam',
  indicators: { hsCodes: ['0803'], routes: [{ from: 'ECGYE', to: 'NLRTM' }], parties: ['NL-IMP-777'], containers: ['MSCU1000017'] },
  validFrom: '2026-02-01T00:00:00Z',
  validUntil: '2026-09-01T00:00:00Z',
  handling: 'TLP:AMBER',
};

const refused = async (p: Promise<unknown>, code: ErrorCode, field: string, message?: RegExp) =>
  assert.rejects(p, (e) => isPortcullisError(e) && e.code === code && e.details.some((d) => d.field === field) && (message === undefined || message.test(e.message)));

forEachStore('risk alerts between two customs services', (h) => {
  it('an alert signed by one service verifies at another and becomes a draft rule there, which only its own supervisors activate', async () => {
    const a = await service(() => h.open(), 'customs.a.example');
    const b = await service(() => h.open(), 'customs.b.example');
    const { alert, note } = await exportRiskAlert(a, 'ana', ALERT);
    assert.equal(alert.issuer, 'customs.a.example');
    assert.match(note, /^portcullis-risk-alert\/v1\n\{.*\}\n\n— customs\.a\.example /s);
    assert.ok((await ledgerOf(a).repo.entriesAbout(`risk-alert-out:${alert.id}`)).length === 1, 'the export is in the exporting service ledger');

    // B trusts A's key as a partner's, and imports.
    await addLedgerKey(b, 'sam', riskAlertKey(a), 'partner');
    const r = await importRiskAlert(b, 'ana', note);
    assert.equal(r.signedBy, 'customs.a.example');
    assert.equal(r.rule.status, 'draft');
    assert.equal(r.rule.author, 'ana');
    assert.deepEqual(r.rule.action, { type: 'force-lane', lane: 'red' });
    assert.equal(r.rule.threat, 'narcotics');
    assert.equal(r.rule.validTo, '2026-09-01T00:00:00.000Z');
    assert.ok((await ledgerOf(b).repo.entriesAbout(`risk-alert-in:customs.a.example/${alert.id}`)).length === 1, 'the import is in the importing service ledger');

    // What the draft rule hits: the flow the alert describes, or its party, or its container.
    const set = compileRuleSet([{ ...r.rule, status: 'active' }]);
    const hits = (over: Parameters<typeof declaration>[0]) => evaluateRuleSet(set, factsOf(declaration(over), { probability: null }), '2026-03-01T00:00:00.000Z', 'NLRTM01').hits.length > 0;
    const base = { id: 'X', filedAt: '2026-03-01T00:00:00Z', customsOffice: 'NLRTM01', importer: 'NL-IMP-1', items: [{ sequence: 1, hsCode: '080390', customsValue: 1000, currency: 'EUR' }] };
    assert.equal(hits({ ...base, portOfLoading: 'ECGYE', portOfDischarge: 'NLRTM' }), true, 'bananas on the route');
    assert.equal(hits({ ...base, portOfLoading: 'CNSHA', portOfDischarge: 'NLRTM' }), false, 'bananas on another route');
    assert.equal(hits({ ...base, items: [{ sequence: 1, hsCode: '847130', customsValue: 1000, currency: 'EUR' }], portOfLoading: 'ECGYE', portOfDischarge: 'NLRTM' }), false, 'other goods on the route');
    assert.equal(hits({ ...base, importer: 'NL-IMP-777' }), true, 'the party');
    assert.equal(hits({ ...base, containers: ['MSCU1000022', 'MSCU1000017'] }), true, 'the container');
    assert.equal(hits({ ...base, containers: ['MSCU1000022'] }), false, 'another container');

    // Four eyes at B: the importer cannot approve; another supervisor must.
    await submitRule(b, 'ana', r.rule.id);
    await refused(approveRule(b, 'ana', r.rule.id), 'FORBIDDEN', 'as');
    await approveRule(b, 'sue', r.rule.id);
    const active = await activateRule(b, 'sam', r.rule.id);
    assert.equal(active.status, 'active');

    // Imported once only.
    await refused(importRiskAlert(b, 'ana', note), 'CONFLICT', 'id');
  });

  it('refuses a tampered alert, one signed by no registered partner, a revoked partner, an issuer other than the signer, an expired or malformed one', async () => {
    const a = await service(() => h.open(), 'customs.a.example');
    const b = await service(() => h.open(), 'customs.b.example');
    const { note } = await exportRiskAlert(a, 'ana', ALERT);
    await refused(importRiskAlert(b, 'ana', note), 'FORBIDDEN', 'signature', /no signature by a known key/);
    await addLedgerKey(b, 'sam', riskAlertKey(a), 'partner');

    // Any change to the text: a container number, the validity.
    for (const [from, to] of [['MSCU1000017', 'MSCU1000022'], ['2026-09-01', '2027-09-01'], ['TLP:AMBER', 'TLP:CLEAR']] as const) {
      assert.ok(note.includes(from));
      await refused(importRiskAlert(b, 'ana', note.replace(from, to)), 'FORBIDDEN', 'signature', /does not verify/);
    }
    await refused(importRiskAlert(b, 'ana', 'not a note'), 'INVALID_INPUT', 'note');

    // Signed by a registered partner, but naming another issuer (or malformed): refused all the same.
    const c = await service(() => h.open(), 'customs.c.example');
    await addLedgerKey(b, 'sam', riskAlertKey(c), 'partner');
    const forged = signNote(`portcullis-risk-alert/v1\n${canonicalJson({ ...JSON.parse(note.split('\n')[1]!), id: 'SZ-X' })}\n`, [ledgerOf(c).keys.party]);
    await refused(importRiskAlert(b, 'ana', forged), 'FORBIDDEN', 'issuer', /names customs\.a\.example as its issuer, and is signed by customs\.c\.example/);
    const malformed = signNote(`portcullis-risk-alert/v1\n${canonicalJson({ ...JSON.parse(note.split('\n')[1]!), issuer: 'customs.c.example', indicators: { hsCodes: ['8'] } })}\n`, [ledgerOf(c).keys.party]);
    await refused(importRiskAlert(b, 'ana', malformed), 'INVALID_INPUT', 'indicators.hsCodes.0');

    // Expired.
    const old = await exportRiskAlert(a, 'ana', { ...ALERT, id: 'SZ-OLD', validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' });
    await refused(importRiskAlert(b, 'ana', old.note), 'INVALID_INPUT', 'validUntil', /expired/);

    // A's key revoked at B: its alerts are no longer taken.
    const key = (await ledgerOf(b).repo.keys('partner')).find((k) => k.vkey === riskAlertKey(a))!;
    await revokeLedgerKey(b, 'sam', key.name, key.keyId, 'partner');
    await refused(importRiskAlert(b, 'ana', note), 'FORBIDDEN', 'signature');
    // Only analysts and supervisors export or import.
    await addUser(b, { id: 'olga', roles: ['officer'] });
    await refused(importRiskAlert(b, 'olga', note), 'FORBIDDEN', 'as');
  });

  it('the data-sharing policy keeps parties in by default: such an export is refused, naming the field, and recorded; nothing is signed', async () => {
    const a = await service(() => h.open(), 'customs.a.example', ''); // no policy configured: the default
    await refused(exportRiskAlert(a, 'ana', ALERT), 'FORBIDDEN', 'indicators.parties', /keeps parties in this service/);
    const entries = await ledgerOf(a).repo.entriesAbout(`risk-alert-out:${ALERT.id}`);
    assert.equal(entries.length, 1, 'the refusal is in the ledger');
    const payload = JSON.parse((await ledgerOf(a).repo.payload(entries[0]!.index))!.payload) as { action: string; withheld: string[] };
    assert.equal(payload.action, 'risk-alert.withheld');
    assert.deepEqual(payload.withheld, ['parties']);
    // Without the parties it leaves; a policy that keeps containers in refuses those too.
    const { parties: _parties, ...rest } = ALERT.indicators!;
    assert.equal((await exportRiskAlert(a, 'ana', { ...ALERT, indicators: rest })).alert.indicators.parties.length, 0);
    const strict = await service(() => h.open(), 'customs.s.example', JSON.stringify({ indicators: ['hsCodes'] }));
    await refused(exportRiskAlert(strict, 'ana', { ...ALERT, indicators: rest }), 'FORBIDDEN', 'indicators.containers');
    for (const [policy, problem] of [['{"indicators": ["hsCodes", "names"]}', /"names", which is not an indicator kind/], ['{"share": []}', /fields no policy has: share/], ['[', /not readable JSON/]] as const) {
      const bad = await service(() => h.open(), 'customs.x.example', policy);
      await assert.rejects(exportRiskAlert(bad, 'ana', ALERT), (e) => isPortcullisError(e) && e.code === 'CONFIG_ERROR' && e.details[0]?.field === 'PORTCULLIS_SHARING' && problem.test(e.message));
    }
  });

  it('exports only a well-formed alert, naming each field that is not, and never one whose issuer or time the caller sets', async () => {
    const a = await service(() => h.open(), 'customs.a.example');
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, indicators: {} }), 'INVALID_INPUT', 'indicators', /at least one indicator/);
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, indicators: { containers: ['MSCU1000018'] } }), 'INVALID_INPUT', 'indicators.containers.0');
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, validUntil: '2026-01-01T00:00:00Z' }), 'INVALID_INPUT', 'validUntil');
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, handling: 'secret' }), 'INVALID_INPUT', 'handling');
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, issuer: 'someone.else' }), 'INVALID_INPUT', 'issuer');
    await refused(exportRiskAlert(a, 'ana', { ...ALERT, extra: 1 }), 'INVALID_INPUT', '(alert)');
  });
});
