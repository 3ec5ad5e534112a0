import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportCusres, importExchange, type ImportReport, type MovementImportReport } from '../../../src/app/exchange/index.ts';
import { openDecisionQueue } from '../../../src/app/filing/decision-queue.ts';
import { closeLedger, ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { declarationsRepo, decisionsRepo, movementsRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { appOf } from '../targeting/fixtures.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/exchange');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const traderA = { id: 'tra', roles: ['trader'] as const, party: 'IMP-A' };
const traderB = { id: 'trb', roles: ['trader'] as const, party: 'IMP-B' };
const carrier = { id: 'car', roles: ['carrier'] as const, party: 'CAR-1' };
const analyst = { id: 'ana', roles: ['analyst'] as const };

forEachStore('harmonised exchange: import through the filing path, export as CUSRES', (h) => {
  test('CUSDEC: the good messages are filed, decided and in the ledger; the bad ones named by message, segment and element', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      const r = (await importExchange(app, 'cusdec', fixture('cusdec-interchange.edi'), { actor: traderA, source: 'test', decide: (ds) => queue.decide(ds) })) as ImportReport;
      assert.deepEqual([r.messages, r.accepted, r.duplicates, r.rejected], [4, 2, 0, 2]);
      assert.deepEqual(r.filed.map((f) => [f.reference, f.id, f.status]), [['M001', 'EX-DEC-0001', 'inserted'], ['M004', 'EX-DEC-0004', 'inserted']]);
      assert.ok(r.filed.every((f) => f.lane !== null));
      assert.deepEqual(r.rejections.map((x) => [x.message, x.reference, x.id]), [[2, 'M002', 'EX-DEC-0002'], [3, 'M003', 'EX-DEC-0003']]);
      // The HS code fails the same validation as every filing; the error points back at CST C246:7361.
      assert.match(r.rejections[0]!.details[0]!.field!, /^message 2 \(UNH M002\), segment CST #\d+, element C246:7361, → items\.0\.hsCode$/);
      assert.match(r.rejections[1]!.details[0]!.field!, /^message 3 \(UNH M003\), segment LOC\+22, element C517:3225/);
      assert.match(r.rejections[1]!.details[0]!.expected!, /customs office/);

      const stored = (await declarationsRepo(app.store.db).get('EX-DEC-0001'))!;
      assert.equal(stored.source, 'test');
      assert.deepEqual(stored.declaration.items.map((i) => [i.hsCode, i.customsValue, i.netMassKg]), [['847130', 48000, 310.5], ['851712', 21000.5, 200]]);
      assert.equal((await decisionsRepo(app.store.db).latest('EX-DEC-0004'))?.revision, 1);
      const entries = await ledgerOf(app).repo.entriesAbout('declaration:EX-DEC-0001');
      assert.deepEqual(entries.map((e) => e.type).sort(), ['decision.made', 'declaration.filed']);
      assert.equal(await declarationsRepo(app.store.db).get('EX-DEC-0002'), undefined, 'nothing of a rejected message is kept');

      const again = (await importExchange(app, 'cusdec', fixture('cusdec-interchange.edi'), { actor: 'operator', source: 'test', decide: (ds) => queue.decide(ds) })) as ImportReport;
      assert.deepEqual([again.accepted, again.duplicates, again.rejected], [0, 2, 2], 'filed again: duplicates, nothing new');

      // Another trader may import, but not declarations of IMP-A.
      const other = (await importExchange(app, 'cusdec', fixture('cusdec-interchange.edi').replaceAll('EX-DEC-', 'OT-DEC-'), { actor: traderB, source: 'test', decide: (ds) => queue.decide(ds) })) as ImportReport;
      assert.equal(other.accepted, 0);
      assert.ok(other.rejections.some((x) => x.reference === 'M001' && x.details[0]!.field!.includes('NAD') && x.details[0]!.expected === 'your own party as importer or declarant'));
      await assert.rejects(importExchange(app, 'cusdec', fixture('cusdec-interchange.edi'), { actor: analyst, source: 'test', decide: (ds) => queue.decide(ds) }), (e) => isPortcullisError(e) && e.code === 'FORBIDDEN');
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });

  test('WCO JSON: the same filing path; the bad declaration named by its JSON path', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      const r = (await importExchange(app, 'wco-json', fixture('wco-declarations.json'), { actor: traderB, source: 'wco', decide: (ds) => queue.decide(ds) })) as ImportReport;
      assert.deepEqual([r.accepted, r.rejected], [1, 1]);
      assert.equal(r.filed[0]!.id, 'WCO-LRN-0001');
      assert.match(r.rejections[0]!.details[0]!.field!, /^declaration 2 \(WCO-LRN-0002\), element Declarations\[1\]\.GoodsShipment\.GovernmentAgencyGoodsItem\[0\]\.CustomsValueAmount\.currencyID/);
      const d = (await declarationsRepo(app.store.db).get('WCO-LRN-0001'))!.declaration;
      assert.deepEqual([d.customsOffice, d.importer, d.exportCountry, d.portOfDischarge, d.items.length], ['DEHAM01', 'IMP-B', 'TR', 'DEHAM', 2]);
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });

  test('CUSCAR: carrier movements stored once, each in the ledger under its container; another carrier refused', async () => {
    const app = appOf(await h.open());
    try {
      const opts = { source: 'test', decide: async () => [] };
      const r = (await importExchange(app, 'cuscar', fixture('cuscar-report.edi'), { ...opts, actor: carrier })) as MovementImportReport;
      assert.deepEqual([r.messages, r.accepted, r.rejected, r.events, r.added, r.ledgerEntries], [2, 1, 1, 4, 4, 4]);
      assert.deepEqual(r.recorded[0]!.containers, ['MSKU1234565', 'MSCU5550006']);
      assert.match(r.rejections[0]!.details[0]!.field!, /^message 2 \(UNH R2\), segment NAD\+CA, element C082:3039/);
      const moves = await movementsRepo(app.store.db).byContainer('MSKU1234565');
      assert.deepEqual(moves.map((m) => [m.event.eventCode, m.event.location, m.event.grossWeightKg, m.ledgerIndex !== null]), [['LOAD', 'CNSHA', 5150, true], ['DISC', 'NLRTM', 5150, true]]);
      assert.equal((await ledgerOf(app).repo.entriesAbout('container:MSKU1234565')).length, 2);
      const again = (await importExchange(app, 'cuscar', fixture('cuscar-report.edi'), { ...opts, actor: 'operator' })) as MovementImportReport;
      assert.deepEqual([again.added, again.duplicates, again.ledgerEntries], [0, 4, 0]);
      const foreign = (await importExchange(app, 'cuscar', fixture('cuscar-report.edi'), { ...opts, actor: { id: 'c2', roles: ['carrier'], party: 'CAR-2' } })) as MovementImportReport;
      assert.equal(foreign.accepted, 0);
      assert.match(foreign.rejections[0]!.details[0]!.problem, /not for carrier CAR-1/);
    } finally {
      await closeLedger(app);
    }
  });

  test('CUSRES export: lanes of the declarations asked for; a trader only its own, others as not found', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      await importExchange(app, 'cusdec', fixture('cusdec-interchange.edi'), { actor: traderA, source: 'test', decide: (ds) => queue.decide(ds) });
      const lane = (await decisionsRepo(app.store.db).latest('EX-DEC-0001'))!.lane;
      const mine = await exportCusres(app, traderA, { ids: ['EX-DEC-0001'] });
      assert.deepEqual(mine.statuses.map((s) => [s.declarationId, s.lane, s.revision]), [['EX-DEC-0001', lane, 1]]);
      assert.match(mine.edifact, /^UNA:\+\.\? '\nUNB\+UNOC:3\+customs\+IMP-A\+/);
      assert.match(mine.edifact, /\nBGM\+\+EX-DEC-0001\+9'\n/);
      await assert.rejects(exportCusres(app, traderB, { ids: ['EX-DEC-0001'] }), (e) => isPortcullisError(e) && e.code === 'NOT_FOUND');
      const period = await exportCusres(app, analyst, { from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z', office: 'NLRTM01' });
      assert.deepEqual(period.statuses.map((s) => s.declarationId), ['EX-DEC-0001', 'EX-DEC-0004']);
      const none = await exportCusres(app, traderB, { from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z' });
      assert.deepEqual(none.statuses, [], "a trader's period holds only its own declarations");
      await assert.rejects(exportCusres(app, carrier, { ids: ['EX-DEC-0001'] }), (e) => isPortcullisError(e) && e.code === 'FORBIDDEN');
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });
});
