import type { Declaration } from '../../domain/declaration.ts';
import type { TelemetryReading } from '../../domain/telemetry-reading.ts';
import type { TransportEvent } from '../../domain/transport-event.ts';
import type { Recorded } from './link.ts';

/**
 * Discrepancies across parties: what the declarant declared, what the carrier reported and what
 * the container's own device recorded, compared for one consignment (records already linked to it,
 * see link.ts). Pure: data in, findings out.
 *
 * Only the carrier's actual events (classifier ACT) count; planned and estimated ones say nothing
 * about what happened. When the carrier reported nothing for the consignment, nothing is compared:
 * a missing report is not a disagreement. The rules, in the order findings are listed:
 *
 * 1. container — a declared container the carrier never reported, and a container the carrier
 *    reported (under the declaration's transport document) that was not declared.
 * 2. portOfLoading — per container, the location of the carrier's earliest LOAD differs from the
 *    declared port of loading; when the carrier reported no LOAD at all, its earliest DEPA (vessel
 *    departure) is compared instead. (The earliest, so that a transhipment's later LOAD is no finding.)
 * 3. portOfDischarge — per container, the location of the latest DISC differs from the declared
 *    port of discharge; with no DISC at all, the latest ARRI.
 * 4. weight — the declared total net mass (sum of the goods items' net masses, when any is given)
 *    against the carrier's cargo gross weight (per container, the weight on its LOAD, else its latest
 *    weight; summed over the containers; compared only when every container has one). Gross weight
 *    includes packaging, pallets and dunnage but not the container's tare, so it may exceed the net
 *    mass, within a tolerance: flagged when net > gross, or when gross > 2 × net + 1000 kg
 *    (WEIGHT_FACTOR, WEIGHT_ALLOWANCE_KG). Exactly on either bound is no finding.
 * 5. date — per container, the time of the carrier's LOAD (earliest) or DISC (latest) and the
 *    nearest telemetry reading with the same event code are more than 24 hours apart
 *    (DATE_TOLERANCE_HOURS; exactly 24 hours is no finding).
 * 6. seal — per container, the seal numbers the carrier reported (on any of its events) and those
 *    the device reported differ, either way; compared only when both reported some.
 */

export type DiscrepancyField = 'container' | 'portOfLoading' | 'portOfDischarge' | 'weight' | 'date' | 'seal';
export type SideRole = 'declarant' | 'carrier' | 'telemetry';
export type SideValue = string | number | readonly string[] | null;

/** One party's account: who, in which role, what they said, and the records (with ledger entries) it rests on. */
export interface Side {
  readonly role: SideRole;
  readonly party: string;
  readonly value: SideValue;
  readonly records: readonly { readonly id: string; readonly entry: number | null }[];
}

export interface Discrepancy {
  readonly field: DiscrepancyField;
  /** The container the finding is about, when it is about one. */
  readonly container?: string;
  readonly sides: readonly [Side, Side];
  readonly message: string;
}

export interface ConsignmentRecords {
  readonly declaration: Declaration;
  /** The ledger entry of the filing (its latest `declaration.filed` or `.amended`), when there is one. */
  readonly declarationEntry: number | null;
  readonly movements: readonly Recorded<TransportEvent>[];
  readonly telemetry: readonly Recorded<TelemetryReading>[];
}

export const WEIGHT_FACTOR = 2;
export const WEIGHT_ALLOWANCE_KG = 1000;
export const DATE_TOLERANCE_HOURS = 24;
const HOUR_MS = 3_600_000;

type Ev = Recorded<TransportEvent>;
const ref = (m: Ev) => ({ id: m.record.eventId, entry: m.entry });
const tref = (t: Recorded<TelemetryReading>) => ({ id: t.record.eventId, entry: t.entry });
const time = (m: Ev) => Date.parse(m.record.eventDateTime);
const earliest = (ms: readonly Ev[]) => ms.reduce<Ev | undefined>((a, m) => (a === undefined || time(m) < time(a) ? m : a), undefined);
const latest = (ms: readonly Ev[]) => ms.reduce<Ev | undefined>((a, m) => (a === undefined || time(m) >= time(a) ? m : a), undefined);
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10;

export function compareConsignment(c: ConsignmentRecords): Discrepancy[] {
  const d = c.declaration;
  const events = c.movements.filter((m) => m.record.eventClassifier === 'ACT');
  if (events.length === 0) return [];
  const declarant = (value: SideValue): Side => ({ role: 'declarant', party: d.declarant ?? d.importer, value, records: [{ id: d.id, entry: c.declarationEntry }] });
  const carrier = (value: SideValue, ms: readonly Ev[]): Side => ({ role: 'carrier', party: ms[0]?.record.carrier ?? events[0]!.record.carrier, value, records: ms.map(ref) });

  const byContainer = new Map<string, Ev[]>();
  for (const m of events) if (m.record.container !== undefined) byContainer.set(m.record.container, [...(byContainer.get(m.record.container) ?? []), m]);
  const reported = [...byContainer.keys()].sort();
  const declared = [...new Set(d.containers)].sort();
  const out: Discrepancy[] = [];

  // 1. containers
  for (const k of declared) {
    if (!byContainer.has(k)) out.push({ field: 'container', container: k, sides: [declarant(k), carrier(null, [])], message: `container ${k} was declared but the carrier never reported it` });
  }
  for (const k of reported) {
    if (!declared.includes(k)) out.push({ field: 'container', container: k, sides: [declarant(null), carrier(k, byContainer.get(k)!)], message: `the carrier reported container ${k}, which was not declared` });
  }

  // 2, 3. ports
  const ports = (field: 'portOfLoading' | 'portOfDischarge', declaredPort: string | undefined, code: 'LOAD' | 'DISC', vessel: 'DEPA' | 'ARRI', pick: typeof earliest, what: string) => {
    if (declaredPort === undefined) return;
    const ofCode = events.filter((m) => m.record.eventCode === code);
    const chosen: { container?: string; m: Ev }[] = [];
    if (ofCode.length > 0) {
      for (const k of reported) {
        const m = pick(byContainer.get(k)!.filter((e) => e.record.eventCode === code));
        if (m !== undefined) chosen.push({ container: k, m });
      }
    } else {
      const m = pick(events.filter((e) => e.record.eventCode === vessel));
      if (m !== undefined) chosen.push({ m });
    }
    for (const { container, m } of chosen) {
      if (m.record.location === declaredPort) continue;
      out.push({
        field, ...(container === undefined ? {} : { container }), sides: [declarant(declaredPort), carrier(m.record.location, [m])],
        message: `${what} declared as ${declaredPort}, but the carrier reported ${m.record.eventCode}${container === undefined ? '' : ` of ${container}`} at ${m.record.location}`,
      });
    }
  };
  ports('portOfLoading', d.portOfLoading, 'LOAD', 'DEPA', earliest, 'port of loading');
  ports('portOfDischarge', d.portOfDischarge, 'DISC', 'ARRI', latest, 'port of discharge');

  // 4. weight
  const masses = d.items.flatMap((it) => (it.netMassKg === undefined ? [] : [it.netMassKg]));
  const gross = carrierGross(events, byContainer, reported);
  if (masses.length > 0 && gross !== undefined) {
    const net = masses.reduce((a, b) => a + b, 0);
    const problem = net > gross.kg ? 'exceeds' : gross.kg > WEIGHT_FACTOR * net + WEIGHT_ALLOWANCE_KG ? 'is far below' : undefined;
    if (problem !== undefined) {
      out.push({
        field: 'weight', sides: [declarant(net), carrier(gross.kg, gross.from)],
        message: `the declared net mass ${net} kg ${problem} the carrier's gross weight ${gross.kg} kg${problem === 'is far below' ? ` (more than ${WEIGHT_FACTOR} × net + ${WEIGHT_ALLOWANCE_KG} kg)` : ''}`,
      });
    }
  }

  // 5, 6. carrier against telemetry, per container
  const readings = new Map<string, Recorded<TelemetryReading>[]>();
  for (const t of c.telemetry) readings.set(t.record.container, [...(readings.get(t.record.container) ?? []), t]);
  for (const k of reported) {
    const ts = readings.get(k) ?? [];
    const ms = byContainer.get(k)!;
    for (const [code, pick] of [['LOAD', earliest], ['DISC', latest]] as const) {
      const m = pick(ms.filter((e) => e.record.eventCode === code));
      const candidates = ts.filter((t) => t.record.eventCode === code);
      if (m === undefined || candidates.length === 0) continue;
      const at = time(m);
      const nearest = candidates.reduce((a, t) => (Math.abs(Date.parse(t.record.time) - at) < Math.abs(Date.parse(a.record.time) - at) ? t : a));
      const gap = Math.abs(Date.parse(nearest.record.time) - at);
      if (gap > DATE_TOLERANCE_HOURS * HOUR_MS) {
        out.push({
          field: 'date', container: k,
          sides: [carrier(m.record.eventDateTime, [m]), { role: 'telemetry', party: nearest.record.deviceId, value: nearest.record.time, records: [tref(nearest)] }],
          message: `${code} of ${k}: the carrier reported ${m.record.eventDateTime}, the device ${nearest.record.time} (${hours(gap)} h apart, more than ${DATE_TOLERANCE_HOURS} h)`,
        });
      }
    }
    const carrierSeals = [...new Set(ms.flatMap((m) => m.record.seals))].sort();
    const sealReadings = ts.filter((t) => t.record.sealNumber !== undefined);
    const deviceSeals = [...new Set(sealReadings.map((t) => t.record.sealNumber!))].sort();
    if (carrierSeals.length > 0 && deviceSeals.length > 0 && carrierSeals.join('\u0000') !== deviceSeals.join('\u0000')) {
      const onlyCarrier = carrierSeals.filter((s) => !deviceSeals.includes(s));
      const onlyDevice = deviceSeals.filter((s) => !carrierSeals.includes(s));
      out.push({
        field: 'seal', container: k,
        sides: [carrier(carrierSeals, ms.filter((m) => m.record.seals.length > 0)), { role: 'telemetry', party: sealReadings[0]!.record.deviceId, value: deviceSeals, records: sealReadings.map(tref) }],
        message: `seals of ${k} differ:${onlyCarrier.length > 0 ? ` only the carrier reported ${onlyCarrier.join(', ')};` : ''}${onlyDevice.length > 0 ? ` only the device reported ${onlyDevice.join(', ')};` : ''}`.replace(/;$/, ''),
      });
    }
  }
  return out;
}

/** The carrier's cargo gross weight for the consignment and the events it comes from, or undefined when it did not report one for every container. */
function carrierGross(events: readonly Ev[], byContainer: ReadonlyMap<string, Ev[]>, containers: readonly string[]): { kg: number; from: Ev[] } | undefined {
  const weighed = (ms: readonly Ev[]) => ms.filter((m) => m.record.grossWeightKg !== undefined);
  if (containers.length === 0) {
    const m = latest(weighed(events));
    return m === undefined ? undefined : { kg: m.record.grossWeightKg!, from: [m] };
  }
  const from: Ev[] = [];
  for (const k of containers) {
    const ms = weighed(byContainer.get(k)!);
    const m = earliest(ms.filter((e) => e.record.eventCode === 'LOAD')) ?? latest(ms);
    if (m === undefined) return undefined;
    from.push(m);
  }
  return { kg: Math.round(from.reduce((a, m) => a + m.record.grossWeightKg!, 0) * 1000) / 1000, from };
}
