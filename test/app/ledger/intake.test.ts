import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ingestFiles } from '../../../src/app/intake/ingest.ts';
import { fileDeclarations } from '../../../src/app/ledger/record.ts';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { forEachStore } from '../../support/stores.ts';
import { CLOCK, generated, mapping, tempDir } from '../targeting/fixtures.ts';
import { ledgerApp } from './support.ts';

const dir = tempDir('ledger-intake');
after(() => dir.cleanup());

forEachStore('ledger: every declaration filed is an entry', (h) => {
  it('intake files each new declaration once; a stop between storing and filing is repaired by ingesting again', async () => {
    const store = await h.open();
    const { app, ledger } = ledgerApp(store);
    const g = await generated(dir.path(`g-${h.label.replace(/\W/g, '')}.csv`), { rows: 300, seed: 11 });
    const m = await mapping();
    const opts = { mapping: m, mappingName: 'generated.json', strict: false, rejectFile: dir.path('rejects.csv'), clock: CLOCK };
    // A first intake whose process "stopped" before filing: stored, not in the ledger.
    const first = await ingestFiles(store, [g.file], opts);
    assert.equal(first.accepted, 300);
    assert.equal(await ledger.repo.size(), 0);
    // Ingesting again stores nothing new but files every declaration left unfiled.
    const again = await ingestFiles(store, [g.file], { ...opts, onStored: fileDeclarations(app) });
    assert.equal(again.duplicates, 300);
    assert.equal(await ledger.repo.size(), 300);
    // And once filed, never twice.
    await ingestFiles(store, [g.file], { ...opts, onStored: fileDeclarations(app) });
    assert.equal(await ledger.repo.size(), 300);
    const about = await ledger.repo.entriesAbout(`declaration:${g.rows[42]!.declaration_id}`);
    assert.deepEqual(about.map((e) => e.type), ['declaration.filed']);
    const payload = JSON.parse((await ledger.repo.payload(about[0]!.index))!.payload) as { id: string };
    assert.equal(payload.id, g.rows[42]!.declaration_id);
    await ledger.checkpoint();
    assert.equal((await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: true, payloads: true })).ok, true);
    // Strict intake files its declarations after the file commits.
    const other = ledgerApp(await h.open());
    const strict = await ingestFiles(other.app.store, [g.file], { ...opts, strict: true, onStored: fileDeclarations(other.app) });
    assert.equal(strict.accepted, 300);
    assert.equal(await other.ledger.repo.size(), 300);
  });
});
