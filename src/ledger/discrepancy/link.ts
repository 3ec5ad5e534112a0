import type { Declaration } from '../../domain/declaration.ts';
import type { TelemetryReading } from '../../domain/telemetry-reading.ts';
import type { TransportEvent } from '../../domain/transport-event.ts';

/** A record with the index of the ledger entry that records it (null when it is not in the ledger). */
export interface Recorded<T> {
  readonly record: T;
  readonly entry: number | null;
}

/** How far from the filing a record found only by its container may lie and still be about this consignment. */
export const LINK_WINDOW_DAYS = 60;
const DAY_MS = 86_400_000;

/**
 * Which of the candidate records are about a declaration's consignment. Containers are used again
 * and again, so a container alone is weak evidence:
 * - a carrier's event is linked when it names the declaration's transport document; or when it
 *   names a declared container, one of the two has no transport document, and it happened within
 *   LINK_WINDOW_DAYS of the filing (an event under another document is another consignment);
 * - a telemetry reading is linked when it is about a declared container or one the carrier reported
 *   for the consignment, within LINK_WINDOW_DAYS of the filing.
 */
export function linkRecords(
  declaration: Declaration,
  movements: readonly Recorded<TransportEvent>[],
  telemetry: readonly Recorded<TelemetryReading>[],
): { movements: Recorded<TransportEvent>[]; telemetry: Recorded<TelemetryReading>[] } {
  const filed = Date.parse(declaration.filedAt);
  const near = (t: string) => Math.abs(Date.parse(t) - filed) <= LINK_WINDOW_DAYS * DAY_MS;
  const declared = new Set(declaration.containers);
  const doc = declaration.transportDocument;
  const seen = new Set<string>();
  const linked = movements.filter(({ record: e }) => {
    if (seen.has(e.eventId)) return false;
    const byDocument = doc !== undefined && e.transportDocument === doc;
    const byContainer = e.container !== undefined && declared.has(e.container) && (doc === undefined || e.transportDocument === undefined) && near(e.eventDateTime);
    if (byDocument || byContainer) seen.add(e.eventId);
    return byDocument || byContainer;
  });
  const containers = new Set([...declared, ...linked.flatMap((m) => (m.record.container === undefined ? [] : [m.record.container]))]);
  const readings = new Set<string>();
  const linkedTelemetry = telemetry.filter(({ record: r }) => {
    const ok = !readings.has(r.eventId) && containers.has(r.container) && near(r.time);
    if (ok) readings.add(r.eventId);
    return ok;
  });
  return { movements: linked, telemetry: linkedTelemetry };
}
