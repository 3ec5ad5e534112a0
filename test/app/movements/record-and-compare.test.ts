import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import { findDiscrepancies } from '../../../src/app/ledger/discrepancies.ts';
import { closeLedger } from '../../../src/app/ledger/ledger.ts';
import { recordMovements } from '../../../src/app/movements/record-movements.ts';
import { recordTelemetry } from '../../../src/app/movements/record-telemetry.ts';
import { alertsRepo, ledgerRepo, movementsRepo, telemetryRepo } from '../../../src/store/index.ts';
import { BL, movementInput, readingInput } from '../../support/movement-fixtures.ts';
import { forEachStore } from '../../support/stores.ts';
import { appOf, failsWith, tempDir, type TempDir } from '../targeting/fixtures.ts';
import { jsonl, movementData, storeDeclarations } from './fixtures.ts';

/**
 * Carrier movements and telemetry recorded from files (each new record a ledger entry filed under
 * its container or transport document), and the discrepancies across parties found in generated
 * data: every planted one, and nothing where the parties agree.
 */

let tmp: TempDir;
let data: ReturnType<typeof movementData>;
before(() => {
  tmp = tempDir('movements');
  data = movementData(tmp);
});
after(() => tmp.cleanup());

forEachStore('movements, telemetry and discrepancies', (h) => {
  const open = async (): Promise<AppContext> => {
    const app = appOf(await h.open());
    await storeDeclarations(app, tmp, data);
    return app;
  };

  it('records every movement and reading once, each a ledger entry under its subject, and finds every planted discrepancy', async () => {
    const app = await open();
    const ledger = ledgerRepo(app.store);
    assert.ok(data.consignments > 50 && data.planted.length >= 5, `${data.consignments} consignments, ${data.planted.length} planted`);

    // Adding the users was recorded already (privileged actions).
    const base = await ledger.size();
    const m = await recordMovements(app, 'olga', data.movementsFile);
    assert.deepEqual([m.lines, m.added, m.duplicates, m.rejected], [data.movements.length, data.movements.length, 0, 0]);
    assert.equal(await ledger.size(), base + data.movements.length);
    const t = await recordTelemetry(app, 'dev', data.telemetryFile);
    assert.deepEqual([t.added, t.rejected, t.ledgerEntries], [data.telemetry.length, 0, data.telemetry.length]);
    assert.equal(await ledger.size(), base + data.movements.length + data.telemetry.length);

    // Filed under the container (equipment events, telemetry) or the transport document (vessel events).
    const first = data.movements.find((e) => e.eventCode === 'LOAD')!;
    const about = await ledger.entriesAbout(`container:${first.container}`);
    assert.ok(about.some((e) => e.type === 'movement.recorded') && about.some((e) => e.type === 'telemetry.recorded'));
    const stored = await movementsRepo(app.store.db).get(first.eventId);
    assert.ok(about.some((e) => e.index === stored!.ledgerIndex));
    assert.deepEqual(JSON.parse((await ledger.payload(stored!.ledgerIndex!))!.payload), stored!.event);
    const depa = data.movements.find((e) => e.eventCode === 'DEPA')!;
    assert.deepEqual((await ledger.entriesAbout(`document:${depa.transportDocument}`)).map((e) => e.type), ['movement.recorded', 'movement.recorded']);

    // Again: nothing added, nothing appended.
    const again = await recordMovements(app, 'olga', data.movementsFile);
    assert.deepEqual([again.added, again.duplicates, again.ledgerEntries], [0, data.movements.length, 0]);
    assert.equal(await ledger.size(), base + data.movements.length + data.telemetry.length);

    const report = await findDiscrepancies(app);
    assert.equal(report.checked, data.rows.filter((r) => r.transport_document !== '' || r.container_numbers !== '').length);
    const found = new Map(report.declarations.map((d) => [d.declarationId, d.discrepancies]));
    for (const p of data.planted) {
      const ds = found.get(p.declarationId) ?? [];
      assert.ok(ds.some((d) => d.field === p.field && (p.container === undefined || d.container === p.container)), `planted ${p.kind} in ${p.declarationId} not found: ${JSON.stringify(ds)}`);
      for (const d of ds) for (const s of d.sides) if (s.role !== 'declarant') assert.ok(s.records.every((r) => typeof r.entry === 'number'), 'carrier and telemetry sides name their ledger entries');
    }
    const planted = new Set(data.planted.map((p) => p.declarationId));
    const unexpected = report.declarations.filter((d) => !planted.has(d.declarationId));
    assert.deepEqual(unexpected, [], 'consistent consignments give no discrepancy');
    for (const kind of new Set(data.planted.map((p) => p.field))) assert.ok((report.byField[kind] ?? 0) > 0);

    // One declaration alone, and alerts raised once.
    const one = data.planted[0]!;
    const single = await findDiscrepancies(app, { declaration: one.declarationId });
    assert.deepEqual([single.checked, single.declarations[0]?.declarationId], [1, one.declarationId]);
    const raised = await findDiscrepancies(app, { raiseAlerts: true });
    assert.equal(raised.alertsRaised, planted.size);
    assert.equal((await findDiscrepancies(app, { raiseAlerts: true })).alertsRaised, 0);
    const alerts = await alertsRepo(app.store.db).list({ kind: 'discrepancy', limit: 1000 });
    assert.equal(alerts.length, planted.size);
    await assert.rejects(findDiscrepancies(app, { declaration: 'NO-SUCH' }), failsWith('NOT_FOUND'));
    await closeLedger(app);
  });

  it('rejects bad lines with their line number and field, keeps the good ones, and refuses conflicts and other carriers', async () => {
    const app = await open();
    const file = tmp.path(`bad-${h.label.replace(/\W/g, '')}.jsonl`);
    const lines = [
      movementInput('X-1', { carrier: 'MAEU' }),
      movementInput('X-2', { container: 'CSQU3054384' }),
      '{"not": "closed"',
      movementInput('X-3', { carrier: 'MSCU' }),
      movementInput('X-1', { location: 'NLRTM' }),
    ];
    writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n\n');
    const s = await recordMovements(app, 'maeu', file);
    assert.deepEqual([s.lines, s.added, s.rejected, s.ledgerEntries], [5, 1, 4, 1]);
    assert.deepEqual(s.rejections.map((r) => [r.line, r.field]), [[2, 'container'], [3, '(line)'], [4, 'carrier'], [5, 'eventId']]);
    assert.match(s.rejections[0]!.expected, /ISO 6346|11 characters/);
    assert.deepEqual((await ledgerRepo(app.store).entriesAbout('container:CSQU3054383')).map((e) => e.type), ['movement.recorded']);
    assert.equal((await movementsRepo(app.store.db).byDocument(BL)).length, 1);

    await assert.rejects(recordMovements(app, 'ana', file), failsWith('FORBIDDEN'));
    await assert.rejects(recordMovements(app, undefined, file), failsWith('INVALID_INPUT', 'as'));
    await assert.rejects(recordMovements(app, 'olga', tmp.path('missing.jsonl')), failsWith('INVALID_FILE'));
    const tfile = tmp.path(`bad-t-${h.label.replace(/\W/g, '')}.jsonl`);
    writeFileSync(tfile, jsonl([readingInput('R-1'), readingInput('R-2', { kind: 'smell' as never })]));
    const t = await recordTelemetry(app, 'dev', tfile);
    assert.deepEqual([t.added, t.rejected, t.rejections[0]?.line, t.rejections[0]?.field], [1, 1, 2, 'kind']);
    assert.equal(await telemetryRepo(app.store.db).count(), 1);
    await closeLedger(app);
  });
});
