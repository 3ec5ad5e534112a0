import { containerCheckDigit } from '../../domain/identifiers/index.ts';
import type { Random } from './random.ts';

/**
 * Transport identifiers with their real shapes and check digits: ISO 6346 container numbers,
 * ocean bills of lading, IATA air waybills (mod 7), UPU S10 postal item ids (mod 11), courier
 * waybills, CMR road consignment notes and rail consignment notes.
 */

export function containerNumber(rng: Random, ownerPrefix: string): string {
  const first10 = ownerPrefix + rng.digits(6);
  return first10 + String(containerCheckDigit(first10));
}

/** Ocean carriers: SCAC code (bill of lading prefix) and the container owner prefixes they use. */
export const SEA_CARRIERS: readonly (readonly [scac: string, owners: readonly string[]])[] = [
  ['MAEU', ['MSKU', 'MRKU', 'MAEU']],
  ['MEDU', ['MSCU', 'MEDU', 'MSMU']],
  ['CMDU', ['CMAU', 'TGHU', 'ECMU']],
  ['HLCU', ['HLXU', 'HLBU']],
  ['COSU', ['CSNU', 'CBHU', 'FCIU']],
  ['ONEY', ['ONEU', 'TCLU']],
  ['EGLV', ['EGHU', 'EISU', 'EMCU']],
  ['OOLU', ['OOLU', 'OOCU']],
];

/** Containers and the bill of lading of one sea (or rail) shipment. */
export function seaShipment(rng: Random, containers: number, rail: boolean): { document: string; containers: string } {
  const [scac, owners] = rng.pick(SEA_CARRIERS);
  const numbers: string[] = [];
  for (let i = 0; i < containers; i++) numbers.push(containerNumber(rng, rng.pick(owners)));
  const document = rail ? `SMGS${rng.digits(8)}` : `${scac}${rng.digits(9)}`;
  return { document, containers: numbers.join(';') };
}

/** IATA airline prefixes of cargo carriers. */
const AIRLINE_PREFIXES = ['020', '057', '074', '160', '176', '180', '235', '297', '618', '784', '999', '131', '157'];

/** An IATA air waybill: airline prefix, 7-digit serial and its mod-7 check digit. */
export function airWaybill(rng: Random): string {
  const serial = rng.digits(7);
  return `${rng.pick(AIRLINE_PREFIXES)}-${serial}${Number(serial) % 7}`;
}

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/** The UPU S10 check digit of an 8-digit serial. */
export function s10CheckDigit(serial: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (serial.charCodeAt(i) - 48) * (S10_WEIGHTS[i] as number);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/** A UPU S10 postal item identifier, e.g. CP123456785CN. */
export function postalItemId(rng: Random, originCountry: string): string {
  const serial = rng.digits(8);
  return `${rng.pick(['CP', 'LX', 'RR', 'EE'])}${serial}${s10CheckDigit(serial)}${originCountry}`;
}

export function courierWaybill(rng: Random, prefix: string): string {
  return `${prefix}${rng.digits(10)}`;
}

export function roadConsignmentNote(rng: Random, country: string): string {
  return `CMR${country}${rng.digits(7)}`;
}
