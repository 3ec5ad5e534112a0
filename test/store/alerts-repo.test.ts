import assert from 'node:assert/strict';
import { it } from 'node:test';
import { alertsRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { alert, at } from '../support/targeting-fixtures.ts';

forEachStore('alerts repo', (h) => {
  it('raise then get returns the alert', async () => {
    const store = await h.open();
    const repo = alertsRepo(store.db);
    const a = alert('A-1');
    assert.equal(await repo.raise(a), true);
    assert.deepEqual(await repo.get('A-1'), a);
    assert.equal(await repo.get('A-404'), undefined);
  });

  it('raising an id again keeps the first alert', async () => {
    const store = await h.open();
    const repo = alertsRepo(store.db);
    await repo.raise(alert('A-1'));
    assert.equal(await repo.raise(alert('A-1', { message: 'again', raisedAt: at(20) })), false);
    assert.deepEqual(await repo.get('A-1'), alert('A-1'));
  });

  it('an alert is acknowledged once', async () => {
    const store = await h.open();
    const repo = alertsRepo(store.db);
    await repo.raise(alert('A-1'));
    assert.equal(await repo.acknowledge('A-1', 'analyst-1', at(30), 'expected: a new trade lane opened'), true);
    assert.equal(await repo.acknowledge('A-1', 'analyst-2', at(31), 'me too'), false);
    assert.equal(await repo.acknowledge('A-404', 'analyst-2', at(31), 'no such alert'), false);
    assert.deepEqual(await repo.get('A-1'), {
      ...alert('A-1'), status: 'acknowledged', acknowledgedBy: 'analyst-1', acknowledgedAt: at(30), acknowledgeReason: 'expected: a new trade lane opened',
    });
  });

  it('list is newest first, filters by status and kind, and pages', async () => {
    const store = await h.open();
    const repo = alertsRepo(store.db);
    await repo.raise(alert('A-1', { raisedAt: at(1) }));
    await repo.raise(alert('A-2', { raisedAt: at(2), kind: 'rule-decay', subject: 'R-1' }));
    await repo.raise(alert('A-3', { raisedAt: at(2), kind: 'telemetry', severity: 'critical', subject: 'CSQU3054383' }));
    await repo.raise(alert('A-4', { raisedAt: at(3) }));
    await repo.acknowledge('A-4', 'analyst-1', at(4), 'seen');
    const ids = (as: { id: string }[]) => as.map((a) => a.id);
    assert.deepEqual(ids(await repo.list()), ['A-4', 'A-3', 'A-2', 'A-1']);
    assert.deepEqual(ids(await repo.list({ status: 'open' })), ['A-3', 'A-2', 'A-1']);
    assert.deepEqual(ids(await repo.list({ status: 'acknowledged' })), ['A-4']);
    assert.deepEqual(ids(await repo.list({ kind: 'drift' })), ['A-4', 'A-1']);
    assert.deepEqual(ids(await repo.list({ status: 'open', kind: 'drift' })), ['A-1']);
    assert.deepEqual(ids(await repo.list({ limit: 2, before: { raisedAt: at(2), id: 'A-3' } })), ['A-2', 'A-1']);
  });
});
