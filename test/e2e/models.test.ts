import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { e2eSkip, launch, PASSWORD, screenshot, signIn, startServer, type Served } from './support.ts';

const skip = e2eSkip();
if (skip !== undefined) console.log(`# ${skip}`);

interface Listed {
  readonly id: string;
  readonly status: string;
}

/** The models page, end to end: train in the browser, evaluate, compare, activate; drift; who sees what. */
describe('the models page, end to end (Chromium against portcullis serve)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let served: Served;
  let browser: Browser;
  /** The model the demo put into force, and the one the analyst trains here. */
  let demoModel: string;
  let trained: string;
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

  before(async () => {
    [served, browser] = await Promise.all([startServer(), launch()]);
    for (const id of ['ana', 'sam']) await served.admin(`/users/${id}/password`, { method: 'PUT', json: { password: PASSWORD } });
    await served.admin('/users', { json: { id: 'aud', name: 'Aud (auditor)', roles: ['auditor'], password: PASSWORD } });
    const { models } = await served.as('ana', PASSWORD)<{ models: Listed[] }>('/models');
    demoModel = models.find((m) => m.status === 'active')!.id;
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const page = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    return context.newPage();
  };

  it('an analyst trains a model and watches the job to its end, opens its evaluation charts and compares it with the active model', async (t) => {
    const p = await page();
    await signIn(p, served.url, 'ana', PASSWORD);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    const table = p.getByRole('table', { name: 'Models' });
    await table.getByRole('link', { name: `Model ${short(demoModel)}` }).waitFor();

    const form = p.getByRole('form', { name: 'Train a model' });
    await form.getByLabel(/^Validation from/).fill('2025-10-01');
    await form.getByLabel('Seed').fill('7');
    const started = Date.now();
    await form.getByRole('button', { name: 'Train' }).click();
    const progress = p.getByRole('progressbar', { name: 'Training progress' });
    await progress.waitFor();
    const status = p.getByRole('status', { name: 'Training' });
    // What the page says while the job runs, read every 100 ms until it is done, for the record:
    // the rounds of training show when a poll falls while the trees grow (in a thread of their own;
    // test/app/models/train-model.test.ts checks that the rounds are reported as they go). Not
    // asserted: on a fast machine the trees may grow between two polls.
    const said: string[] = [];
    for (;;) {
      const text = (await status.textContent()) ?? '';
      if (said.at(-1) !== text) said.push(text);
      if (/Trained and registered|failed/.test(text)) break;
      assert.ok(Date.now() - started < 300_000, `training did not finish in 5 minutes: ${said.join(' | ')}`);
      if (said.length === 3) await screenshot(p, 'model-training');
      await p.waitForTimeout(100);
    }
    t.diagnostic(`training on the demo store took ${((Date.now() - started) / 1000).toFixed(1)} s from the click; the page said: ${said.join(' | ')}`);
    assert.match(said.at(-1)!, /Trained and registered/);
    assert.equal(await progress.getAttribute('value'), '1');
    await screenshot(p, 'model-trained');
    // The model the job registered is the one the API lists, not yet in force.
    const { models } = await served.as('ana', PASSWORD)<{ models: Listed[] }>('/models');
    const fresh = models.filter((m) => m.id !== demoModel);
    assert.equal(fresh.length, 1);
    trained = fresh[0]!.id;
    assert.equal(fresh[0]!.status, 'registered');
    await table.getByRole('link', { name: `Model ${short(trained)}` }).waitFor();

    // Its evaluation, over its validation period by default: three charts and the numbers in a table.
    await status.getByRole('link', { name: short(trained) }).click();
    await p.getByRole('heading', { name: `Model ${short(trained)}`, exact: false }).waitFor();
    assert.equal(await p.getByLabel('Status').textContent(), 'registered');
    const evaluation = p.getByRole('table', { name: 'Evaluation' });
    await evaluation.waitFor({ timeout: 120_000 });
    for (const chart of [/^Precision and recall against inspection rate$/, /^ROC curve/, /^Calibration/]) assert.equal(await p.getByRole('img', { name: chart }).count(), 1, String(chart));
    const auc = Number(await evaluation.getByRole('row', { name: /ROC AUC/ }).getByRole('cell').textContent());
    assert.ok(auc > 0.5 && auc <= 1, `AUC ${auc}`);
    assert.equal(await p.getByRole('form', { name: 'Evaluation period' }).getByLabel('From').inputValue(), '2025-10-01');
    // An analyst may not activate: no button.
    assert.equal(await p.getByRole('button', { name: 'Activate' }).count(), 0);
    await screenshot(p, 'model-evaluation');

    // Compared with the model in force (A, by default) on the same declarations.
    const compare = p.getByRole('form', { name: 'Compare two models' });
    assert.equal(await compare.getByLabel('Model A').inputValue(), demoModel);
    await compare.getByLabel('Model B').selectOption(trained);
    assert.equal(await compare.getByLabel('From').inputValue(), '2025-11-01', 'the later of the two validation starts');
    await compare.getByRole('button', { name: 'Compare' }).click();
    const side = p.getByRole('table', { name: 'Comparison' });
    await side.waitFor({ timeout: 120_000 });
    assert.deepEqual(await side.getByRole('columnheader').allTextContents(), ['Measure', `A ${short(demoModel)}`, `B ${short(trained)}`]);
    const declarations = await side.getByRole('row', { name: /^Declarations/ }).getByRole('cell').allTextContents();
    assert.equal(declarations[0], declarations[1], 'both scored on the same declarations');
    assert.equal(await p.getByRole('img', { name: new RegExp(`^ROC curve.*models A ${short(demoModel)} and B ${short(trained)}`) }).count(), 1);
    await side.scrollIntoViewIfNeeded();
    await p.getByRole('heading', { name: 'Compare two models' }).scrollIntoViewIfNeeded();
    await screenshot(p, 'model-compare');

    // Drift of the traffic since the model in force started validating.
    await p.getByRole('form', { name: 'Drift' }).getByRole('button', { name: 'Measure drift' }).click();
    const drift = p.getByRole('status', { name: 'Drift result' });
    await drift.waitFor({ timeout: 120_000 });
    assert.match((await drift.textContent())!, /score PSI \d+\.\d{3}/);
    assert.equal(await p.getByRole('img', { name: /^Population stability index/ }).count(), 1);
    assert.ok((await p.getByRole('table', { name: 'PSI by feature' }).getByRole('row').count()) > 2);
    await p.getByRole('heading', { name: 'Drift' }).scrollIntoViewIfNeeded();
    await screenshot(p, 'model-drift');
    await p.context().close();
  });

  it('a supervisor activates it, the list shows it in force, and the API agrees', async () => {
    assert.ok(trained !== undefined, 'the model trained in the test before');
    const p = await page();
    await signIn(p, served.url, 'sam', PASSWORD);
    await p.goto(`${served.url}/#/models/${encodeURIComponent(trained)}`);
    await p.getByRole('heading', { name: `Model ${short(trained)}`, exact: false }).waitFor();
    assert.equal(await p.getByLabel('Status').textContent(), 'registered');
    await p.getByRole('button', { name: 'Activate' }).click();
    await p.getByLabel('Status').getByText('active').waitFor();
    const row = (id: string) => p.getByRole('table', { name: 'Models' }).getByRole('row').filter({ has: p.getByRole('link', { name: `Model ${short(id)}` }) });
    await row(trained).getByText('active').waitFor();
    await row(demoModel).getByText('retired').waitFor();
    assert.equal(await p.getByRole('button', { name: 'Activate' }).count(), 0, 'nothing to activate on the model in force');
    await screenshot(p, 'model-active');
    const { models } = await served.as('sam', PASSWORD)<{ models: Listed[] }>('/models');
    assert.deepEqual(models.filter((m) => m.status === 'active').map((m) => m.id), [trained]);
    assert.equal(models.find((m) => m.id === demoModel)!.status, 'retired');
    await p.context().close();
  });

  it('an auditor reads the models and the drift, but neither trains, evaluates nor activates', async () => {
    const p = await page();
    await signIn(p, served.url, 'aud', PASSWORD);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await p.getByRole('table', { name: 'Models' }).getByRole('link', { name: `Model ${short(demoModel)}` }).click();
    await p.getByText('Evaluating a model over a period is for analysts and supervisors.').waitFor();
    assert.equal(await p.getByRole('form', { name: 'Train a model' }).count(), 0);
    assert.equal(await p.getByRole('form', { name: 'Compare two models' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Activate' }).count(), 0);
    await p.getByRole('form', { name: 'Drift' }).getByRole('button', { name: 'Measure drift' }).click();
    await p.getByRole('status', { name: 'Drift result' }).waitFor({ timeout: 120_000 });
    await screenshot(p, 'model-auditor');
    await p.context().close();
  });
});
