import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import edifact from 'edifact';
import { startApi, type TestApi } from './support.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/exchange');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const EDI = { 'content-type': 'text/plain; charset=utf-8' };

describe(`harmonised exchange over HTTP (${process.env.DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(async () => api.close());

  test('POST /exchange/cusdec files the good messages and names the bad ones; nothing good at all is a 400', async () => {
    const r = await api.call('POST', '/api/v1/exchange/cusdec', { as: 'trader', body: fixture('cusdec-interchange.edi'), headers: EDI });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.accepted, r.body.rejected], [2, 2]);
    assert.deepEqual(r.body.filed.map((f: { id: string }) => f.id), ['EX-DEC-0001', 'EX-DEC-0004']);
    assert.ok(!JSON.stringify(r.body).includes('score'), 'a trader sees lanes, never scores');
    const read = await api.call('GET', '/api/v1/declarations/EX-DEC-0001', { as: 'trader' });
    assert.equal(read.status, 200);
    assert.equal(read.body.declaration.containers[0], 'MSKU1234565');

    const bad = "UNB+UNOC:3+A+B+250301:0800+X9'UNH+Q1+CUSDEC:D:96B:UN'BGM+929+BAD-1+9'DTM+137:202503010800:203'LOC+22+NLRTM01'NAD+IM+IMP-A'CST+1+847130'UNT+7+Q1'UNZ+1+X9'";
    const refused = await api.call('POST', '/api/v1/exchange/cusdec', { as: 'trader', body: bad, headers: { 'content-type': 'application/edifact' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'INVALID_INPUT');
    assert.match(refused.body.error.details[0].field, /^message 1 \(UNH Q1\), segment MOA\+40 #\d+, element C516:5004, → items\.0\.customsValue$/);
    const garbage = await api.call('POST', '/api/v1/exchange/cusdec', { as: 'trader', body: 'hello', headers: EDI });
    assert.equal(garbage.status, 400);
  });

  test('only roles with exchange.import may post; a carrier may post CUSCAR, a trader WCO JSON', async () => {
    assert.equal((await api.call('POST', '/api/v1/exchange/cusdec', { as: 'analyst', body: fixture('cusdec-interchange.edi'), headers: EDI })).status, 403);
    const car = await api.call('POST', '/api/v1/exchange/cuscar', { as: 'carrier', body: fixture('cuscar-report.edi'), headers: EDI });
    assert.equal(car.status, 200, JSON.stringify(car.body));
    assert.deepEqual([car.body.accepted, car.body.added, car.body.rejected], [1, 4, 1]);
    const moves = await api.call('GET', '/api/v1/movements?container=MSKU1234565', { as: 'carrier' });
    assert.equal(moves.body.movements.length, 2);
    const wco = await api.call('POST', '/api/v1/exchange/wco', { as: 'trader2', body: JSON.parse(fixture('wco-declarations.json')) });
    assert.equal(wco.status, 200, JSON.stringify(wco.body));
    assert.deepEqual([wco.body.accepted, wco.body.rejected], [1, 1]);
  });

  test("GET /exchange/cusres: a trader's own lanes as EDIFACT that the edifact package parses; another's as not found", async () => {
    const r = await api.call('GET', '/api/v1/exchange/cusres?declaration=EX-DEC-0001,EX-DEC-0004', { as: 'trader' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/edifact/);
    const parser = new edifact.Parser();
    parser.encoding('UNOC');
    const tags: string[] = [];
    const gis: string[] = [];
    let last = '';
    parser.onopensegment = (t) => {
      tags.push((last = t));
    };
    parser.onelement = () => undefined;
    parser.oncomponent = (c) => {
      if (last === 'GIS' && ['REL', 'DOC', 'INS'].includes(c)) gis.push(c);
    };
    parser.onclosesegment = () => undefined;
    parser.write(r.body as string);
    parser.end();
    assert.equal(tags.filter((t) => t === 'UNH').length, 2);
    const lanes = await api.call('GET', '/api/v1/exchange/cusres?declaration=EX-DEC-0001&declaration=EX-DEC-0004&format=json', { as: 'trader' });
    assert.deepEqual(gis, lanes.body.statuses.map((s: { lane: string }) => ({ green: 'REL', yellow: 'DOC', red: 'INS' })[s.lane]));
    assert.ok(lanes.body.statuses.every((s: Record<string, unknown>) => !('score' in s) && !('reasons' in s)));
    assert.equal((await api.call('GET', '/api/v1/exchange/cusres?declaration=EX-DEC-0001', { as: 'trader2' })).status, 404);
    assert.equal((await api.call('GET', '/api/v1/exchange/cusres?declaration=EX-DEC-0001', { as: 'carrier' })).status, 403);
    const officer = await api.call('GET', '/api/v1/exchange/cusres?from=2025-03-01&to=2025-03-03&format=json', { as: 'officer' });
    assert.deepEqual(officer.body.statuses.map((s: { declarationId: string }) => s.declarationId).sort(), ['EX-DEC-0001', 'EX-DEC-0004', 'WCO-LRN-0001']);
  });
});
