import type { TelemetryReadingInput } from '../../domain/telemetry-reading.ts';
import type { TransportEventInput } from '../../domain/transport-event.ts';
import { createRandom, type Random } from './random.ts';
import type { GeneratedRow } from './row.ts';
import { containerNumber } from './transport.ts';

/**
 * What the carrier and the containers' devices report for generated sea and rail declarations with
 * containers: per consignment, LOAD of each container at the port of loading, the vessel's (or
 * train's) DEPA there and ARRI at the port of discharge, DISC of each container, with seals and cargo
 * gross weights consistent with the declared net mass; and per container, device readings at LOAD
 * and DISC (with the seal number) and a few positions in between. A seeded, small share of
 * consignments gets one planted discrepancy, and which one is listed, so that tests can check that
 * each is found and that nothing else is.
 */

export type PlantedKind = 'container-missing' | 'container-extra' | 'portOfLoading' | 'portOfDischarge' | 'weight' | 'date' | 'seal';
export const PLANTED_KINDS: readonly PlantedKind[] = ['container-missing', 'container-extra', 'portOfLoading', 'portOfDischarge', 'weight', 'date', 'seal'];

export interface PlantedDiscrepancy {
  readonly declarationId: string;
  readonly kind: PlantedKind;
  /** The discrepancy field the comparison should report. */
  readonly field: 'container' | 'portOfLoading' | 'portOfDischarge' | 'weight' | 'date' | 'seal';
  readonly container?: string;
}

export interface GeneratedMovements {
  readonly movements: TransportEventInput[];
  readonly telemetry: TelemetryReadingInput[];
  readonly planted: PlantedDiscrepancy[];
  /** Declarations that got carrier events. */
  readonly consignments: number;
}

export interface MovementOptions {
  readonly seed: string | number;
  /** Share of consignments with a planted discrepancy; default 0.05. */
  readonly discrepancyShare?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Transhipment hubs, used as the wrong port of a planted discrepancy. */
const OTHER_PORTS = ['SGSIN', 'AEJEA', 'MYPKG', 'LKCMB', 'EGPSD', 'BEANR', 'DEHAM'];

export function generateMovements(rows: Iterable<GeneratedRow>, opts: MovementOptions): GeneratedMovements {
  const rng = createRandom(`${opts.seed}/movements`);
  const share = opts.discrepancyShare ?? 0.05;
  const out: GeneratedMovements = { movements: [], telemetry: [], planted: [], consignments: 0 };
  for (const row of rows) {
    if ((row.mode_of_transport !== 1 && row.mode_of_transport !== 2) || row.container_numbers === '') continue;
    const plant = rng.bernoulli(share) ? rng.pick(PLANTED_KINDS) : undefined;
    consignment(rng, row, plant, out);
    (out as { consignments: number }).consignments += 1;
  }
  return out;
}

function consignment(rng: Random, row: GeneratedRow, plant: PlantedKind | undefined, out: GeneratedMovements): void {
  const id = row.declaration_id;
  const doc = row.transport_document;
  const carrier = row.mode_of_transport === 2 ? 'RAIL-CR' : doc.slice(0, 4);
  const declared = row.container_numbers.split(';');
  const other = (port: string) => rng.pick(OTHER_PORTS.filter((p) => p !== port));
  const pol = plant === 'portOfLoading' ? other(row.port_of_loading) : row.port_of_loading;
  const pod = plant === 'portOfDischarge' ? other(row.port_of_discharge) : row.port_of_discharge;
  const arri = Date.parse(row.filed_at) + rng.int(-24, 48) * HOUR;
  const load = arri - rng.int(12, 30) * DAY;
  const depa = load + rng.int(12, 36) * HOUR;
  const iso = (t: number) => new Date(t).toISOString();
  const vessel = row.mode_of_transport === 2 ? { } : { vessel: `${carrier} VESSEL ${rng.int(1, 40)}`, voyage: `${rng.int(100, 999)}W` };
  let carried = [...declared];
  if (plant === 'container-missing') carried = carried.slice(1);
  if (plant === 'container-extra') carried.push(containerNumber(rng, declared[0]!.slice(0, 4)));
  // Cargo gross weight: the declared net mass plus 3-12 % packaging, spread over the declared containers.
  let gross = row.net_mass_kg * rng.float(1.03, 1.12) + rng.int(0, 200);
  if (plant === 'weight') gross = rng.bernoulli(0.5) ? row.net_mass_kg * rng.float(0.4, 0.8) : row.net_mass_kg * rng.float(2.5, 4) + 1500;
  const perContainer = Math.round((gross / declared.length) * 10) / 10;
  const ev = (eventId: string, e: Partial<TransportEventInput>): TransportEventInput =>
    ({ eventId, carrier, eventType: 'EQUIPMENT', eventCode: 'LOAD', eventClassifier: 'ACT', eventDateTime: '', transportDocument: doc, location: pol, seals: [], ...vessel, ...e }) as TransportEventInput;
  out.movements.push(ev(`${id}-DEPA`, { eventType: 'TRANSPORT', eventCode: 'DEPA', eventDateTime: iso(depa), location: pol }));
  out.movements.push(ev(`${id}-ARRI`, { eventType: 'TRANSPORT', eventCode: 'ARRI', eventDateTime: iso(arri), location: pod }));
  carried.forEach((k, i) => {
    const seal = `${carrier.slice(0, 2)}${rng.digits(7)}`;
    const loadAt = load - rng.int(0, 12) * HOUR;
    const discAt = arri + rng.int(2, 20) * HOUR;
    const weight = plant === 'container-extra' && !declared.includes(k) ? rng.int(1000, 20000) : perContainer;
    out.movements.push(ev(`${id}-L${i}`, { container: k, eventDateTime: iso(loadAt), location: pol, seals: [seal], grossWeightKg: weight }));
    out.movements.push(ev(`${id}-D${i}`, { eventCode: 'DISC', container: k, eventDateTime: iso(discAt), location: pod, seals: [seal] }));
    if (plant === 'container-extra' && !declared.includes(k)) return;
    const device = `DEV-${k}`;
    const dateOff = plant === 'date' && i === 0 ? rng.int(30, 96) * HOUR : rng.int(-3, 3) * HOUR;
    const deviceSeal = plant === 'seal' && i === 0 ? `${carrier.slice(0, 2)}${rng.digits(7)}` : seal;
    const t = (suffix: string, r: Partial<TelemetryReadingInput>): TelemetryReadingInput => ({ eventId: `${device}-${id}-${suffix}`, deviceId: device, container: k, time: '', kind: 'position', ...r }) as TelemetryReadingInput;
    out.telemetry.push(t('LOAD', { time: iso(loadAt + rng.int(-2, 2) * HOUR), kind: 'seal', sealNumber: deviceSeal, sealState: 'intact', eventCode: 'LOAD', location: row.port_of_loading }));
    for (let p = 1; p <= 3; p++) out.telemetry.push(t(`P${p}`, { time: iso(loadAt + ((discAt - loadAt) * p) / 4), lat: rng.float(-40, 50), lon: rng.float(-20, 140) }));
    out.telemetry.push(t('DISC', { time: iso(discAt + dateOff), kind: 'seal', sealNumber: deviceSeal, sealState: 'intact', eventCode: 'DISC', location: row.port_of_discharge }));
  });
  if (plant === undefined) return;
  const container = plant === 'container-missing' ? declared[0] : plant === 'container-extra' ? carried[carried.length - 1] : ['date', 'seal'].includes(plant) ? carried[0] : undefined;
  const field = plant.startsWith('container') ? 'container' : (plant as PlantedDiscrepancy['field']);
  out.planted.push({ declarationId: id, kind: plant, field, ...(container === undefined ? {} : { container }) });
}
