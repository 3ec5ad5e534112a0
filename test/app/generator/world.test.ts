import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { checkCountry } from '../../../src/domain/identifiers/index.ts';
import { compileRowConverter, parseMapping } from '../../../src/app/intake/index.ts';
import { formatCsvRow, GENERATED_COLUMNS, generatedCsvLine } from '../../../src/app/generator/csv.ts';
import { generateRows } from '../../../src/app/generator/declarations.ts';
import { buildWorld, generateParties, partyCounts } from '../../../src/app/generator/world.ts';

describe('the generated world', () => {
  it('scales the number of parties with the rows, with caps', () => {
    const small = partyCounts(1000);
    const big = partyCounts(1_000_000);
    const huge = partyCounts(100_000_000);
    assert.ok(small.importers < big.importers && small.sellers < big.sellers);
    assert.deepEqual(partyCounts(1_000_000_000), huge, 'capped');
    assert.ok(huge.importers <= 3000 && huge.declarants <= 100 && huge.sellers <= 2500 && huge.flyByNights <= 400);
  });

  it('is the same for the same seed', () => {
    assert.deepEqual(generateParties(buildWorld({ seed: 7, rows: 5000 })), generateParties(buildWorld({ seed: 7, rows: 5000 })));
  });

  it('lists every party once, with roles and a country, and covers the parties of the rows', () => {
    const parties = generateParties(buildWorld({ seed: 'parties', rows: 5000 }));
    const byId = new Map(parties.map((p) => [p.id, p]));
    assert.equal(byId.size, parties.length, 'unique ids');
    for (const p of parties) {
      assert.ok(p.name.length > 0 && p.roles.length > 0, p.id);
      assert.ok(checkCountry(p.country).ok, p.country);
    }
    for (const r of generateRows({ rows: 5000, seed: 'parties' })) {
      assert.ok(byId.get(r.importer_id)?.roles.includes('importer'), r.importer_id);
      assert.ok(byId.get(r.seller_id)?.roles.includes('seller'), r.seller_id);
      assert.ok(byId.get(r.declarant_id)?.roles.includes('declarant'), r.declarant_id);
      if (r.courier_id !== '') assert.ok(byId.get(r.courier_id)?.roles.includes('courier'), r.courier_id);
      assert.equal(byId.get(r.importer_id)?.aeo, r.importer_aeo === 1);
    }
  });
});

describe('examples/mappings/generated.json', () => {
  it('reads generated rows into valid declarations', async () => {
    const mapping = parseMapping(JSON.parse(await readFile(new URL('../../../examples/mappings/generated.json', import.meta.url), 'utf8')));
    const header: readonly string[] = GENERATED_COLUMNS;
    const converter = compileRowConverter<string[]>(mapping, (column) => {
      const i = header.indexOf(column);
      return (row) => row[i];
    });
    const text = [formatCsvRow(header), ...[...generateRows({ rows: 800, seed: 'mapping' })].map(generatedCsvLine)].join('\n');
    const records = (parse(text) as string[][]).slice(1);
    for (const record of records) {
      const done = converter.finish([converter.read(record)]);
      assert.ok(done.ok, `${record[0]}: ${JSON.stringify(done.ok ? '' : done.problems)}`);
    }
  });
});
