import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inboxFileWriter, sqliteInbox } from '../../src/store/dialects/sqlite-inbox.ts';

/** The telemetry inbox file of a SQLite store: kept in order, taken up to a checked id, removed by any set of ids. */
describe('the SQLite inbox file', () => {
  const withInbox = async (body: (file: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-inbox-'));
    try {
      await body(join(dir, 'p.db.iot-inbox'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const message = (i: number) => ({ topic: `t/${i}`, payload: `{"n":${i}}`, receivedAt: '2026-03-01T00:00:00.000Z' });

  it('keeps messages in order, takes the oldest up to a checked id, and removes runs and scattered ids alike', async () => {
    await withInbox(async (file) => {
      const inbox = sqliteInbox(file);
      try {
        assert.equal(await inbox.lastId(), 0);
        for (let i = 1; i <= 10; i++) inbox.put(i === 3 ? { ...message(i), event: '{"e":3}', verifiedKey: 'k' } : message(i));
        assert.equal(await inbox.count(), 10);
        assert.equal(await inbox.lastId(), 10);
        const upTo6 = await inbox.take(100, { upTo: 6 });
        assert.deepEqual(upTo6.map((m) => m.id), [1, 2, 3, 4, 5, 6]);
        assert.deepEqual(upTo6[2], { id: 3, topic: 't/3', payload: '{"n":3}', receivedAt: '2026-03-01T00:00:00.000Z', event: '{"e":3}', verifiedKey: 'k' });
        assert.equal(upTo6[0]!.event, undefined, 'unchecked: no event noted');
        assert.deepEqual((await inbox.take(2)).map((m) => m.id), [1, 2]);
        assert.deepEqual((await inbox.take(100, { after: 4, upTo: 7 })).map((m) => m.id), [5, 6, 7]);
        await inbox.remove([1, 2, 3, 4]); // a run
        await inbox.remove([6, 9]); // scattered
        assert.deepEqual((await inbox.take(100)).map((m) => m.id), [5, 7, 8, 10]);
        await inbox.remove([]);
        assert.equal(await inbox.count(), 4);
      } finally {
        await inbox.close();
      }
    });
  });

  it('sees what another connection (the receiver thread) kept and noted', async () => {
    await withInbox(async (file) => {
      const inbox = sqliteInbox(file);
      const other = inboxFileWriter(file);
      try {
        const [id, next] = other.keep([{ topic: 't', payload: 'p', receivedAt: 'r' }, { topic: 't2', payload: 'p2', receivedAt: 'r2' }]) as [number, number];
        assert.equal(next, id + 1, 'ids in order');
        other.note([['{}', 'key', id]]);
        assert.deepEqual(await inbox.take(1), [{ id, topic: 't', payload: 'p', receivedAt: 'r', event: '{}', verifiedKey: 'key' }]);
        other.removeUpTo(id);
        assert.deepEqual((await inbox.take(10)).map((m) => m.id), [next]);
      } finally {
        other.close();
        await inbox.close();
      }
    });
  });
});

describe('the SQLite inbox file, emptied', () => {
  it('never gives an id twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-inbox-'));
    const inbox = sqliteInbox(join(dir, 'i'));
    try {
      for (let i = 0; i < 3; i++) inbox.put({ topic: 't', payload: 'p', receivedAt: 'r' });
      await inbox.remove([1, 2, 3]);
      inbox.put({ topic: 't', payload: 'p', receivedAt: 'r' });
      assert.deepEqual((await inbox.take(10)).map((m) => m.id), [4], 'after 3, even with the inbox empty');
    } finally {
      await inbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
