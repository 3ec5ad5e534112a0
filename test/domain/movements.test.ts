import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemsOf } from '../../src/domain/issues.ts';
import { TELEMETRY_READING_EXPECTED, TelemetryReading } from '../../src/domain/telemetry-reading.ts';
import { TRANSPORT_EVENT_EXPECTED, TransportEvent } from '../../src/domain/transport-event.ts';
import { C1, movementInput, readingInput } from '../support/movement-fixtures.ts';

const problems = (input: unknown) => {
  const r = TransportEvent.safeParse(input);
  assert.equal(r.success, false, 'expected a rejection');
  return problemsOf(r.error!, TRANSPORT_EVENT_EXPECTED, 3);
};

describe('TransportEvent', () => {
  it('normalises container, location and time, and defaults the classifier and seals', () => {
    const e = TransportEvent.parse({ ...movementInput('E-1', { container: ' csqu3054383 ', location: 'nl rtm', eventDateTime: '2025-03-01T08:00:00Z' }), seals: undefined });
    assert.equal(e.container, C1);
    assert.equal(e.location, 'NLRTM');
    assert.equal(e.eventDateTime, '2025-03-01T08:00:00.000Z');
    assert.equal(e.eventClassifier, 'ACT');
    assert.deepEqual(e.seals, []);
  });

  it('names the field, what was wrong and what was expected', () => {
    const [bad] = problems(movementInput('E-1', { container: 'CSQU3054384' }));
    assert.equal(bad!.field, 'container');
    assert.equal(bad!.row, 3);
    assert.match(bad!.problem, /check digit/);
    assert.match(bad!.expected!, /ISO 6346|11 characters/);
    assert.deepEqual(problems(movementInput('E-1', { location: 'XX123' })).map((p) => p.field), ['location']);
    assert.deepEqual(problems(movementInput('E-1', { eventDateTime: '2025-03-01 08:00' })).map((p) => [p.field, p.expected]), [['eventDateTime', TRANSPORT_EVENT_EXPECTED.eventDateTime]]);
    assert.deepEqual(problems(movementInput('E-1', { eventCode: 'SAIL' as never })).map((p) => p.field), ['eventCode']);
    assert.deepEqual(problems(movementInput('E-1', { eventClassifier: 'REQ' as never })).map((p) => p.field), ['eventClassifier']);
    assert.deepEqual(problems(movementInput('E-1', { grossWeightKg: -1 })).map((p) => p.field), ['grossWeightKg']);
    assert.deepEqual(problems({ ...movementInput('E-1'), eventId: undefined, carrier: '' }).map((p) => p.field).sort(), ['carrier', 'eventId']);
  });

  it('keeps event codes to their event type, equipment events to a container, and every event to something findable', () => {
    assert.deepEqual(problems(movementInput('E-1', { eventType: 'TRANSPORT', eventCode: 'LOAD' })).map((p) => p.field), ['eventCode']);
    assert.deepEqual(problems(movementInput('E-1', { eventType: 'EQUIPMENT', eventCode: 'ARRI' })).map((p) => p.field), ['eventCode']);
    const noContainer = movementInput('E-1', { container: undefined });
    assert.deepEqual(problems(noContainer).map((p) => p.field), ['container']);
    const neither = movementInput('E-1', { container: undefined, transportDocument: undefined });
    assert.deepEqual(problems({ ...neither, eventType: 'TRANSPORT', eventCode: 'DEPA' }).map((p) => p.field), ['transportDocument']);
    assert.equal(TransportEvent.safeParse({ ...noContainer, eventType: 'TRANSPORT', eventCode: 'DEPA' }).success, true);
  });
});

describe('TelemetryReading', () => {
  it('parses a reading and rejects bad fields by name', () => {
    const t = TelemetryReading.parse(readingInput('T-1', { kind: 'seal', sealNumber: 'S1', sealState: 'intact', eventCode: 'LOAD', location: 'CN SHA' }));
    assert.equal(t.location, 'CNSHA');
    const r = TelemetryReading.safeParse(readingInput('T-1', { kind: 'smell' as never, lat: 91, eventCode: 'ARRI' as never }));
    assert.equal(r.success, false);
    const ps = problemsOf(r.error!, TELEMETRY_READING_EXPECTED);
    assert.deepEqual(ps.map((p) => p.field).sort(), ['eventCode', 'kind', 'lat']);
    assert.equal(ps.find((p) => p.field === 'kind')!.expected, TELEMETRY_READING_EXPECTED.kind);
  });
});
