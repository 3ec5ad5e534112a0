import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Declaration, type DeclarationInput } from '../../../src/domain/declaration.ts';
import type { TelemetryReading } from '../../../src/domain/telemetry-reading.ts';
import type { TransportEvent, TransportEventInput } from '../../../src/domain/transport-event.ts';
import { compareConsignment, linkRecords, type ConsignmentRecords, type Discrepancy, type Recorded } from '../../../src/ledger/discrepancy/index.ts';
import { BL, C1, C2, movement, reading } from '../../support/movement-fixtures.ts';

/**
 * The comparison of a consignment's records, rule by rule: a consistent consignment gives nothing;
 * each rule fires on its own mismatch, both ways, and not on the edge of its tolerance.
 */

const H = 3_600_000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H).toISOString();

const declaration = (over: Partial<DeclarationInput> = {}): Declaration =>
  Declaration.parse({
    id: 'DEC-1', filedAt: at(24 * 20), customsOffice: 'NLRTM01', declarant: 'BROKER-1', importer: 'IMP-1', transportDocument: BL, containers: [C1, C2],
    portOfLoading: 'CNSHA', portOfDischarge: 'NLRTM',
    items: [{ sequence: 1, hsCode: '847130', customsValue: 1000, currency: 'USD', netMassKg: 6000 }, { sequence: 2, hsCode: '851712', customsValue: 500, currency: 'USD', netMassKg: 4000 }],
    ...over,
  });

let n = 0;
const rec = <T>(record: T): Recorded<T> => ({ record, entry: n++ });

/** LOAD C1, C2 at Shanghai, DEPA, ARRI and DISC C1, C2 at Rotterdam; 6000 kg gross each; seals S1, S2. */
function carrier(over: Partial<Record<string, Partial<TransportEventInput>>> = {}): Recorded<TransportEvent>[] {
  const base: [string, Partial<TransportEventInput>][] = [
    ['L1', { eventCode: 'LOAD', container: C1, eventDateTime: at(0), location: 'CNSHA', seals: ['S1'], grossWeightKg: 6000 }],
    ['L2', { eventCode: 'LOAD', container: C2, eventDateTime: at(1), location: 'CNSHA', seals: ['S2'], grossWeightKg: 6000 }],
    ['DEPA', { eventType: 'TRANSPORT', eventCode: 'DEPA', container: undefined, eventDateTime: at(12), location: 'CNSHA', seals: [], grossWeightKg: undefined }],
    ['ARRI', { eventType: 'TRANSPORT', eventCode: 'ARRI', container: undefined, eventDateTime: at(24 * 20), location: 'NLRTM', seals: [], grossWeightKg: undefined }],
    ['D1', { eventCode: 'DISC', container: C1, eventDateTime: at(24 * 20 + 5), location: 'NLRTM', seals: ['S1'], grossWeightKg: undefined }],
    ['D2', { eventCode: 'DISC', container: C2, eventDateTime: at(24 * 20 + 6), location: 'NLRTM', seals: ['S2'], grossWeightKg: undefined }],
  ];
  return base.filter(([id]) => over[id] !== null).map(([id, e]) => rec(movement(id, { ...e, ...over[id] })));
}

function telemetry(over: Partial<Record<string, Partial<TelemetryReading> | null>> = {}): Recorded<TelemetryReading>[] {
  const base: [string, Partial<TelemetryReading>][] = [
    ['TL1', { container: C1, eventCode: 'LOAD', time: at(1), kind: 'seal', sealNumber: 'S1', sealState: 'intact', location: 'CNSHA' }],
    ['TL2', { container: C2, eventCode: 'LOAD', time: at(0), kind: 'seal', sealNumber: 'S2', sealState: 'intact', location: 'CNSHA' }],
    ['TP1', { container: C1, time: at(200), kind: 'position' }],
    ['TD1', { container: C1, eventCode: 'DISC', time: at(24 * 20 + 6), kind: 'position', location: 'NLRTM' }],
    ['TD2', { container: C2, eventCode: 'DISC', time: at(24 * 20 + 4), kind: 'position', location: 'NLRTM' }],
  ];
  return base.filter(([id]) => over[id] !== null).map(([id, t]) => rec(reading(id, { deviceId: `DEV-${t.container}`, ...t, ...over[id] })));
}

const records = (over: Partial<ConsignmentRecords> = {}): ConsignmentRecords => ({ declaration: declaration(), declarationEntry: 99, movements: carrier(), telemetry: telemetry(), ...over });
const fields = (ds: readonly Discrepancy[]) => ds.map((d) => `${d.field}${d.container === undefined ? '' : `:${d.container}`}`);
const only = (ds: readonly Discrepancy[], field: string) => ds.filter((d) => d.field === field);

describe('compareConsignment', () => {
  it('finds nothing in a consistent consignment', () => {
    assert.deepEqual(compareConsignment(records()), []);
  });

  it('compares nothing when the carrier reported no actual event', () => {
    const planned = carrier().map((m) => ({ ...m, record: { ...m.record, eventClassifier: 'PLN' as const, location: 'SGSIN' } }));
    assert.deepEqual(compareConsignment(records({ movements: planned })), []);
    assert.deepEqual(compareConsignment(records({ movements: [] })), []);
  });

  describe('containers', () => {
    it('a declared container the carrier never reported', () => {
      const ds = only(compareConsignment(records({ movements: carrier({ L2: null as never, D2: null as never }) })), 'container');
      assert.equal(ds.length, 1);
      assert.equal(ds[0]!.container, C2);
      assert.deepEqual(ds[0]!.sides.map((s) => [s.role, s.party, s.value]), [['declarant', 'BROKER-1', C2], ['carrier', 'MAEU', null]]);
      assert.deepEqual(ds[0]!.sides[0].records, [{ id: 'DEC-1', entry: 99 }]);
    });

    it('a container the carrier reported that was not declared', () => {
      const ds = compareConsignment(records({ declaration: declaration({ containers: [C1] }) }));
      assert.deepEqual(fields(ds), [`container:${C2}`]);
      assert.deepEqual(ds[0]!.sides.map((s) => s.value), [null, C2]);
      assert.deepEqual(ds[0]!.sides[1].records.map((r) => r.id), ['L2', 'D2']);
      assert.ok(ds[0]!.sides[1].records.every((r) => typeof r.entry === 'number'));
    });
  });

  describe('ports', () => {
    it('port of loading: the earliest LOAD elsewhere, per container', () => {
      const ds = compareConsignment(records({ movements: carrier({ L1: { location: 'SGSIN' } }) }));
      assert.deepEqual(fields(ds), [`portOfLoading:${C1}`]);
      assert.deepEqual(ds[0]!.sides.map((s) => s.value), ['CNSHA', 'SGSIN']);
      assert.deepEqual(ds[0]!.sides[1].records.map((r) => r.id), ['L1']);
    });

    it('a transhipment (a later LOAD elsewhere) is no finding', () => {
      const tranship = rec(movement('L1b', { container: C1, eventDateTime: at(100), location: 'SGSIN', seals: ['S1'], grossWeightKg: 6000 }));
      assert.deepEqual(compareConsignment(records({ movements: [...carrier(), tranship] })), []);
    });

    it('port of loading: the vessel departure when no LOAD was reported', () => {
      const ds = compareConsignment(records({ movements: carrier({ L1: null as never, L2: null as never, D1: null as never, D2: null as never, DEPA: { location: 'KRPUS' } }), declaration: declaration({ containers: [] }) }));
      assert.deepEqual(fields(ds), ['portOfLoading']);
      assert.deepEqual(ds[0]!.sides.map((s) => s.value), ['CNSHA', 'KRPUS']);
    });

    it('port of discharge: the latest DISC elsewhere, and else the arrival', () => {
      assert.deepEqual(fields(compareConsignment(records({ movements: carrier({ D2: { location: 'BEANR' } }) }))), [`portOfDischarge:${C2}`]);
      const noDisc = carrier({ L1: null as never, L2: null as never, D1: null as never, D2: null as never, ARRI: { location: 'BEANR' } });
      const ds = compareConsignment(records({ movements: noDisc, declaration: declaration({ containers: [] }) }));
      assert.deepEqual(fields(ds), ['portOfDischarge']);
      assert.deepEqual(ds[0]!.sides.map((s) => s.value), ['NLRTM', 'BEANR']);
    });
  });

  describe('weight (net 10,000 kg declared)', () => {
    const withGross = (g1: number, g2 = 6000) => records({ movements: carrier({ L1: { grossWeightKg: g1 }, L2: { grossWeightKg: g2 } }) });
    it('net above gross is a finding; equal is not', () => {
      assert.deepEqual(compareConsignment(withGross(4000)), []);
      const ds = compareConsignment(withGross(3999.5));
      assert.deepEqual(fields(ds), ['weight']);
      assert.deepEqual(ds[0]!.sides.map((s) => s.value), [10_000, 9999.5]);
      assert.deepEqual(ds[0]!.sides[1].records.map((r) => r.id), ['L1', 'L2']);
    });
    it('gross above 2 × net + 1000 kg is a finding; on the bound is not', () => {
      assert.deepEqual(compareConsignment(withGross(15_000)), []);
      assert.deepEqual(fields(compareConsignment(withGross(15_001))), ['weight']);
    });
    it('is not compared when a container has no weight, or no net mass was declared', () => {
      assert.deepEqual(compareConsignment(records({ movements: carrier({ L1: { grossWeightKg: 1 }, L2: { grossWeightKg: undefined } }) })), []);
      const noMass = declaration({ items: [{ sequence: 1, hsCode: '847130', customsValue: 1000, currency: 'USD' }] });
      assert.deepEqual(compareConsignment(records({ declaration: noMass, movements: carrier({ L1: { grossWeightKg: 1 } }) })), []);
    });
  });

  describe('dates, carrier against telemetry', () => {
    it('24 hours apart is no finding; a millisecond more is, either way', () => {
      assert.deepEqual(compareConsignment(records({ telemetry: telemetry({ TL1: { time: at(24) } }) })), []);
      const later = compareConsignment(records({ telemetry: telemetry({ TL1: { time: new Date(T0 + 24 * H + 1).toISOString() } }) }));
      assert.deepEqual(fields(later), [`date:${C1}`]);
      assert.deepEqual(later[0]!.sides.map((s) => [s.role, s.value]), [['carrier', at(0)], ['telemetry', new Date(T0 + 24 * H + 1).toISOString()]]);
      assert.deepEqual(later[0]!.sides[1].records.map((r) => r.id), ['TL1']);
      assert.deepEqual(fields(compareConsignment(records({ telemetry: telemetry({ TD2: { time: at(24 * 18) } }) }))), [`date:${C2}`]);
    });
    it('the nearest reading of the same code counts', () => {
      const extra = rec(reading('TD1b', { container: C1, eventCode: 'DISC', time: at(24 * 25), deviceId: `DEV-${C1}` }));
      assert.deepEqual(compareConsignment(records({ telemetry: [...telemetry(), extra] })), []);
    });
  });

  describe('seals, carrier against telemetry', () => {
    it('a seal only the device reported, and one only the carrier reported', () => {
      const ds = compareConsignment(records({ telemetry: telemetry({ TL1: { sealNumber: 'S9' } }) }));
      assert.deepEqual(fields(ds), [`seal:${C1}`]);
      assert.deepEqual(ds[0]!.sides.map((s) => [s.role, s.value]), [['carrier', ['S1']], ['telemetry', ['S9']]]);
      assert.match(ds[0]!.message, /only the carrier reported S1; only the device reported S9/);
      const resealed = compareConsignment(records({ movements: carrier({ D2: { seals: ['S2', 'S7'] } }) }));
      assert.deepEqual(fields(resealed), [`seal:${C2}`]);
      assert.deepEqual(resealed[0]!.sides[0].value, ['S2', 'S7']);
    });
    it('is not compared when the device reported no seal', () => {
      assert.deepEqual(compareConsignment(records({ telemetry: telemetry({ TL1: null, TL2: null }) })), []);
    });
  });

  it('lists findings rule by rule', () => {
    const ds = compareConsignment(records({
      declaration: declaration({ containers: [C1] }),
      movements: carrier({ L1: { location: 'SGSIN', grossWeightKg: 100 }, D1: { location: 'BEANR' } }),
      telemetry: telemetry({ TL1: { sealNumber: 'S9', time: at(30) } }),
    }));
    assert.deepEqual(fields(ds), [`container:${C2}`, `portOfLoading:${C1}`, `portOfDischarge:${C1}`, 'weight', `date:${C1}`, `seal:${C1}`]);
  });
});

describe('linkRecords', () => {
  const OTHER = 'TGHU1234567';
  const UNRELATED = 'MSKU1234565';
  it('links by transport document, by container near the filing, and telemetry of those containers', () => {
    const d = declaration();
    const far = at(24 * 20 + 24 * 61);
    const ms = [
      rec(movement('BY-DOC', { container: undefined, eventType: 'TRANSPORT', eventCode: 'ARRI', seals: [] })),
      rec(movement('UNDECLARED', { container: OTHER })),
      rec(movement('BY-CONTAINER', { transportDocument: undefined, container: C1 })),
      rec(movement('OTHER-DOC', { transportDocument: 'MAEU999999999', container: C1 })),
      rec(movement('TOO-LATE', { transportDocument: undefined, container: C2, eventDateTime: far })),
    ];
    const ts = [rec(reading('NEAR', { container: C2 })), rec(reading('FAR', { container: C2, time: far })), rec(reading('OF-UNDECLARED', { container: OTHER })), rec(reading('UNRELATED', { container: UNRELATED }))];
    const linked = linkRecords(d, ms, ts);
    // A container the carrier reported under the declaration's document brings its telemetry along.
    assert.deepEqual(linked.movements.map((m) => m.record.eventId), ['BY-DOC', 'UNDECLARED', 'BY-CONTAINER']);
    assert.deepEqual(linked.telemetry.map((t) => t.record.eventId), ['NEAR', 'OF-UNDECLARED']);
  });
});
