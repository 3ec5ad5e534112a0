import { trueRate } from './fraud.ts';
import { MODE_CODE } from './places.ts';
import type { Random } from './random.ts';
import type { FraudPattern, GeneratedRow } from './row.ts';
import type { Consignment } from './shipment.ts';
import { airWaybill, courierWaybill, postalItemId, roadConsignmentNote, seaShipment } from './transport.ts';
import { appliedRate, dutyOf, fromUsd, round2, USD_PER, usdToEur } from './tariff.ts';
import type { World } from './world.ts';

/**
 * Turns a consignment into the declaration row a broker would file for it: codes and documents as
 * declared, duty assessed on the declared facts, and the labels an inspection would produce (duty
 * evaded is what the true facts owe beyond what was assessed).
 */

/** An illicit finding is critical when prohibited goods were hidden or this much duty was evaded. */
const CRITICAL_EUR = 12000;

function transportDocuments(rng: Random, c: Consignment): { document: string; containers: string } {
  switch (c.mode) {
    case 'sea':
    case 'rail':
      return seaShipment(rng, Math.max(1, c.containers), c.mode === 'rail');
    case 'road':
      return { document: roadConsignmentNote(rng, c.exportCountry.code), containers: '' };
    case 'air':
      return { document: airWaybill(rng), containers: '' };
    case 'express':
      return { document: courierWaybill(rng, c.courier?.prefix ?? 'EXP'), containers: '' };
    case 'post':
      return { document: postalItemId(rng, c.exportCountry.code), containers: '' };
  }
}

function describe(text: string, style: string): string {
  if (style === 'upper') return text.toUpperCase();
  if (style === 'short') return text.split(/[,(]/, 1)[0]?.trim() || text;
  return text;
}

export function assemble(world: World, rng: Random, c: Consignment, id: string, filedAt: string, pattern: FraudPattern | ''): GeneratedRow {
  const d = c.declared;
  const currency = c.seller.currency;
  const value = Math.max(0.01, round2(fromUsd(d.valueUsd, currency)));
  const rate = appliedRate(d.goods, d.origin, d.valueUsd);
  const duty = dutyOf(value, rate);
  let revenue = 0;
  if (pattern !== '' && !c.prohibited) {
    revenue = Math.max(0, round2(dutyOf(fromUsd(c.truth.valueUsd, currency), trueRate(c)) - duty));
  }
  const critical = pattern !== '' && (c.prohibited || usdToEur(revenue * USD_PER[currency]) >= CRITICAL_EUR);
  const { document, containers } = transportDocuments(rng, c);
  const fullCodes = c.declarant?.fullCodes ?? rng.bernoulli(0.5);
  const codes = world.tariffCodes[d.goods.index];
  return {
    declaration_id: id,
    filed_at: filedAt,
    customs_office: c.office.code,
    declarant_id: c.declarant?.id ?? c.courier?.id ?? '',
    importer_id: c.importer.id,
    seller_id: c.seller.id,
    courier_id: c.courier?.id ?? '',
    export_country: c.exportCountry.code,
    mode_of_transport: MODE_CODE[c.mode],
    transport_document: document,
    container_numbers: containers,
    port_of_loading: c.portOfLoading,
    port_of_discharge: c.office.port,
    hs_code: fullCodes && codes !== undefined ? rng.pick(codes) : d.goods.hs6,
    description: describe(d.goods.description, c.declarant?.style ?? 'catalogue'),
    origin_country: d.origin.code,
    quantity: d.quantity,
    quantity_unit: d.goods.unit,
    net_mass_kg: d.netMassKg,
    customs_value: value,
    currency,
    tax_rate: rate,
    duty,
    incoterm: c.incoterm,
    payment_type: pattern !== '' && rng.bernoulli(0.25) ? 'cash_in_advance' : c.payment,
    importer_aeo: c.importer.aeo ? 1 : 0,
    illicit: pattern === '' ? 0 : 1,
    critical: critical ? 1 : 0,
    revenue_recovered: revenue,
    fraud_pattern: pattern,
  };
}
