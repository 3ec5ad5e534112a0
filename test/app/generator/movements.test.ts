import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateMovements, generateRows, PLANTED_KINDS } from '../../../src/app/generator/index.ts';
import { TelemetryReading } from '../../../src/domain/telemetry-reading.ts';
import { TransportEvent } from '../../../src/domain/transport-event.ts';

/** The generator's carrier movements and telemetry: valid, repeatable, and with a known, small share of planted discrepancies. */
describe('generateMovements', () => {
  const rows = [...generateRows({ rows: 1500, seed: 'gen-movements', start: '2025-01-06', days: 90 })];

  it('covers the sea and rail declarations with containers, with valid DCSA events and readings', () => {
    const m = generateMovements(rows, { seed: 7 });
    const withContainers = rows.filter((r) => (r.mode_of_transport === 1 || r.mode_of_transport === 2) && r.container_numbers !== '');
    assert.equal(m.consignments, withContainers.length);
    for (const e of m.movements) assert.equal(TransportEvent.safeParse(e).success, true, JSON.stringify(e));
    for (const t of m.telemetry) assert.equal(TelemetryReading.safeParse(t).success, true, JSON.stringify(t));
    assert.equal(new Set(m.movements.map((e) => e.eventId)).size, m.movements.length, 'event ids are unique');
    assert.equal(new Set(m.telemetry.map((t) => t.eventId)).size, m.telemetry.length, 'reading ids are unique');
    const codes = new Set(m.movements.map((e) => e.eventCode));
    assert.deepEqual([...codes].sort(), ['ARRI', 'DEPA', 'DISC', 'LOAD']);
  });

  it('plants a small, seeded share of discrepancies of every kind, and the same seed gives the same data', () => {
    const m = generateMovements(rows, { seed: 7, discrepancyShare: 0.1 });
    const share = m.planted.length / m.consignments;
    assert.ok(share > 0.05 && share < 0.15, `share ${share}`);
    assert.deepEqual(new Set(m.planted.map((p) => p.kind)), new Set(PLANTED_KINDS));
    assert.deepEqual(generateMovements(rows, { seed: 7, discrepancyShare: 0.1 }), m);
    assert.notDeepEqual(generateMovements(rows, { seed: 8, discrepancyShare: 0.1 }).planted, m.planted);
    assert.deepEqual(generateMovements(rows, { seed: 7, discrepancyShare: 0 }).planted, []);
  });

  it('keeps consistent consignments consistent: ports as declared, gross weight within the tolerance', () => {
    const m = generateMovements(rows, { seed: 7, discrepancyShare: 0 });
    const byId = new Map(rows.map((r) => [r.declaration_id, r]));
    const gross = new Map<string, number>();
    for (const e of m.movements) {
      const row = byId.get(e.eventId.split('-')[0]!)!;
      if (e.eventCode === 'LOAD' || e.eventCode === 'DEPA') assert.equal(e.location, row.port_of_loading);
      if (e.eventCode === 'DISC' || e.eventCode === 'ARRI') assert.equal(e.location, row.port_of_discharge);
      if (e.grossWeightKg !== undefined) gross.set(row.declaration_id, (gross.get(row.declaration_id) ?? 0) + e.grossWeightKg);
    }
    for (const [id, g] of gross) {
      const net = byId.get(id)!.net_mass_kg;
      assert.ok(g >= net && g <= 2 * net + 1000, `${id}: net ${net}, gross ${g}`);
    }
  });
});
