import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { checkContainerNumber, checkCountry, checkCurrency, checkHsCode, checkUnLocode } from '../../../src/domain/identifiers/index.ts';
import { GENERATED_COLUMNS } from '../../../src/app/generator/csv.ts';
import { generateRows } from '../../../src/app/generator/declarations.ts';
import type { GeneratedRow } from '../../../src/app/generator/row.ts';

const rowsOf = (seed: string | number, rows: number, more: { start?: string; days?: number } = {}): GeneratedRow[] => [
  ...generateRows({ rows, seed, ...more }),
];
const sample = rowsOf('declarations', 4000);

describe('generateRows', () => {
  it('gives identical rows for the same seed and different rows for another', () => {
    // Compared as JSON text: deepEqual on thousands of objects is slow.
    assert.equal(JSON.stringify(rowsOf('declarations', 4000)), JSON.stringify(sample));
    const other = rowsOf('another seed', 4000);
    assert.equal(other.length, 4000);
    assert.notDeepEqual(other.slice(0, 50), sample.slice(0, 50));
  });

  it('gives exactly the number of rows asked for, with unique ids', () => {
    assert.equal(sample.length, 4000);
    assert.equal(new Set(sample.map((r) => r.declaration_id)).size, 4000);
    assert.equal(rowsOf('none', 0).length, 0);
    assert.equal(rowsOf('one', 1).length, 1);
  });

  it('has every column as a key, in column order', () => {
    for (const r of sample.slice(0, 100)) assert.deepEqual(Object.keys(r), [...GENERATED_COLUMNS]);
  });

  it('files in time order within the period, as ISO 8601 UTC', () => {
    const rows = rowsOf('period', 2000, { start: '2024-03-01', days: 30 });
    let previous = '';
    for (const r of rows) {
      assert.match(r.filed_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.ok(r.filed_at >= previous, `${r.filed_at} after ${previous}`);
      previous = r.filed_at;
    }
    assert.ok((rows[0]?.filed_at ?? '') >= '2024-03-01T00:00:00Z');
    assert.ok(previous < '2024-03-31T00:00:00Z');
  });

  it('uses valid identifiers: container numbers, HS codes, countries, UN/LOCODEs, currencies', () => {
    let containers = 0;
    for (const r of sample) {
      for (const c of r.container_numbers === '' ? [] : r.container_numbers.split(';')) {
        containers++;
        assert.ok(checkContainerNumber(c).ok, `${r.declaration_id}: container ${c}`);
      }
      assert.ok(checkHsCode(r.hs_code).ok, r.hs_code);
      assert.match(r.hs_code, /^\d{6}(\d{4})?$/);
      const chapter = Number(r.hs_code.slice(0, 2));
      assert.ok(chapter >= 1 && chapter <= 97 && chapter !== 77, r.hs_code);
      for (const c of [r.export_country, r.origin_country]) {
        assert.match(c, /^[A-Z]{2}$/);
        assert.ok(checkCountry(c).ok, c);
      }
      assert.ok(checkUnLocode(r.port_of_loading).ok, r.port_of_loading);
      assert.ok(checkUnLocode(r.port_of_discharge).ok, r.port_of_discharge);
      assert.ok(checkCurrency(r.currency).ok, r.currency);
    }
    assert.ok(containers > 800, `${containers} container numbers checked`);
  });

  it('assesses duty as value × rate / 100, rounded to cents', () => {
    for (const r of sample) {
      assert.ok(r.customs_value > 0 && r.tax_rate >= 0 && r.duty >= 0, r.declaration_id);
      assert.ok(Math.abs(r.duty - (r.customs_value * r.tax_rate) / 100) <= 0.005 + 1e-9, `${r.declaration_id}: ${r.duty}`);
    }
  });

  it('gives containers to sea and rail only, couriers to express air only', () => {
    for (const r of sample) {
      if (r.container_numbers !== '') assert.ok(r.mode_of_transport === 1 || r.mode_of_transport === 2, r.declaration_id);
      if (r.mode_of_transport === 1) assert.notEqual(r.container_numbers, '', r.declaration_id);
      if (r.courier_id !== '') assert.equal(r.mode_of_transport, 4, r.declaration_id);
      assert.ok([1, 2, 3, 4, 5].includes(r.mode_of_transport));
    }
    assert.ok(sample.some((r) => r.courier_id !== ''), 'some express consignments');
  });

  it('refuses bad options with INVALID_INPUT before the first row', () => {
    for (const bad of [{ rows: -1 }, { rows: 1.5 }, { rows: 10, days: 0 }, { rows: 10, start: '2025-13-01' }]) {
      assert.throws(
        () => generateRows({ seed: 's', ...bad }),
        (e: unknown) => isPortcullisError(e) && e.code === 'INVALID_INPUT',
        JSON.stringify(bad),
      );
    }
  });
});
