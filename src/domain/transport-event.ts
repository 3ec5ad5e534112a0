import { z } from 'zod';
import { UtcDateTime } from './declaration.ts';
import { checkContainerNumber, checkUnLocode } from './identifiers/index.ts';
import { identifier } from './refine.ts';

/**
 * A carrier's movement of a consignment, in the vocabulary of the DCSA Track & Trace standard:
 * equipment events (a container loaded, discharged, gated in or out, stuffed, stripped, inspected,
 * resealed) and transport events (a vessel or train arrived or departed), each actual (ACT),
 * planned (PLN) or estimated (EST). Times are ISO 8601 UTC; places are UN/LOCODEs.
 */

export const EQUIPMENT_EVENT_CODES = ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', 'INSP', 'RSEA'] as const;
export const TRANSPORT_EVENT_CODES = ['ARRI', 'DEPA'] as const;
export const EquipmentEventCode = z.enum(EQUIPMENT_EVENT_CODES);
export type EquipmentEventCode = z.infer<typeof EquipmentEventCode>;
export const EventClassifier = z.enum(['ACT', 'PLN', 'EST']);
export type EventClassifier = z.infer<typeof EventClassifier>;

const text = (max: number) => z.string().trim().min(1).max(max).refine((s) => !s.includes('\u0000'), 'contains a NUL character');

export const TransportEvent = z
  .object({
    /** The carrier's own id of the event; the same id again is the same event. */
    eventId: text(100),
    /** The carrier (a party id). */
    carrier: text(64),
    eventType: z.enum(['EQUIPMENT', 'TRANSPORT']),
    eventCode: z.enum([...EQUIPMENT_EVENT_CODES, ...TRANSPORT_EVENT_CODES]),
    eventClassifier: EventClassifier.default('ACT'),
    eventDateTime: UtcDateTime,
    /** The bill of lading (or rail/road consignment note) reference. */
    transportDocument: text(64).optional(),
    /** ISO 6346 container number. */
    container: identifier(checkContainerNumber).optional(),
    /** Where it happened: a UN/LOCODE. */
    location: identifier(checkUnLocode),
    seals: z.array(text(64)).max(20).default([]),
    /** Cargo gross weight (goods and packaging, without the container's tare), kg. */
    grossWeightKg: z.number().finite().nonnegative().optional(),
    vessel: text(64).optional(),
    voyage: text(32).optional(),
  })
  .superRefine((e, ctx) => {
    const equipment = (EQUIPMENT_EVENT_CODES as readonly string[]).includes(e.eventCode);
    if (equipment !== (e.eventType === 'EQUIPMENT')) {
      ctx.addIssue({ code: 'custom', path: ['eventCode'], message: `${e.eventCode} is not a code of ${e.eventType} events` });
    }
    if (e.eventType === 'EQUIPMENT' && e.container === undefined) {
      ctx.addIssue({ code: 'custom', path: ['container'], message: 'an equipment event must name its container' });
    }
    if (e.container === undefined && e.transportDocument === undefined) {
      ctx.addIssue({ code: 'custom', path: ['transportDocument'], message: 'neither a container nor a transport document: the event is about nothing that can be found' });
    }
  });
export type TransportEvent = z.infer<typeof TransportEvent>;
export type TransportEventInput = z.input<typeof TransportEvent>;

/** What each field expects, for rejections. */
export const TRANSPORT_EVENT_EXPECTED: Readonly<Record<string, string>> = {
  eventId: 'the carrier\'s id of the event, 1 to 100 characters',
  carrier: 'the carrier\'s party id, 1 to 64 characters',
  eventType: 'EQUIPMENT or TRANSPORT',
  eventCode: `for EQUIPMENT one of ${EQUIPMENT_EVENT_CODES.join(', ')}; for TRANSPORT one of ${TRANSPORT_EVENT_CODES.join(', ')}`,
  eventClassifier: 'ACT, PLN or EST (default ACT)',
  eventDateTime: 'an ISO 8601 UTC date-time such as 2025-03-01T08:00:00Z',
  transportDocument: 'the bill of lading reference (needed when no container is named)',
  container: 'an ISO 6346 container number (needed by equipment events)',
  location: 'a UN/LOCODE such as NLRTM',
  seals: 'a list of seal numbers (text)',
  grossWeightKg: 'a number of kilograms >= 0',
  vessel: 'the vessel name or IMO number',
  voyage: 'the voyage number',
};
