import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadMapping } from '../../../src/app/intake/load-mapping.ts';
import { attributeSpecs, parseMapping } from '../../../src/app/intake/mapping.ts';
import { PortcullisError } from '../../../src/domain/errors.ts';
import { tempDir, testMappingDoc } from '../../support/intake-fixtures.ts';

const KCS = fileURLToPath(new URL('../../../examples/mappings/kcs-synthetic.json', import.meta.url));

/** Runs parseMapping on a changed copy of the test mapping and returns the INVALID_MAPPING error. */
function mappingError(change: (doc: Record<string, unknown>, fields: Record<string, unknown>) => void): PortcullisError {
  const doc = testMappingDoc();
  change(doc, doc.fields as Record<string, unknown>);
  try {
    parseMapping(doc, 'my-mapping.json');
  } catch (e) {
    assert.ok(e instanceof PortcullisError, `expected a PortcullisError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_MAPPING');
    assert.ok(e.message.startsWith('my-mapping.json: '), e.message);
    return e;
  }
  return assert.fail('the mapping was accepted');
}

const fieldsOf = (e: PortcullisError) => e.details.map((d) => d.field);

describe('parseMapping', () => {
  it('accepts the shipped KCS mapping, with defaults filled in', async () => {
    const m = await loadMapping(KCS);
    assert.equal(m.version, 1);
    assert.equal(m.format, 'csv');
    assert.deepEqual(m.csv, { delimiter: ',', quote: '"' });
    assert.equal(m.groupItems, false);
    assert.deepEqual(m.fields['item.currency']?.const, 'KRW');
    assert.equal(m.fields['item.hsCode']?.pad, 6);
    assert.deepEqual(m.fields.exportCountry?.null, ['ZZ']);
    assert.equal(m.fields.filedAt?.type, 'date');
    assert.equal(m.fields.id?.type, 'string');
    assert.equal(m.labels.critical?.equals, '2');
    assert.deepEqual(Object.keys(attributeSpecs(m)).sort(), ['importType', 'importUse', 'originIndicator', 'paymentType', 'processType', 'taxType']);
  });

  it('accepts the test mapping and reads attributes given as a plain list', () => {
    const doc = testMappingDoc();
    doc.attributes = ['note', 'Tax Type'];
    const m = parseMapping(doc);
    const specs = attributeSpecs(m);
    assert.deepEqual(Object.keys(specs), ['note', 'Tax Type']);
    assert.deepEqual([specs.note?.column, specs.note?.type], ['note', 'string']);
    assert.deepEqual([specs['Tax Type']?.column, specs['Tax Type']?.type], ['Tax Type', 'string']);
  });

  it('names an unknown canonical field and lists the known ones', () => {
    const e = mappingError((_, f) => (f.importerName = { column: 'x' }));
    assert.deepEqual(fieldsOf(e), ['fields.importerName']);
    assert.match(e.details[0]!.problem, /unknown canonical field "importerName"; expected one of id, filedAt/);
  });

  for (const missing of ['id', 'filedAt', 'customsOffice', 'importer', 'item.hsCode', 'item.customsValue', 'item.currency']) {
    it(`names the required field ${missing} when it is not mapped`, () => {
      const e = mappingError((_, f) => delete f[missing]);
      assert.deepEqual(fieldsOf(e), [`fields.${missing}`]);
      assert.equal(e.details[0]!.problem, `required field "${missing}" is not mapped`);
    });
  }

  it('refuses a field with both column and const, or with neither', () => {
    const both = mappingError((_, f) => (f.customsOffice = { column: 'office', const: '030' }));
    assert.deepEqual(fieldsOf(both), ['fields.customsOffice']);
    assert.match(both.details[0]!.problem, /either "column" or "const"/);
    const neither = mappingError((_, f) => (f.customsOffice = { type: 'string' }));
    assert.deepEqual(fieldsOf(neither), ['fields.customsOffice']);
  });

  it('names a bad type value with its path', () => {
    const e = mappingError((_, f) => (f.filedAt = { column: 'filed', type: 'timestamp' }));
    assert.deepEqual(fieldsOf(e), ['fields.filedAt.type']);
    assert.match(e.details[0]!.problem, /"date"/);
  });

  it('names an unknown key inside a field spec', () => {
    const e = mappingError((_, f) => (f.importer = { column: 'importer', colum: 'typo' }));
    assert.deepEqual(fieldsOf(e), ['fields.importer']);
    assert.match(e.details[0]!.problem, /colum/);
  });

  it('names bad values of the other field options', () => {
    assert.deepEqual(fieldsOf(mappingError((_, f) => (f['item.customsValue'] = { column: 'value', type: 'number', decimal: ';' }))), ['fields.item.customsValue.decimal']);
    assert.deepEqual(fieldsOf(mappingError((_, f) => (f.filedAt = { column: 'filed', type: 'date', utcOffset: 'KST' }))), ['fields.filedAt.utcOffset']);
    assert.deepEqual(fieldsOf(mappingError((_, f) => (f['item.hsCode'] = { column: 'hs', pad: 0 }))), ['fields.item.hsCode.pad']);
  });

  it('names an unknown label, a wrong version, a wrong format and an unknown top-level key', () => {
    assert.deepEqual(fieldsOf(mappingError((d) => (d.labels = { fraud: { column: 'fraud' } }))), ['labels']);
    assert.deepEqual(fieldsOf(mappingError((d) => (d.version = 2))), ['version']);
    assert.deepEqual(fieldsOf(mappingError((d) => (d.format = 'xlsx'))), ['format']);
    assert.deepEqual(fieldsOf(mappingError((d) => (d.colums = {}))), ['(root)']);
    assert.deepEqual(fieldsOf(mappingError((d) => (d.csv = { delimiter: ',', quote: "''" }))), ['csv.quote']);
  });

  it('refuses a document that is not an object', () => {
    try {
      parseMapping([]);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof PortcullisError);
      assert.equal(e.code, 'INVALID_MAPPING');
      assert.equal(e.details[0]!.field, '(root)');
    }
  });

  it('loadMapping turns an unreadable file and bad JSON into INVALID_MAPPING', async () => {
    const tmp = tempDir();
    try {
      await assert.rejects(loadMapping(tmp.path('absent.json')), (e) => e instanceof PortcullisError && e.code === 'INVALID_MAPPING');
      const bad = tmp.write('bad.json', '{"version": 1,');
      await assert.rejects(loadMapping(bad), (e) => e instanceof PortcullisError && e.code === 'INVALID_MAPPING' && e.message.includes('is not valid JSON'));
      const bom = tmp.write('bom.json', `\uFEFF${JSON.stringify(testMappingDoc())}`);
      assert.equal((await loadMapping(bom)).name, 'intake test export');
    } finally {
      tmp.cleanup();
    }
  });

  it('names a date format without YYYY/MM/DD', () => {
    const e = mappingError((_, f) => (f.filedAt = { column: 'filed', type: 'date', format: 'DD/MM' }));
    assert.deepEqual(fieldsOf(e), ['fields.filedAt.format']);
  });

  it('accepts "delimiter": "auto" written out', () => {
    const doc = testMappingDoc();
    doc.csv = { delimiter: 'auto', quote: '"' };
    assert.equal(parseMapping(doc).csv.delimiter, 'auto');
  });

  it('accepts the delimiters , ; tab and |', () => {
    for (const delimiter of [',', ';', '\t', '|']) {
      const doc = testMappingDoc();
      doc.csv = { delimiter };
      assert.equal(parseMapping(doc).csv.delimiter, delimiter);
    }
  });

  // Worth knowing (zod skips the refinements when a field spec fails): today a mapping with a bad
  // type AND an unknown field reports only the type, so fixing one error can reveal another.
  it('reports a schema error even when a field name is also wrong', () => {
    const e = mappingError((_, f) => {
      f.filedAt = { column: 'filed', type: 'timestamp' };
      f.bogus = { column: 'x' };
    });
    assert.ok(fieldsOf(e).includes('fields.filedAt.type'), JSON.stringify(e.details));
  });
});
