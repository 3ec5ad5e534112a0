import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ROWS, DEMO_SEED } from '../../src/app/demo/seed-demo.ts';
import { generateMovements, generateRows } from '../../src/app/generator/index.ts';
import { e2eSkip, launch, PASSWORD, screenshot, signIn, startServer, type Served } from './support.ts';

const skip = e2eSkip();
if (skip !== undefined) console.log(`# ${skip}`);

interface TrackBody {
  ports: string[];
  events: unknown[];
  alerts: { code: string; position: unknown }[];
}

/**
 * The declaration page's voyage map and discrepancies, and the worklist's goods filters, end to
 * end: a demo consignment's container sails a detour (`portcullis iot simulate` against the
 * server's embedded broker) and the analyst sees the map with the corridor-exit alert; the carrier
 * movements the demo generator makes for the demo filings are recorded (`portcullis movements
 * add`), and a filing with a planted discrepancy shows it; the worklist filtered by an HS chapter
 * lists only declarations of that chapter.
 */
describe('the voyage map, discrepancies and worklist filters, end to end (Chromium against portcullis serve)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let served: Served;
  let browser: Browser;
  let consignment: string;
  let planted: { declarationId: string; field: string };
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-voyage-'));

  before(async () => {
    [served, browser] = await Promise.all([startServer(), launch()]);
    await served.admin('/users/ana/password', { method: 'PUT', json: { password: PASSWORD } });

    // The demo registers e-seals on a few sea consignments and says how to play a voyage for one.
    const hint = /portcullis iot simulate --consignment (\S+) --scenario \S+(?: --broker (\S+))?`/.exec(served.said());
    assert.ok(hint !== null, served.said());
    consignment = hint[1]!;
    const broker = hint[2] ?? /telemetry from (mqtt:\/\/\S+)/.exec(served.said())?.[1];
    assert.ok(broker !== undefined, served.said());
    const sim = await served.cli(['iot', 'simulate', '--consignment', consignment, '--scenario', 'detour', '--speed', 'max', '--broker', broker, '--json']);
    assert.equal(sim.code, 0, `${sim.stdout}\n${sim.stderr}`);

    // The carrier movements of the demo filings as the generator makes them (the demo loads the
    // declarations only): those of one filing with a planted port-of-loading discrepancy, and of
    // one that agrees, recorded by the supervisor from a file as an operator would.
    const rows = [...generateRows({ rows: DEMO_ROWS, seed: DEMO_SEED })];
    const m = generateMovements(rows, { seed: DEMO_SEED, discrepancyShare: 0.05 });
    planted = m.planted.find((p) => p.kind === 'portOfLoading')!;
    assert.ok(planted !== undefined, 'the generator plants port-of-loading discrepancies');
    const row = rows.find((r) => r.declaration_id === planted.declarationId)!;
    const about = (r: typeof row) => (e: { container?: string; transportDocument?: string }) =>
      (e.transportDocument !== undefined && e.transportDocument === r.transport_document) || (e.container !== undefined && r.container_numbers.split(';').includes(e.container));
    const file = join(dir, 'movements.jsonl');
    writeFileSync(file, m.movements.filter(about(row)).map((e) => JSON.stringify(e)).join('\n') + '\n');
    const added = await served.cli(['movements', 'add', file, '--as', 'sam', '--json']);
    assert.equal(added.code, 0, `${added.stdout}\n${added.stderr}`);

    // The device's events go through the broker and the monitors: wait until the detour's alert is raised.
    const ana = served.as('ana', PASSWORD);
    const end = Date.now() + 120_000;
    for (;;) {
      const t = await ana<TrackBody>(`/consignments/${encodeURIComponent(consignment)}/track`);
      if (t.alerts.some((a) => a.code === 'corridor-exit')) break;
      if (Date.now() > end) throw new Error(`no corridor-exit alert on ${consignment} after 120 s: ${t.events.length} events, alerts ${JSON.stringify(t.alerts)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    return context.newPage();
  };

  it('draws the voyage of a declaration: the map, its ports, the track and the alert it raised', async () => {
    const p = await page();
    const refused: string[] = [];
    p.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) refused.push(msg.text());
    });
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.goto(`${served.url}/#/declarations/${encodeURIComponent(consignment)}`);
    const voyage = p.getByRole('region', { name: 'Voyage' });
    const map = voyage.getByRole('group', { name: 'Voyage map' });
    await map.waitFor({ timeout: 30_000 });
    const track = await served.as('ana', PASSWORD)<TrackBody>(`/consignments/${encodeURIComponent(consignment)}/track`);

    // The map: countries, the corridor, the route, the track, a marker per port and per placed alert.
    assert.ok((await map.locator('.countries path').count()) > 100, 'the countries are drawn');
    assert.ok((await map.locator('.corridor path').count()) >= track.ports.length, 'the corridor');
    assert.match((await map.locator('path.route').getAttribute('d')) ?? '', /^M[\d.-]+,[\d.-]+/);
    assert.ok(((await map.locator('path.track').getAttribute('d')) ?? '').length > 100, 'the track is drawn');
    assert.equal(await map.locator('.port').count(), track.ports.length);
    for (const port of track.ports) await map.locator('.port text', { hasText: port }).waitFor();

    // Its text alternative: the ports in a table, the last position, and the alerts listed with their kind.
    const ports = voyage.getByRole('table', { name: 'Ports of the planned route' });
    for (const port of track.ports) await ports.getByRole('cell', { name: port, exact: true }).waitFor();
    assert.match((await voyage.textContent()) ?? '', new RegExp(`${track.events.length} events from its device`));
    assert.match((await voyage.getByRole('heading', { name: 'Last position' }).locator('xpath=following-sibling::p[1]').textContent()) ?? '', /° [NS], .*° [EW] at \d{4}-/);
    const alerts = voyage.getByRole('list', { name: 'Alerts on the voyage' });
    await alerts.getByText('corridor-exit').waitFor();
    assert.match((await alerts.textContent()) ?? '', /left the planned corridor/);

    // The alert's marker says its kind on keyboard focus (and on hover).
    const marker = map.getByRole('img', { name: /corridor-exit/ });
    await marker.focus();
    await marker.locator('.tip', { hasText: 'corridor-exit' }).waitFor({ state: 'visible' });
    await voyage.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
    await screenshot(p, 'voyage-map');
    assert.deepEqual(refused, [], 'nothing drawn is refused by the content security policy');
    await p.context().close();
  });

  it('shows where the parties disagree, with what each recorded and the ledger entries behind it', async () => {
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.goto(`${served.url}/#/declarations/${encodeURIComponent(planted.declarationId)}`);
    const section = p.getByRole('region', { name: 'Discrepancies between parties' });
    const table = section.getByRole('table', { name: 'Discrepancies between parties' });
    await table.waitFor({ timeout: 30_000 });
    const row = table.getByRole('row', { name: /Port of loading/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert.match(text, /declarant/);
    assert.match(text, /carrier/);
    assert.match(text, /ledger entr(y|ies) \d+/);
    await section.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }));
    await screenshot(p, 'declaration-discrepancies');

    // One whose filing and movements agree says so.
    await p.goto(`${served.url}/#/declarations/${encodeURIComponent(consignment)}`);
    await p.getByRole('region', { name: 'Discrepancies between parties' }).getByText(/None/).waitFor({ timeout: 30_000 });
    await p.context().close();
  });

  it('filters the worklist by HS chapter: only declarations of that chapter are listed', async () => {
    const ana = served.as('ana', PASSWORD);
    const top = await ana<{ items: { decision: { declarationId: string } }[] }>('/worklist?limit=1');
    const first = await ana<{ declaration: { items: { hsCode: string }[] } }>(`/declarations/${encodeURIComponent(top.items[0]!.decision.declarationId)}`);
    const chapter = first.declaration.items[0]!.hsCode.slice(0, 2);

    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    const grid = p.getByRole('grid', { name: 'Worklist' });
    await grid.getByRole('row').nth(3).waitFor();
    const shown = p.getByRole('form', { name: 'Filters' }).locator('[aria-live]');
    const before = await shown.textContent();
    await p.getByLabel('HS chapter').fill(chapter);
    // The count of rows shown changes once the filtered list has come.
    const end = Date.now() + 30_000;
    while ((await shown.textContent()) === before || /loading/.test((await shown.textContent()) ?? '')) {
      if (Date.now() > end) throw new Error(`the worklist did not change after filtering by chapter ${chapter}: ${before}`);
      await p.waitForTimeout(100);
    }
    await grid.getByRole('row').nth(1).waitFor();
    assert.match(p.url(), new RegExp(`hsChapter=${chapter}`), 'the filter is kept in the address');
    const ids = (await grid.getByRole('row').locator('.c-declaration').allTextContents()).filter((t) => t !== 'Declaration');
    assert.ok(ids.length > 0);
    for (const id of ids.slice(0, 15)) {
      const d = await ana<{ declaration: { items: { hsCode: string }[] } }>(`/declarations/${encodeURIComponent(id)}`);
      assert.ok(d.declaration.items.some((i) => i.hsCode.startsWith(chapter)), `${id}: ${d.declaration.items.map((i) => i.hsCode).join(', ')} has no item of chapter ${chapter}`);
    }
    // And the list is the API's for that chapter, in the same order.
    const api = await ana<{ items: { decision: { declarationId: string } }[] }>(`/worklist?hsChapter=${chapter}&limit=${ids.length}`);
    assert.deepEqual(ids, api.items.map((i) => i.decision.declarationId));
    await screenshot(p, 'worklist-hs-chapter');
    await p.context().close();
  });
});
