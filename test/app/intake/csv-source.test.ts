import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadMapping } from '../../../src/app/intake/load-mapping.ts';
import { parseMapping } from '../../../src/app/intake/mapping.ts';
import { PortcullisError } from '../../../src/domain/errors.ts';
import { declarationsRepo, ingestRunsRepo, type StoreAdapter } from '../../../src/store/index.ts';
import {
  BAD_CONTAINER,
  COLUMNS,
  CONTAINERS,
  csvText,
  ingest,
  readRejects,
  testMapping,
  testRow,
  withStore,
  type TempDir,
} from '../../support/intake-fixtures.ts';

const KCS = fileURLToPath(new URL('../../../examples/mappings/kcs-synthetic.json', import.meta.url));

const stats = (store: StoreAdapter) => declarationsRepo(store.db).stats();
const get = async (store: StoreAdapter, id: string) => (await declarationsRepo(store.db).get(id))?.declaration;

describe('CSV intake: reading the file', () => {
  it(
    'guesses ";", reads quoted fields with the delimiter, line breaks and quotes inside, a BOM and CRLF',
    withStore(async (store, tmp) => {
      const rows = [
        [...COLUMNS],
        testRow(1, { containers: `${CONTAINERS[0]};${CONTAINERS[1]}`, note: 'fragile; "handle with care"\r\nsecond line' }),
        testRow(2, { importer: 'Acme; Sons "Ltd"', note: 'plain' }),
        testRow(3),
      ];
      const file = tmp.write('semi.csv', `\uFEFF${csvText(rows, ';', '\r\n')}`);
      assert.ok(readFileSync(file, 'utf8').includes('"CSQU3054383;MSKU9070323"'), 'the test file quotes the embedded delimiter');
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.rejected, s.duplicates], [3, 3, 0, 0]);
      assert.equal(s.rejectFile, null);
      assert.equal(existsSync(tmp.path('rejects.csv')), false, 'a clean intake leaves no reject file');
      assert.equal(s.files[0]!.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
      const d1 = await get(store, 'D000001');
      assert.deepEqual(d1?.containers, [CONTAINERS[0], CONTAINERS[1]]);
      assert.equal(d1?.attributes.note, 'fragile; "handle with care"\r\nsecond line');
      assert.equal(d1?.id, 'D000001', 'the BOM is not part of the first header name');
      assert.equal((await get(store, 'D000002'))?.importer, 'Acme; Sons "Ltd"');
      const stored = await declarationsRepo(store.db).get('D000001');
      assert.equal(stored?.source, 'semi.csv#1');
      assert.equal((await stats(store)).declarations, 3);
    }),
  );

  // A spreadsheet's "CSV UTF-8" export: a BOM and every header name quoted.
  it(
    'reads a BOM followed by a quoted first header name',
    withStore(async (store, tmp) => {
      const quoted = (r: readonly string[]) => r.map((c) => `"${c}"`).join(',');
      const file = tmp.write('excel.csv', `\uFEFF${quoted(COLUMNS)}\r\n${quoted(testRow(1))}\r\n`);
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted], [1, 1]);
    }),
  );

  it(
    'guesses a tab and "|" as well',
    withStore(async (store, tmp) => {
      for (const [name, d] of [['tab.tsv', '\t'], ['pipe.csv', '|']] as const) {
        const file = tmp.write(name, csvText([[...COLUMNS], testRow(name.length), testRow(name.length + 100)], d));
        const s = await ingest(store, [file], testMapping(), tmp.path(`${name}.rejects.csv`));
        assert.equal(s.accepted, 2, name);
      }
    }),
  );

  it(
    'maps Korean header names, matching case and spaces loosely',
    withStore(async (store, tmp) => {
      const header = ['신고번호', '신고일자', '세관부호', ' 수입자 ', '품목번호', '원산지', '과세가격', '관세율', 'Fraud'];
      const file = tmp.write('ko.csv', csvText([header, ['KR-001', '2021-03-04', '030', '수입자A', '71080', 'cn', '1000000', '8', '1'], ['KR-002', '2021-03-05', '040', '수입자B', '847130', 'ZZ', '250000', '0', '0']]));
      const mapping = parseMapping({
        version: 1,
        fields: {
          id: { column: '신고번호' },
          filedAt: { column: '신고일자', type: 'date', format: 'YYYY-MM-DD', utcOffset: '+09:00' },
          customsOffice: { column: '세관부호' },
          importer: { column: '수입자' },
          'item.hsCode': { column: '품목번호', pad: 6 },
          'item.originCountry': { column: '원산지', null: ['ZZ'], upper: true },
          'item.customsValue': { column: '과세가격', type: 'number' },
          'item.currency': { const: 'KRW' },
          'item.taxRate': { column: '관세율', type: 'number' },
        },
        labels: { illicit: { column: 'fraud', equals: '1' } },
      });
      const s = await ingest(store, [file], mapping, tmp.path('rejects.csv'));
      assert.deepEqual([s.accepted, s.rejected], [2, 0]);
      const d = (await declarationsRepo(store.db).get('KR-001'))!;
      assert.equal(d.declaration.importer, '수입자A');
      assert.equal(d.declaration.filedAt, '2021-03-03T15:00:00.000Z');
      assert.deepEqual(d.declaration.items[0], { sequence: 1, hsCode: '071080', originCountry: 'CN', customsValue: 1000000, currency: 'KRW', taxRate: 8, duty: 80000 });
      assert.deepEqual(d.labels, { illicit: true });
      assert.equal((await get(store, 'KR-002'))?.items[0]?.originCountry, undefined);
    }),
  );

  it(
    'maps French header names with ";", decimal "," and a local date-time',
    withStore(async (store, tmp) => {
      const header = ['Numéro de déclaration', 'Date de dépôt', 'Bureau', 'Importateur', 'Code SH', "Pays d'expédition", 'Valeur en douane (EUR, hors taxes)', 'Régime'];
      const file = tmp.write(
        'fr.csv',
        csvText(
          [
            header,
            ['FR-1', '04/03/2021 09:30', 'FR000730', 'Société Générale d’Import', '8471.30', 'cn', '12 345,67', '40'],
            ['FR-2', '31/12/2021 00:15', 'FR000730', 'Dupont & Fils', '9403', 'DE', '1 000,00', '40'],
          ],
          ';',
        ),
      );
      const mapping = parseMapping({
        version: 1,
        fields: {
          id: { column: 'Numéro de déclaration' },
          filedAt: { column: 'Date de dépôt', type: 'datetime', format: 'DD/MM/YYYY HH:mm', utcOffset: '+01:00' },
          customsOffice: { column: 'Bureau' },
          importer: { column: 'Importateur' },
          exportCountry: { column: "Pays d'expédition", upper: true },
          'item.hsCode': { column: 'Code SH' },
          'item.customsValue': { column: 'Valeur en douane (EUR, hors taxes)', type: 'number', decimal: ',', thousands: ' ' },
          'item.currency': { const: 'EUR' },
        },
        attributes: { regime: { column: 'Régime', type: 'integer' } },
      });
      const s = await ingest(store, [file], mapping, tmp.path('rejects.csv'));
      assert.deepEqual([s.accepted, s.rejected], [1, 1]);
      const fr1 = await get(store, 'FR-1');
      assert.equal(fr1?.filedAt, '2021-03-04T08:30:00.000Z');
      assert.equal(fr1?.exportCountry, 'CN');
      assert.deepEqual(fr1?.items[0], { sequence: 1, hsCode: '847130', customsValue: 12345.67, currency: 'EUR' });
      assert.deepEqual(fr1?.attributes, { regime: 40 });
      // "9403" has four digits: refused, naming the French column.
      const [r] = readRejects(tmp.path('rejects.csv'));
      assert.equal(r?.row, '2');
      assert.equal(r?.declaration_id, 'FR-2');
      assert.equal(r?.field, 'item.hsCode');
      assert.equal(r?.column, 'Code SH');
      assert.equal(r?.value, '9403');
      assert.equal(r?.problem, 'has 4 digits, not 6 to 10');
    }),
  );

  it(
    'ingests a KCS-style file with the shipped mapping',
    withStore(async (store, tmp) => {
      const header = [
        'Declaration ID', 'Date', 'Office ID', 'Process Type', 'Import Type', 'Import Use', 'Payment Type', 'Mode of Transport', 'Declarant ID', 'Importer ID',
        'Seller ID', 'Courier ID', 'HS6 Code', 'Country of Departure', 'Country of Origin', 'Tax Rate', 'Tax Type', 'Country of Origin Indicator', 'Net Mass', 'Item Price', 'Fraud', 'Critical Fraud',
      ];
      const file = tmp.write(
        'df_syn_test_eng.csv',
        csvText([
          header,
          ['97061800', '2020-01-01', '30', 'B', '11', '21', '11', '10', 'ZZR1LT6', 'QLRUBN9', 'BHAD6C0', '', '71080', 'ZZ', 'CN', '8.0', 'A', 'G', '0.1', '1234567', '1', '2'],
          ['85945189', '2020-02-29', '40', 'B', '11', '21', '11', '40', 'CD2BS3M', '39S3S1N', 'OBK9ZU3', 'UNNCNUT', '854231', 'KR', 'zz', '0.0', 'FEU1', 'B', '19.6', '99000', '0', '0'],
          ['11111111', '2020-02-30', '40', 'B', '11', '21', '11', '40', 'CD2BS3M', '39S3S1N', 'OBK9ZU3', '', '854231', 'KR', 'KR', '0.0', 'A', 'B', '1', '1', '1', '1'],
        ]),
      );
      const s = await ingest(store, [file], await loadMapping(KCS), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.rejected], [3, 2, 1]);
      const a = (await declarationsRepo(store.db).get('97061800'))!;
      assert.equal(a.declaration.exportCountry, undefined, '"ZZ" reads as absent');
      assert.equal(a.declaration.courier, undefined);
      assert.deepEqual(a.declaration.items[0], { sequence: 1, hsCode: '071080', originCountry: 'CN', netMassKg: 0.1, customsValue: 1234567, currency: 'KRW', taxRate: 8, duty: 98765.36 });
      assert.deepEqual(a.labels, { illicit: true, critical: true });
      assert.deepEqual(a.declaration.attributes, { processType: 'B', importType: '11', importUse: '21', paymentType: '11', taxType: 'A', originIndicator: 'G' });
      const b = (await declarationsRepo(store.db).get('85945189'))!;
      assert.equal(b.declaration.filedAt, '2020-02-29T00:00:00.000Z');
      assert.equal(b.declaration.items[0]?.originCountry, undefined);
      assert.deepEqual(b.labels, { illicit: false, critical: false });
      const [r] = readRejects(tmp.path('rejects.csv'));
      assert.deepEqual([r?.row, r?.field, r?.column, r?.value, r?.expected], ['3', 'filedAt', 'Date', '2020-02-30', 'a valid YYYY-MM-DD date']);
      const st = await stats(store);
      assert.deepEqual([st.declarations, st.labelled, st.illicit, st.critical], [2, 2, 1, 1]);
    }),
  );
});

/** Six planted bad rows among three good ones; the last line is cut inside a quoted field. */
function plantedFile(tmp: TempDir, name = 'planted.csv'): string {
  const good = (i: number) => testRow(i);
  const lines = csvText([
    [...COLUMNS],
    good(1),
    testRow(2, { value: 'lots' }),
    good(3),
    testRow(4, { filed: '31/04/2021' }),
    testRow(5, { export_country: 'C9' }),
    testRow(6, { containers: `${CONTAINERS[1]};${BAD_CONTAINER}` }),
    ['D000007', '01/03/2021', '030'],
    good(8),
  ]);
  return tmp.write(name, `${lines}D000009,01/03/2021,030,IMP9,CN,"${CONTAINERS[0]};MSKU90`);
}

describe('CSV intake: bad rows', () => {
  it(
    'accepts the good rows and lists each bad one with its row, field, problem and expectation',
    withStore(async (store, tmp) => {
      const file = plantedFile(tmp);
      const progress: number[] = [];
      const s = await ingest(store, [file], testMapping(), tmp.path('out/rejects.csv'), { onProgress: (p) => progress.push(p.rows) });
      assert.deepEqual([s.rows, s.accepted, s.rejected, s.duplicates], [9, 3, 6, 0]);
      assert.deepEqual(s.files.map((f) => f.rolledBack), [false]);
      assert.equal(s.rejectFile, tmp.path('out/rejects.csv'));
      assert.equal(progress.at(-1), 9);

      const rejects = readRejects(tmp.path('out/rejects.csv'));
      assert.deepEqual(
        rejects.map((r) => [r.file, r.row, r.declaration_id, r.field, r.column, r.value]),
        [
          ['planted.csv', '2', 'D000002', 'item.customsValue', 'value', 'lots'],
          ['planted.csv', '4', 'D000004', 'filedAt', 'filed', '31/04/2021'],
          ['planted.csv', '5', 'D000005', 'exportCountry', 'export_country', 'C9'],
          ['planted.csv', '6', 'D000006', 'containers', 'containers', BAD_CONTAINER],
          ['planted.csv', '7', 'D000007', '(row)', '', ''],
          // The truncated row may or may not yield an id, depending on the CSV parser.
          ['planted.csv', '9', rejects[5]?.declaration_id === 'D000009' ? 'D000009' : '', '(row)', '', ''],
        ],
      );
      const byRow = new Map(rejects.map((r) => [r.row, r]));
      assert.deepEqual([byRow.get('2')?.problem, byRow.get('2')?.expected], ['"lots" is not a number', 'a number with "." as decimal separator']);
      assert.deepEqual([byRow.get('4')?.problem, byRow.get('4')?.expected], ['"31/04/2021" is not a real date or time', 'a valid DD/MM/YYYY date']);
      assert.match(byRow.get('5')?.problem ?? '', /"C9" is not an ISO 3166-1 alpha-2 country code/);
      assert.match(byRow.get('5')?.expected ?? '', /ISO 3166-1 alpha-2/);
      assert.equal(byRow.get('6')?.problem, 'check digit is 4, computed 3');
      assert.match(byRow.get('6')?.expected ?? '', /ISO|check digit/);
      assert.equal(byRow.get('7')?.problem, 'has 3 fields, 12 in the header (a truncated or broken row)');
      assert.equal(byRow.get('7')?.expected, '12 fields separated by ","');
      assert.match(byRow.get('9')?.problem ?? '', /^cannot be read as CSV: .*(quote|unterminated)/i);
      assert.match(byRow.get('9')?.expected ?? '', /well-formed CSV/);

      const st = await stats(store);
      assert.equal(st.declarations, 3);
      for (const id of ['D000001', 'D000003', 'D000008']) assert.ok(await get(store, id), id);
      const [run] = await ingestRunsRepo(store.db).list();
      assert.deepEqual([run?.status, run?.rows, run?.accepted, run?.rejected, run?.file_sha256], ['done', 9, 3, 6, s.files[0]!.sha256]);
    }),
  );

  it(
    'reports every problem of a row on its own line',
    withStore(async (store, tmp) => {
      const file = tmp.write('multi.csv', csvText([[...COLUMNS], testRow(1, { export_country: 'C9', hs: '770000', importer: '' })]));
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.rejected], [1, 1]);
      const rejects = readRejects(tmp.path('rejects.csv'));
      assert.deepEqual(rejects.map((r) => [r.row, r.field]).sort(), [['1', 'exportCountry'], ['1', 'importer'], ['1', 'item.hsCode']]);
      assert.equal(rejects.find((r) => r.field === 'importer')?.problem, 'is missing');
    }),
  );

  it(
    're-ingesting the same file adds nothing: the stored rows are duplicates',
    withStore(async (store, tmp) => {
      const file = plantedFile(tmp);
      const first = await ingest(store, [file], testMapping(), tmp.path('r1.csv'));
      const second = await ingest(store, [file], testMapping(), tmp.path('r2.csv'));
      assert.equal(second.accepted, 0);
      assert.equal(second.duplicates, first.accepted);
      assert.equal(second.rejected, first.rejected);
      assert.equal(second.files[0]!.sha256, first.files[0]!.sha256);
      assert.equal((await stats(store)).declarations, first.accepted);
    }),
  );

  it(
    'counts the same declaration twice in one file as a duplicate, and a changed one as a conflict',
    withStore(async (store, tmp) => {
      const file = tmp.write('twice.csv', csvText([[...COLUMNS], testRow(1), testRow(2), testRow(1), testRow(2, { importer: 'OTHER' })]));
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.duplicates, s.rejected], [4, 2, 1, 1]);
      assert.deepEqual(readRejects(tmp.path('rejects.csv')).map((r) => [r.row, r.declaration_id, r.field]), [['4', 'D000002', 'id']]);
      assert.equal((await get(store, 'D000002'))?.importer, 'IMP2');
    }),
  );

  it(
    'refuses a changed row whose id is already stored, as a conflict',
    withStore(async (store, tmp) => {
      const a = tmp.write('a.csv', csvText([[...COLUMNS], testRow(1), testRow(2)]));
      const b = tmp.write('b.csv', csvText([[...COLUMNS], testRow(1), testRow(2, { value: '9999' }), testRow(3)]));
      await ingest(store, [a], testMapping(), tmp.path('ra.csv'));
      const s = await ingest(store, [b], testMapping(), tmp.path('rb.csv'));
      assert.deepEqual([s.accepted, s.duplicates, s.rejected], [1, 1, 1]);
      const [r, ...rest] = readRejects(tmp.path('rb.csv'));
      assert.deepEqual(rest, []);
      assert.deepEqual([r?.file, r?.row, r?.declaration_id, r?.field], ['b.csv', '2', 'D000002', 'id']);
      assert.match(r?.problem ?? '', /already stored with different content/);
      assert.ok(r?.expected);
      assert.equal((await get(store, 'D000002'))?.items[0]?.customsValue, 1002, 'the stored declaration is unchanged');
    }),
  );

  it(
    'strict: one bad row and nothing of the file is stored, though every bad row is listed',
    withStore(async (store, tmp) => {
      const file = plantedFile(tmp);
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'), { strict: true });
      assert.equal(s.strict, true);
      assert.deepEqual([s.accepted, s.duplicates, s.rejected], [0, 0, 6]);
      assert.equal(s.files[0]!.rolledBack, true);
      assert.equal(readRejects(tmp.path('rejects.csv')).length, 6);
      const st = await stats(store);
      assert.deepEqual([st.declarations, st.goodsItems], [0, 0]);
      const [run] = await ingestRunsRepo(store.db).list();
      assert.equal(run?.status, 'rolled back');
    }),
  );

  it(
    'strict: a clean file is stored whole',
    withStore(async (store, tmp) => {
      const file = tmp.write('clean.csv', csvText([[...COLUMNS], ...[1, 2, 3, 4, 5].map((i) => testRow(i))]));
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'), { strict: true });
      assert.deepEqual([s.accepted, s.rejected], [5, 0]);
      assert.equal(s.files[0]!.rolledBack, false);
      assert.equal((await stats(store)).declarations, 5);
      // And the store is usable afterwards: the transaction was committed, not left open.
      const again = await ingest(store, [file], testMapping(), tmp.path('rejects2.csv'));
      assert.equal(again.duplicates, 5);
    }),
  );

  it(
    'strict applies per file: a bad second file does not undo a clean first one',
    withStore(async (store, tmp) => {
      const clean = tmp.write('clean.csv', csvText([[...COLUMNS], testRow(1), testRow(2)]));
      const bad = plantedFile(tmp);
      const s = await ingest(store, [clean, bad], testMapping(), tmp.path('rejects.csv'), { strict: true });
      assert.deepEqual(s.files.map((f) => [f.accepted, f.rolledBack]), [[2, false], [0, true]]);
      assert.deepEqual([s.rows, s.accepted, s.rejected], [11, 2, 6]);
      assert.equal((await stats(store)).declarations, 2);
    }),
  );

  it(
    'numbers rows right after a quote inside an unquoted field',
    withStore(async (store, tmp) => {
      // IMP"2" is not RFC 4180, but a lenient reading (the quotes are text) or a broken row are both
      // fine; what matters is that row 3 is still row 3 and no row is counted twice.
      const file = tmp.write('quotes.csv', csvText([[...COLUMNS], testRow(1)]) + 'D000002,01/03/2021,030,IMP"2",CN,,847130,CN,1,8,0,\n' + csvText([testRow(3)]));
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.equal(s.rows, 3);
      assert.equal(s.accepted + s.rejected, 3);
      assert.equal((await declarationsRepo(store.db).get('D000003'))?.source, 'quotes.csv#3');
    }),
  );

  it(
    'keeps the good rows after a field with text after its closing quote',
    withStore(async (store, tmp) => {
      const file = tmp.write('trailing.csv', csvText([[...COLUMNS], testRow(1)]) + 'D000002,01/03/2021,030,"IMP"2,CN,,847130,CN,1,8,0,\n' + csvText([testRow(3), testRow(4)]));
      const s = await ingest(store, [file], testMapping(), tmp.path('rejects.csv'));
      assert.equal(s.rows, 4);
      assert.equal((await declarationsRepo(store.db).get('D000004'))?.source, 'trailing.csv#4');
    }),
  );
});

describe('CSV intake: files that cannot be read', () => {
  it(
    'names a mapped column the header lacks, listing the header',
    withStore(async (store, tmp) => {
      const file = tmp.write('a.csv', csvText([[...COLUMNS], testRow(1)]));
      const mapping = testMapping((d) => ((d.fields as Record<string, unknown>).importer = { column: 'Importer Name' }));
      await assert.rejects(ingest(store, [file], mapping, tmp.path('rejects.csv')), (e: unknown) => {
        assert.ok(e instanceof PortcullisError);
        assert.equal(e.code, 'INVALID_MAPPING');
        assert.match(e.message, /column "Importer Name", which the header does not have; the header has: decl_id, filed, office, importer,/);
        assert.equal(e.details[0]?.field, 'Importer Name');
        assert.match(e.details[0]?.expected ?? '', /one of decl_id, filed/);
        return true;
      });
      assert.equal((await stats(store)).declarations, 0);
    }),
  );

  it(
    'refuses an empty file as INVALID_FILE, and reads a header-only file as no rows',
    withStore(async (store, tmp) => {
      for (const text of ['', '\r\n\r\n']) {
        const file = tmp.write('empty.csv', text);
        await assert.rejects(ingest(store, [file], testMapping(), tmp.path('rejects.csv')), (e: unknown) => e instanceof PortcullisError && e.code === 'INVALID_FILE' && /empty/.test(e.message));
      }
      const header = tmp.write('header.csv', csvText([[...COLUMNS]]));
      const s = await ingest(store, [header], testMapping(), tmp.path('rejects.csv'));
      assert.deepEqual([s.rows, s.accepted, s.rejected], [0, 0, 0]);
    }),
  );

  it(
    'refuses a file of blank lines as INVALID_FILE',
    withStore(async (store, tmp) => {
      for (const text of ['\uFEFF', '  \n', '\n\r\n']) {
        const file = tmp.write('blank.csv', text);
        await assert.rejects(ingest(store, [file], testMapping(), tmp.path('rejects.csv')), (e: unknown) => e instanceof PortcullisError && e.code === 'INVALID_FILE');
      }
    }),
  );
});

