import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, e2eSkip, launch, PASSWORD, screenshot, signIn, startServer, type Served } from './support.ts';

const skip = e2eSkip();
if (skip !== undefined) console.log(`# ${skip}`);

describe('the web application, end to end (Chromium against portcullis serve)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let served: Served;
  let browser: Browser;
  let trader: { id: string; party: string };

  before(async () => {
    [served, browser] = await Promise.all([startServer(), launch()]);
    // The demo's people have no passwords: the administrator gives them one, and adds a trader
    // (the importer of a demo filing) and an auditor.
    for (const id of ['ana', 'sam', 'olga']) await served.admin(`/users/${id}/password`, { method: 'PUT', json: { password: PASSWORD } });
    const { items } = await served.as('ana', PASSWORD)<{ items: { declaration: { importer: string } }[] }>('/declarations?limit=1');
    trader = { id: 'tia', party: items[0]!.declaration.importer };
    await served.admin('/users', { json: { id: trader.id, name: 'Tia (trader)', roles: ['trader'], party: trader.party, password: PASSWORD } });
    await served.admin('/users', { json: { id: 'aud', name: 'Aud (auditor)', roles: ['auditor'], password: PASSWORD } });
    await served.admin('/users', { json: { id: 'cara', name: 'Cara (carrier)', roles: ['carrier'], party: 'MAEU', password: PASSWORD } });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const page = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    return context.newPage();
  };
  const nav = async (p: Page) => (await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).sort();

  it('signs each role in, to the pages that role may use; a wrong password is refused with the server\'s reason', async () => {
    // The demo's people were given a password on the first start, said once (sue keeps hers).
    const demo = /demo people .*sue \(supervisor, analyst\).*: password \(shown this once\): (\S+)/.exec(served.said());
    assert.ok(demo !== null, served.said());
    const sue = await page();
    await signIn(sue, served.url, 'sue', demo[1]!);
    assert.deepEqual(await nav(sue), ['Dashboard', 'Ledger', 'Models', 'Rules', 'Worklist']);
    await sue.context().close();

    const p = await page();
    await p.goto(served.url);
    await p.getByLabel('User').fill('ana');
    await p.getByLabel('Password').fill('not the password at all');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').waitFor();
    await screenshot(p, 'sign-in-refused');
    assert.match(await p.getByRole('alert').textContent() ?? '', /password|credentials|sign/i);

    const expected: Record<string, { password: string; pages: string[] }> = {
      admin: { password: ADMIN_PASSWORD, pages: ['Administration', 'Ledger'] },
      ana: { password: PASSWORD, pages: ['Dashboard', 'Ledger', 'Models', 'Rules', 'Worklist'] },
      sam: { password: PASSWORD, pages: ['Dashboard', 'Ledger', 'Models', 'Rules', 'Worklist'] },
      olga: { password: PASSWORD, pages: ['Ledger', 'Worklist'] },
      tia: { password: PASSWORD, pages: ['Ledger', 'My filings'] },
      aud: { password: PASSWORD, pages: ['Administration', 'Dashboard', 'Ledger', 'Models', 'Rules'] },
      cara: { password: PASSWORD, pages: ['Ledger', 'My movements'] },
    };
    for (const [user, want] of Object.entries(expected)) {
      const q = await page();
      await signIn(q, served.url, user, want.password);
      assert.deepEqual(await nav(q), want.pages, user);
      await screenshot(q, `signed-in-${user}`);
      await q.getByRole('button', { name: 'Sign out' }).click();
      await q.getByRole('button', { name: 'Sign in' }).waitFor();
      await q.context().close();
    }
  });

  it('walks the worklist by keyboard, claims a declaration and opens it', async () => {
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    const grid = p.getByRole('grid', { name: 'Worklist' });
    await grid.getByRole('row').nth(3).waitFor();
    const rows = await grid.getByRole('row').count();
    // Virtualised: the demo's thousands of rows are not all in the page.
    assert.ok(rows > 5 && rows < 200, `${rows} rows rendered`);
    await grid.focus();
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    const active = grid.locator('[role=row][aria-selected=true]');
    assert.equal(await active.getAttribute('aria-rowindex'), '3');
    const id = (await active.getByRole('gridcell').nth(1).textContent())!;
    await p.keyboard.press('c');
    await grid.getByRole('row', { name: new RegExp(id) }).getByText('claimed by ana').waitFor();
    await screenshot(p, 'worklist-claimed');
    // Live: with the server's change stream open the page does not poll, so another analyst's
    // claim can only reach it through the stream.
    await p.locator('.live.on').waitFor();
    const other = (await grid.getByRole('row').nth(6).getByRole('gridcell').nth(1).textContent())!;
    assert.notEqual(other, id);
    await served.as('sam', PASSWORD)(`/worklist/${encodeURIComponent(other)}/claim`, { method: 'POST' });
    await grid.getByRole('row', { name: new RegExp(other) }).getByText('claimed by sam').waitFor({ timeout: 5000 });
    await grid.focus();
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: new RegExp(`Declaration ${id}`) }).waitFor();
    await p.getByRole('heading', { name: /Decision/ }).waitFor();
    await screenshot(p, 'declaration-analyst');
  });

  it('an officer records an inspection on a declaration, which its page then lists', async () => {
    const { items } = await served.as('ana', PASSWORD)<{ items: { decision: { declarationId: string } }[] }>('/worklist?lane=red&limit=1');
    const id = items[0]!.decision.declarationId;
    const p = await page();
    await signIn(p, served.url, 'olga', PASSWORD);
    await p.goto(`${served.url}/#/declarations/${encodeURIComponent(id)}`);
    const form = p.getByRole('form', { name: 'Record an inspection' });
    await form.getByLabel('Finding').selectOption('seizure');
    await form.getByLabel('Revenue recovered (EUR)').fill('1250');
    await form.getByLabel('Notes').fill('undeclared goods behind the front row');
    await form.getByRole('button', { name: 'Record' }).click();
    await form.getByText('Recorded.').waitFor();
    await p.getByRole('table', { name: 'Inspections' }).getByText('seizure').waitFor();
    await screenshot(p, 'inspection-recorded');
  });

  it("verifies a declaration's ledger entry in the browser; a trader sees its own filing's lane and proof, not the score", async () => {
    const p = await page();
    await signIn(p, served.url, 'tia', PASSWORD);
    await p.getByRole('table', { name: 'Filings' }).getByRole('link').first().click();
    await p.getByRole('heading', { name: /Declaration / }).waitFor();
    assert.equal(await p.getByRole('heading', { name: /Decision/ }).count(), 0, 'a trader is shown no decision details');
    const entries = p.getByRole('table', { name: 'Ledger entries' });
    await entries.getByRole('button', { name: /Verify proof of entry/ }).first().click();
    await entries.getByRole('status').first().waitFor({ timeout: 20_000 });
    assert.match((await entries.getByRole('status').first().textContent())!, /verified/);
    await screenshot(p, 'proof-verified-trader');
  });

  it('an analyst writes a rule (a malformed condition is refused, saying where and why), back-tests and submits it; a supervisor approves and activates it', async () => {
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
    await p.getByRole('link', { name: 'New rule…' }).click();
    const form = p.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name').fill('Cheap fridges from afar');
    await form.getByLabel(/^Reason/).fill('Refrigerators declared far below the usual unit value of their subheading.');
    // A malformed condition is refused by the server with where and why.
    await form.getByLabel('Condition (JsonLogic)').fill('{"<": [{"var": "noSuchFact"}, 1]}');
    await form.getByRole('button', { name: 'Save draft' }).click();
    await form.getByRole('alert').getByText(/noSuchFact/).waitFor();
    await screenshot(p, 'rule-refused');
    await form.getByLabel('Condition (JsonLogic)').fill('{"and": [{"startsWith": [{"var": "hsCode"}, "8418"]}, {"<": [{"var": "unitValueRatio"}, 0.5]}]}');
    await p.getByRole('form', { name: 'Back-test' }).getByRole('button', { name: 'Back-test' }).click();
    await p.getByRole('status', { name: 'Back-test result' }).waitFor({ timeout: 60_000 });
    assert.match((await p.getByRole('status', { name: 'Back-test result' }).textContent())!, /Hits \d/);
    await screenshot(p, 'rule-backtest');
    await form.getByRole('button', { name: 'Save draft' }).click();
    await p.getByRole('heading', { name: /Cheap fridges from afar/ }).waitFor();
    await p.getByRole('button', { name: 'Submit for approval' }).click();
    await p.getByLabel('Status').getByText('submitted').waitFor();

    const q = await page();
    await signIn(q, served.url, 'sam', PASSWORD);
    await q.goto(`${served.url}/#/rules`);
    await q.getByRole('table', { name: 'Rules' }).getByRole('link', { name: 'Cheap fridges from afar' }).click();
    await q.getByRole('button', { name: 'Approve' }).click();
    await q.getByLabel('Status').getByText('approved').waitFor();
    await q.getByRole('button', { name: 'Activate' }).click();
    await q.getByLabel('Status').getByText('active').waitFor();
    assert.match((await q.getByText(/approved by sam/).textContent())!, /ana, approved by sam/);
    await screenshot(q, 'rule-active');
  });
  it('a carrier sees its own movements only (the demo\'s, recorded at first start) and verifies one\'s ledger proof in the browser', async () => {
    const p = await page();
    await signIn(p, served.url, 'cara', PASSWORD);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My movements' }).click();
    const table = p.getByRole('table', { name: 'Movements' });
    await table.getByRole('row').nth(5).waitFor();
    const { movements } = await served.as('cara', PASSWORD)<{ movements: { event: { carrier: string; container?: string } }[] }>('/movements?limit=500');
    assert.ok(movements.length > 0 && movements.every((m) => m.event.carrier === 'MAEU'), 'the API sends a carrier its own movements only');
    await table.getByRole('button', { name: /Verify proof of entry/ }).first().click();
    await table.locator('.proof [role=status], .proof [role=alert]').first().waitFor({ timeout: 30_000 });
    await screenshot(p, 'carrier-movements');
    assert.match((await table.locator('.proof [role=status], .proof [role=alert]').first().textContent())!, /verified: in the log's tree/);
    // One container's movements, found by its number.
    const container = movements.find((m) => m.event.container !== undefined)!.event.container!;
    await p.getByLabel('Container or bill of lading').fill(container);
    await p.getByRole('button', { name: 'Find' }).click();
    await p.getByRole('button', { name: 'All my movements' }).waitFor();
    const cells = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    assert.ok(cells.length > 0 && cells.every((c) => c === container), cells.join(', '));
    await p.context().close();
  });

  it('the ledger page verifies the checkpoint here: signed by the log, consistent with the one this browser saw before; a rewritten history is caught', async () => {
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ledger' }).click();
    const status = p.getByLabel('Verification status');
    await status.getByText(/verified here: signed by the log's key \(the first checkpoint/).waitFor({ timeout: 30_000 });
    // The log grows (a filing is a ledger entry): the next checkpoint must extend the one seen.
    const { items } = await served.as('ana', PASSWORD)<{ items: { decision: { declarationId: string } }[] }>('/worklist?lane=red&limit=1');
    await served.as('ana', PASSWORD)(`/worklist/${encodeURIComponent(items[0]!.decision.declarationId)}/override`, { json: { lane: 'yellow', reason: 'documents seen, a check is enough' } });
    await status.getByText(/consistent with the tree of [\d,]+ entries this browser verified/).waitFor({ timeout: 40_000 });
    await screenshot(p, 'ledger-consistent');
    // What this browser saw before is made to differ (as if the log had rewritten its history
    // since): the next look must refuse the log's checkpoint.
    await p.evaluate(() => {
      const ls = (globalThis as unknown as { localStorage: { key(i: number): string | null; getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
      const k = ls.key(0)!;
      const seen = JSON.parse(ls.getItem(k)!) as { size: number; root: string; at: string };
      ls.setItem(k, JSON.stringify({ ...seen, size: seen.size - 1, root: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }));
    });
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Worklist' }).click();
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ledger' }).click();
    await status.getByText(/✗ .*the log was changed/).waitFor({ timeout: 30_000 });
    await screenshot(p, 'ledger-rewritten');
    await p.context().close();
  });

  it('every page each role may open passes axe-core\'s WCAG 2.1 A and AA checks (labels, names, contrast, structure)', async () => {
    const { AxeBuilder } = await import('@axe-core/playwright');
    const check = async (p: Page, where: string): Promise<string[]> => {
      const r = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      return r.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    };
    // Settled: what the page fetches first has arrived (nothing says "loading…" any more).
    const settled = async (p: Page): Promise<void> => {
      const until = Date.now() + 30_000;
      while ((await p.getByText('loading…').count()) > 0) {
        if (Date.now() > until) assert.fail(`${p.url()} still loading after 30 s`);
        await p.waitForTimeout(100);
      }
    };
    const found: string[] = [];
    const signedOut = await page();
    await signedOut.goto(served.url);
    await signedOut.getByRole('button', { name: 'Sign in' }).waitFor();
    found.push(...(await check(signedOut, 'sign-in')));
    await signedOut.context().close();

    const people: [string, string][] = [['admin', ADMIN_PASSWORD], ['ana', PASSWORD], ['sam', PASSWORD], ['olga', PASSWORD], [trader.id, PASSWORD], ['aud', PASSWORD], ['cara', PASSWORD]];
    const visited = new Set<string>();
    for (const [user, password] of people) {
      const p = await page();
      await signIn(p, served.url, user, password);
      const links = p.getByRole('navigation', { name: 'Main' }).getByRole('link');
      for (const label of await links.allTextContents()) {
        await links.getByText(label, { exact: true }).click();
        await p.getByRole('heading', { level: 1 }).first().waitFor();
        await settled(p);
        found.push(...(await check(p, `${user} ${label}`)));
        visited.add(label);
      }
      await p.context().close();
    }
    // A declaration's page, as the analyst sees it (the decision, its explanation, the forms).
    const { items } = await served.as('ana', PASSWORD)<{ items: { decision: { declarationId: string } }[] }>('/worklist?lane=red&limit=1');
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.goto(`${served.url}/#/declarations/${encodeURIComponent(items[0]!.decision.declarationId)}`);
    await p.getByRole('heading', { name: /Decision/ }).waitFor();
    await settled(p);
    found.push(...(await check(p, 'ana declaration')));
    await p.context().close();
    assert.ok(visited.size >= 4, [...visited].join(', '));
    assert.deepEqual(found, []);
  });
});
