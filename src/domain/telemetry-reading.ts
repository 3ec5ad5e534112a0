import { z } from 'zod';
import { UtcDateTime } from './declaration.ts';
import { checkContainerNumber, checkUnLocode } from './identifiers/index.ts';
import { identifier } from './refine.ts';
import { EquipmentEventCode } from './transport-event.ts';

/**
 * One reading of a device fixed to a container: where it was, the state of its seal or door, a
 * shock, a temperature, its battery; and the DCSA equipment event (LOAD, DISC…) when the device
 * recognised one. Kept small: the IoT issue extends it.
 */
export const TelemetryKind = z.enum(['position', 'seal', 'door', 'shock', 'temperature', 'battery']);
export type TelemetryKind = z.infer<typeof TelemetryKind>;

const text = (max: number) => z.string().trim().min(1).max(max).refine((s) => !s.includes('\u0000'), 'contains a NUL character');

export const TelemetryReading = z.object({
  /** The device's id of the reading; the same id again is the same reading. */
  eventId: text(100),
  deviceId: text(64),
  container: identifier(checkContainerNumber),
  time: UtcDateTime,
  kind: TelemetryKind,
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  /** The port, when the device is at one. */
  location: identifier(checkUnLocode).optional(),
  sealNumber: text(64).optional(),
  sealState: z.enum(['intact', 'opened', 'tampered']).optional(),
  eventCode: EquipmentEventCode.optional(),
});
export type TelemetryReading = z.infer<typeof TelemetryReading>;
export type TelemetryReadingInput = z.input<typeof TelemetryReading>;

export const TELEMETRY_READING_EXPECTED: Readonly<Record<string, string>> = {
  eventId: 'the device\'s id of the reading, 1 to 100 characters',
  deviceId: 'the device id, 1 to 64 characters',
  container: 'an ISO 6346 container number',
  time: 'an ISO 8601 UTC date-time such as 2025-03-01T08:00:00Z',
  kind: TelemetryKind.options.join(', '),
  lat: 'a latitude from -90 to 90',
  lon: 'a longitude from -180 to 180',
  location: 'a UN/LOCODE such as NLRTM',
  sealNumber: 'the seal number (text)',
  sealState: 'intact, opened or tampered',
  eventCode: `a DCSA equipment event code: ${EquipmentEventCode.options.join(', ')}`,
};
