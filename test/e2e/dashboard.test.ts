import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { e2eSkip, launch, PASSWORD, screenshot, signIn, startServer, type Served } from './support.ts';

const skip = e2eSkip();
if (skip !== undefined) console.log(`# ${skip}`);

interface Figures {
  filed: number;
  decided: number;
  red: number;
  yellow: number;
  green: number;
  inspectionRate: number | null;
  inspected: number;
  findings: number;
  hitRate: number | null;
  hitRateLow: number | null;
  hitRateHigh: number | null;
  revenue: number;
}
interface View {
  from: string;
  to: string;
  office: string | null;
  bucket: string;
  offices: string[];
  totals: Figures & { target: number | null; alertsOpen: number; alertsRaised: number };
  series: unknown[];
  byOffice: (Figures & { office: string })[];
}

/** As the page writes them. */
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const digits = (s: string) => Number(s.replace(/[^\d]/g, ''));

describe('the dashboard, end to end (Chromium against portcullis serve)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let served: Served;
  let browser: Browser;

  before(async () => {
    [served, browser] = await Promise.all([startServer(), launch()]);
    await served.admin('/users/sam/password', { method: 'PUT', json: { password: PASSWORD } });
    const { items } = await served.as('sam', PASSWORD)<{ items: { declaration: { importer: string } }[] }>('/declarations?limit=1');
    await served.admin('/users', { json: { id: 'tia', name: 'Tia (trader)', roles: ['trader'], party: items[0]!.declaration.importer, password: PASSWORD } });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const page = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    return context.newPage();
  };
  /** A headline figure's value: the first definition after its term. */
  const figure = async (p: Page, name: string) =>
    (await p.getByRole('region', { name: 'Headline figures' }).getByRole('term').filter({ hasText: new RegExp(`^${name.replace(/[()/]/g, '\\$&')}$`) }).locator('xpath=following-sibling::dd[1]').textContent())!.trim();
  /** The headline figures shown agree with the API's for the same period and office. */
  const agrees = async (p: Page, d: View) => {
    assert.equal(digits(await figure(p, 'Declarations filed')), d.totals.filed, 'filed');
    assert.deepEqual((await figure(p, 'Red / yellow / green')).split('/').map(digits), [d.totals.red, d.totals.yellow, d.totals.green], 'lanes');
    assert.equal(await figure(p, 'Inspection rate'), pct(d.totals.inspectionRate), 'inspection rate');
    assert.equal(digits(await figure(p, 'Inspected')), d.totals.inspected, 'inspected');
    assert.equal(await figure(p, 'Hit rate (95 %)'), pct(d.totals.hitRate), 'hit rate');
    assert.equal(digits(await figure(p, 'Revenue recovered')), Math.round(d.totals.revenue), 'revenue');
    assert.equal(digits(await figure(p, 'Alerts open')), d.totals.alertsOpen, 'alerts open');
    const rows = p.getByRole('table', { name: 'By office' }).getByRole('row');
    assert.equal(await rows.count(), d.byOffice.length + 1, 'one row per office, and the head');
    for (const [i, o] of d.byOffice.entries()) {
      const cells = await rows.nth(i + 1).getByRole('cell').allTextContents();
      assert.equal(await rows.nth(i + 1).getByRole('rowheader').textContent(), o.office);
      assert.equal(digits(cells[0]!), o.filed, `${o.office} filed`);
      assert.ok(cells[4]!.startsWith(pct(o.inspectionRate)), `${o.office} rate: ${cells[4]}`);
    }
  };

  it('a supervisor lands on the dashboard; its figures are the API\'s, and choosing an office changes them to that office\'s', async () => {
    const p = await page();
    await signIn(p, served.url, 'sam', PASSWORD);
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.match(p.url(), /#\/dashboard$/, 'the supervisor\'s home');
    const all = await served.as('sam', PASSWORD)<View>('/dashboard?weeks=12');
    await p.getByText(/, every office$/).waitFor({ timeout: 60_000 });
    assert.ok(all.totals.filed > 0, 'the demo has filings in its last twelve weeks');
    assert.ok(all.offices.length > 1, 'the demo has several offices');
    await agrees(p, all);
    for (const chart of ['Declarations filed per week, by lane', 'Inspection rate per week against the budget target, every office (each office in the legend)', 'Hit rate per week with its 95 % interval', 'Revenue recovered per week', 'Alerts raised per week and open at its end']) {
      assert.ok(await p.getByRole('img', { name: chart }).locator('canvas').isVisible(), chart);
    }
    await screenshot(p, 'dashboard');
    // The charts' figures, bucket by bucket, in the table under them.
    await p.getByText('The charts\' figures, week by week').click();
    const weeks = p.getByRole('table', { name: 'Figures per week' }).getByRole('row');
    assert.equal(await weeks.count(), all.series.length + 1);
    for (const [i, w] of (all.series as { start: string; filed: number; alertsOpen: number }[]).entries()) {
      const cells = await weeks.nth(i + 1).getByRole('cell').allTextContents();
      assert.deepEqual([await weeks.nth(i + 1).getByRole('rowheader').textContent(), digits(cells[0]!), digits(cells.at(-1)!)], [w.start, w.filed, w.alertsOpen]);
    }

    // The busiest office, so that its figures surely differ from every office's.
    const office = [...all.byOffice].sort((a, b) => b.filed - a.filed)[0]!.office;
    await p.getByRole('combobox', { name: /^Office/ }).selectOption(office);
    await p.getByText(new RegExp(`, ${office}$`)).waitFor({ timeout: 60_000 });
    const one = await served.as('sam', PASSWORD)<View>(`/dashboard?weeks=12&office=${office}`);
    assert.ok(one.totals.filed < all.totals.filed);
    await agrees(p, one);
    assert.equal(await p.getByRole('table', { name: 'By office' }).getByRole('rowheader').textContent(), office);
    assert.ok(await p.getByRole('img', { name: `Inspection rate per week against the budget target, ${office}` }).isVisible());
    await screenshot(p, 'dashboard-office');

    // A longer period: the same office over a year, still week by week.
    await p.getByRole('combobox', { name: /^Period/ }).selectOption('52 weeks');
    const year = await served.as('sam', PASSWORD)<View>(`/dashboard?weeks=52&office=${office}`);
    await p.getByText(new RegExp(`^${year.from.slice(0, 10)} to .*, ${office}$`)).waitFor({ timeout: 60_000 });
    assert.ok(year.totals.filed > one.totals.filed);
    await agrees(p, year);
    await p.context().close();
  });

  it('a trader has no dashboard: not in its navigation, and the API refuses it', async () => {
    const p = await page();
    await signIn(p, served.url, 'tia', PASSWORD);
    const links = await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.ok(!links.includes('Dashboard'), links.join(', '));
    const login = await fetch(`${served.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'tia', password: PASSWORD }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const r = await fetch(`${served.url}/api/v1/dashboard`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(r.status, 403);
    // Typed in by hand, the page shows the server's refusal and no figures.
    await p.goto(`${served.url}/#/dashboard`);
    await p.getByRole('alert').waitFor();
    assert.match((await p.getByRole('alert').textContent())!, /dashboard\.read|may not|not allowed|forbidden/i);
    assert.equal(await p.getByRole('region', { name: 'Headline figures' }).count(), 0);
    await screenshot(p, 'dashboard-trader-refused');
    await p.context().close();
  });
});
