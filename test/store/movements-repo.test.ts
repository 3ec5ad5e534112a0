import assert from 'node:assert/strict';
import { it } from 'node:test';
import { movementsRepo, telemetryRepo } from '../../src/store/index.ts';
import { BL, C1, C2, movement, reading } from '../support/movement-fixtures.ts';
import { forEachStore } from '../support/stores.ts';

const AT = '2025-03-02T00:00:00.000Z';

forEachStore('movements repo', (h) => {
  it('adds events once: the same event again is a duplicate, other content under its id a conflict', async () => {
    const repo = movementsRepo((await h.open()).db);
    const a = movement('E-1');
    const b = movement('E-2', { container: C2 });
    assert.deepEqual((await repo.add([a, b], AT)).map((o) => o.status), ['added', 'added']);
    const again = await repo.add([a, movement('E-2', { location: 'NLRTM' }), movement('E-3')], AT);
    assert.deepEqual(again.map((o) => [o.id, o.status]), [['E-1', 'duplicate'], ['E-2', 'conflict'], ['E-3', 'added']]);
    assert.deepEqual((await repo.get('E-2'))?.event, b, 'the first content is kept');
    assert.equal(await repo.count(), 3);
  });

  it('judges repeats within one batch against the first', async () => {
    const repo = movementsRepo((await h.open()).db);
    const out = await repo.add([movement('E-1'), movement('E-1'), movement('E-1', { seals: ['OTHER'] })], AT);
    assert.deepEqual(out.map((o) => o.status), ['added', 'duplicate', 'conflict']);
    assert.equal(await repo.count(), 1);
  });

  it('keeps the ledger index and finds events by container and by document, in time order', async () => {
    const repo = movementsRepo((await h.open()).db);
    const depa = movement('E-3', { eventType: 'TRANSPORT', eventCode: 'DEPA', container: undefined, seals: [], eventDateTime: '2025-03-01T20:00:00Z' });
    await repo.add([movement('E-2', { container: C2, eventDateTime: '2025-03-01T07:00:00Z' }), movement('E-1'), depa, movement('E-4', { transportDocument: 'OTHER-BL', container: C2 })], AT);
    await repo.setLedgerIndices([{ id: 'E-1', index: 7 }, { id: 'E-3', index: 9 }]);
    assert.deepEqual((await repo.byContainer(C1)).map((m) => [m.event.eventId, m.ledgerIndex]), [['E-1', 7]]);
    assert.deepEqual((await repo.byDocument(BL)).map((m) => m.event.eventId), ['E-2', 'E-1', 'E-3']);
    assert.deepEqual((await repo.about({ containers: [C2], documents: [BL] })).map((m) => m.event.eventId), ['E-2', 'E-1', 'E-4', 'E-3']);
    assert.deepEqual((await repo.get('E-3'))?.event, depa);
    const dup = await repo.add([movement('E-1')], AT);
    assert.deepEqual(dup, [{ id: 'E-1', status: 'duplicate', ledgerIndex: 7 }]);
  });
});

forEachStore('telemetry repo', (h) => {
  it('adds readings once and finds them by container, within a window', async () => {
    const repo = telemetryRepo((await h.open()).db);
    const r1 = reading('T-1');
    const r2 = reading('T-2', { time: '2025-03-05T00:00:00Z', kind: 'seal', sealNumber: 'SL100001', sealState: 'intact', eventCode: 'DISC', location: 'NLRTM' });
    const r3 = reading('T-3', { container: C2 });
    assert.deepEqual((await repo.add([r2, r1, r3], AT)).map((o) => o.status), ['added', 'added', 'added']);
    assert.deepEqual((await repo.add([r1, reading('T-2')], AT)).map((o) => o.status), ['duplicate', 'conflict']);
    await repo.setLedgerIndices([{ id: 'T-2', index: 3 }]);
    assert.deepEqual((await repo.byContainer(C1)).map((r) => [r.reading, r.ledgerIndex]), [[r1, null], [r2, 3]]);
    assert.deepEqual((await repo.byContainers([C1, C2], { from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' })).map((r) => r.reading.eventId), ['T-1', 'T-3']);
    assert.equal(await repo.count(), 3);
  });
  it('lists movements newest first, a carrier\'s own or everyone\'s, a page after another', async () => {
    const repo = movementsRepo((await h.open()).db);
    const at = (h: number) => `2025-03-01T${String(h).padStart(2, '0')}:00:00Z`;
    await repo.add([
      movement('M-1', { carrier: 'MAEU', eventDateTime: at(1) }),
      movement('M-2', { carrier: 'MSCU', eventDateTime: at(2) }),
      movement('M-3', { carrier: 'MAEU', eventDateTime: at(3) }),
      movement('M-4', { carrier: 'MAEU', eventDateTime: at(3) }),
      movement('M-5', { carrier: 'MAEU', eventDateTime: at(5) }),
    ], AT);
    const ids = (ms: { event: { eventId: string } }[]) => ms.map((m) => m.event.eventId);
    assert.deepEqual(ids(await repo.list({ limit: 10 })), ['M-5', 'M-4', 'M-3', 'M-2', 'M-1']);
    assert.deepEqual(ids(await repo.list({ carrier: 'MAEU', limit: 10 })), ['M-5', 'M-4', 'M-3', 'M-1']);
    // Pages: two events at the same time are split by id, neither lost nor repeated.
    const first = await repo.list({ carrier: 'MAEU', limit: 2 });
    assert.deepEqual(ids(first), ['M-5', 'M-4']);
    const last = first.at(-1)!.event;
    assert.deepEqual(ids(await repo.list({ carrier: 'MAEU', limit: 2, after: { time: last.eventDateTime, id: last.eventId } })), ['M-3', 'M-1']);
    assert.deepEqual(ids(await repo.list({ carrier: 'NONE', limit: 2 })), []);
  });
});
