import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { closeLedger } from '../../../src/app/ledger/ledger.ts';
import { worklistChanges } from '../../../src/app/worklist/changes.ts';
import { claimWork, releaseWork } from '../../../src/app/worklist/worklist.ts';
import { alertsRepo, decisionsRepo, inspectionsRepo } from '../../../src/store/index.ts';
import { forEachStore, makeRecords } from '../../support/stores.ts';
import { alert, decision, inspection, storeRecords } from '../../support/targeting-fixtures.ts';
import { appOf } from '../targeting/fixtures.ts';

/** Waits until `events` has more than `seen` entries (or fails after `ms`). */
async function next(events: string[], seen: number, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (events.length <= seen) {
    if (Date.now() > until) assert.fail(`no change told after ${what}`);
    await sleep(10);
  }
}

forEachStore('the worklist change feed', (h) => {
  test('tells each watcher at once, then on decisions, claims, releases, inspections and alerts; not on other writes', async () => {
    const store = await h.open();
    const app = appOf(store);
    const feed = worklistChanges(app, { everyMs: 20 });
    try {
      const records = makeRecords(3, 0, { prefix: 'LIVE' });
      await storeRecords(store, records);
      const ids = records.map((r) => r.declaration.id);
      await decisionsRepo(store.db).insert([decision(ids[0]!, 1, { lane: 'red', score: 0.9 })]);

      const a: string[] = [];
      const stopA = feed.subscribe((t) => a.push(t));
      await next(a, 0, 'subscribing');
      // A second watcher hears the current token at once, without a look of its own.
      const b: string[] = [];
      const stopB = feed.subscribe((t) => b.push(t));
      assert.deepEqual(b, [a[0]]);
      assert.equal(feed.watchers, 2);

      // Declarations filed but not decided, and writes elsewhere, are not worklist changes.
      await storeRecords(store, makeRecords(2, 10, { prefix: 'QUIET' }));
      await sleep(150);
      assert.equal(a.length, 1, 'a filing without a decision told a change');

      const steps: [string, () => Promise<unknown>][] = [
        ['a decision', () => decisionsRepo(store.db).insert([decision(ids[1]!, 1, { lane: 'yellow', score: 0.5, decidedAt: '2030-01-01T00:00:00.000Z' })])],
        ['a claim', () => claimWork(app, 'ana', ids[0]!)],
        ['a release', () => releaseWork(app, 'ana', ids[0]!)],
        ['an inspection', () => inspectionsRepo(store.db).record(inspection(ids[0]!, 'seizure'), '2024-04-02T00:00:00.000Z')],
        ['an alert', () => alertsRepo(store.db).raise(alert('AL-LIVE-1'))],
      ];
      for (const [what, change] of steps) {
        const seen = a.length;
        await change();
        await next(a, seen, what);
        assert.notEqual(a.at(-1), a.at(-2), what);
      }
      assert.deepEqual(b, a, 'both watchers heard the same changes');

      stopB();
      stopA();
      assert.equal(feed.watchers, 0);
      // Nobody watches: a change is not looked for, and a new watcher hears the current token.
      const seen = a.length;
      await alertsRepo(store.db).raise(alert('AL-LIVE-2'));
      await sleep(100);
      assert.equal(a.length, seen);
      const c: string[] = [];
      const stopC = feed.subscribe((t) => c.push(t));
      await next(c, 0, 'subscribing again');
      assert.notEqual(c[0], a.at(-1));
      stopC();
    } finally {
      feed.close();
      await closeLedger(app);
    }
  });
});
