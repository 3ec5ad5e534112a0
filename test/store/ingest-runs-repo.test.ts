import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ingestRunsRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

forEachStore('ingest runs repo', (h) => {
  it('start records a running run and returns its id', async () => {
    const store = await h.open();
    const runs = ingestRunsRepo(store.db);
    const id = await runs.start({ file: '/data/in.csv', mapping: 'default', strict: true, startedAt: '2024-06-01T10:00:00.000Z' });
    assert.match(id, UUID);
    assert.deepEqual(await runs.list(), [
      {
        id,
        file: '/data/in.csv',
        file_sha256: null,
        mapping: 'default',
        strict: 1,
        started_at: '2024-06-01T10:00:00.000Z',
        finished_at: null,
        status: 'running',
        rows: 0,
        accepted: 0,
        rejected: 0,
        duplicates: 0,
        reject_file: null,
      },
    ]);
  });

  it('finish records the outcome and totals of that run only', async () => {
    const store = await h.open();
    const runs = ingestRunsRepo(store.db);
    const a = await runs.start({ file: 'a.csv', mapping: 'm', strict: false, startedAt: '2024-06-01T10:00:00.000Z' });
    const b = await runs.start({ file: 'b.csv', mapping: 'm', strict: true, startedAt: '2024-06-01T11:00:00.000Z' });
    const sha = 'ab'.repeat(32);
    await runs.finish(a, 'done', { rows: 10, accepted: 7, rejected: 2, duplicates: 1, rejectFile: 'a.rejects.csv' }, '2024-06-01T10:05:00.000Z', sha);
    await runs.finish(b, 'rolled back', { rows: 3, accepted: 0, rejected: 1, duplicates: 0, rejectFile: null }, '2024-06-01T11:01:00.000Z', null);

    const [rb, ra] = await runs.list();
    assert.deepEqual(ra, {
      id: a, file: 'a.csv', file_sha256: sha, mapping: 'm', strict: 0, started_at: '2024-06-01T10:00:00.000Z',
      finished_at: '2024-06-01T10:05:00.000Z', status: 'done', rows: 10, accepted: 7, rejected: 2, duplicates: 1, reject_file: 'a.rejects.csv',
    });
    assert.deepEqual(rb, {
      id: b, file: 'b.csv', file_sha256: null, mapping: 'm', strict: 1, started_at: '2024-06-01T11:00:00.000Z',
      finished_at: '2024-06-01T11:01:00.000Z', status: 'rolled back', rows: 3, accepted: 0, rejected: 1, duplicates: 0, reject_file: null,
    });
  });

  it('list is newest first and honours the limit', async () => {
    const store = await h.open();
    const runs = ingestRunsRepo(store.db);
    const ids: string[] = [];
    for (const hour of [12, 9, 15, 10, 11]) {
      ids.push(await runs.start({ file: `${hour}.csv`, mapping: 'm', strict: false, startedAt: `2024-06-01T${String(hour).padStart(2, '0')}:00:00.000Z` }));
    }
    const list = await runs.list();
    assert.deepEqual(list.map((r) => r.file), ['15.csv', '12.csv', '11.csv', '10.csv', '9.csv']);
    assert.equal(new Set(ids).size, 5);
    assert.deepEqual((await runs.list(2)).map((r) => r.file), ['15.csv', '12.csv']);
  });

  it('an empty store has no runs', async () => {
    const store = await h.open();
    assert.deepEqual(await ingestRunsRepo(store.db).list(), []);
  });
});
