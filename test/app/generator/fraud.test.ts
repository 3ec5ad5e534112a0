import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateRows } from '../../../src/app/generator/declarations.ts';
import { goodsByHs } from '../../../src/app/generator/goods.ts';
import { FRAUD_PATTERNS, type GeneratedRow } from '../../../src/app/generator/row.ts';
import { LOW_VALUE_EUR, USD_PER, type Currency } from '../../../src/app/generator/tariff.ts';

const rows = [...generateRows({ rows: 20_000, seed: 'fraud' })];
const withPattern = (p: string) => rows.filter((r) => r.fraud_pattern === p);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
/** Declared value per kg in USD, relative to the usual one of the declared HS code. */
const relativeUnitValue = (r: GeneratedRow): number =>
  (r.customs_value * USD_PER[r.currency as Currency]) / r.net_mass_kg / (goodsByHs(r.hs_code)?.usdPerKg ?? Number.NaN);

describe('planted fraud', () => {
  it('makes 3-15 % of rows illicit, about 1 % critical, and labels them consistently', () => {
    const illicit = rows.filter((r) => r.illicit === 1).length / rows.length;
    const critical = rows.filter((r) => r.critical === 1).length / rows.length;
    assert.ok(illicit >= 0.03 && illicit <= 0.15, `illicit ${illicit}`);
    assert.ok(critical >= 0.002 && critical <= 0.03, `critical ${critical}`);
    for (const r of rows) {
      assert.equal(r.illicit === 1, r.fraud_pattern !== '', r.declaration_id);
      if (r.critical === 1) assert.equal(r.illicit, 1, r.declaration_id);
      if (r.illicit === 0) assert.equal(r.revenue_recovered, 0, r.declaration_id);
      assert.ok(r.revenue_recovered >= 0);
    }
  });

  it('plants every pattern', () => {
    for (const p of FRAUD_PATTERNS) assert.ok(withPattern(p).length >= 20, `${p}: ${withPattern(p).length} rows`);
  });

  it('undervalued rows have a lower unit value than the norm and than honest rows', () => {
    const under = median(withPattern('undervaluation').map(relativeUnitValue));
    const honest = median(withPattern('').map(relativeUnitValue));
    assert.ok(under < 0.7, `undervalued median ${under} of the norm`);
    assert.ok(honest > 0.8 && honest < 1.25, `honest median ${honest} of the norm`);
  });

  it('evades duty in the revenue patterns', () => {
    for (const p of ['undervaluation', 'misclassification', 'false_origin', 'split_consignment']) {
      const found = withPattern(p);
      assert.ok(found.filter((r) => r.revenue_recovered > 0).length / found.length > 0.9, p);
    }
  });

  it('declares a false origin different from the country of departure', () => {
    for (const r of withPattern('false_origin')) assert.notEqual(r.origin_country, r.export_country, r.declaration_id);
    const honest = withPattern('');
    const mismatch = honest.filter((r) => r.origin_country !== r.export_country).length / honest.length;
    assert.ok(mismatch > 0 && mismatch < 0.1, `honest rows shipped from elsewhere than their origin: ${mismatch}`);
  });

  it('splits consignments into same-day express parcels under the low-value threshold', () => {
    const groups = new Map<string, GeneratedRow[]>();
    for (const r of withPattern('split_consignment')) {
      const key = `${r.importer_id}|${r.seller_id}|${r.filed_at.slice(0, 10)}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
      assert.equal(r.mode_of_transport, 4);
      assert.notEqual(r.courier_id, '');
      assert.equal(r.duty, 0);
      assert.ok(r.customs_value * USD_PER[r.currency as Currency] <= LOW_VALUE_EUR * USD_PER.EUR + 0.02, r.declaration_id);
    }
    for (const [key, group] of groups) assert.ok(group.length >= 2, `${key} has ${group.length} parcel`);
  });

  it('new-importer fraud comes from importers seen only for a few weeks', () => {
    const importers = new Set(withPattern('new_importer').map((r) => r.importer_id));
    for (const id of importers) {
      const days = rows.filter((r) => r.importer_id === id).map((r) => Date.parse(r.filed_at));
      assert.ok(Math.max(...days) - Math.min(...days) <= 45 * 86_400_000, id);
      assert.ok(rows.every((r) => r.importer_id !== id || r.importer_aeo === 0), `${id} is not AEO`);
    }
  });

  it('AEO importers commit less fraud', () => {
    const rate = (aeo: 0 | 1) => {
      const of = rows.filter((r) => r.importer_aeo === aeo);
      return of.filter((r) => r.illicit === 1).length / of.length;
    };
    assert.ok(rate(1) < rate(0), `AEO ${rate(1)}, others ${rate(0)}`);
  });
});
