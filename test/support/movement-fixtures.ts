/** Valid carrier movements and telemetry readings, normalised by the domain schemas. */
import { TelemetryReading, type TelemetryReadingInput } from '../../src/domain/telemetry-reading.ts';
import { TransportEvent, type TransportEventInput } from '../../src/domain/transport-event.ts';

export const C1 = 'CSQU3054383';
export const C2 = 'MSKU9070323';
export const BL = 'MAEU123456789';

/** A carrier's LOAD of C1 at Shanghai under BL, unless `over` says otherwise. */
/** `over` may set a field to undefined to leave it out (as a JSON record would). */
export function movementInput(id: string, over: Partial<TransportEventInput> = {}): TransportEventInput {
  return defined({
    eventId: id, carrier: 'MAEU', eventType: 'EQUIPMENT', eventCode: 'LOAD', eventDateTime: '2025-03-01T08:00:00Z',
    transportDocument: BL, container: C1, location: 'CNSHA', seals: ['SL100001'], grossWeightKg: 12_000, ...over,
  });
}
export const movement = (id: string, over: Partial<TransportEventInput> = {}): TransportEvent => TransportEvent.parse(movementInput(id, over));

export function readingInput(id: string, over: Partial<TelemetryReadingInput> = {}): TelemetryReadingInput {
  return defined({ eventId: id, deviceId: 'DEV-1', container: C1, time: '2025-03-01T09:00:00Z', kind: 'position', lat: 31.23, lon: 121.47, ...over });
}
export const reading = (id: string, over: Partial<TelemetryReadingInput> = {}): TelemetryReading => TelemetryReading.parse(readingInput(id, over));

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
