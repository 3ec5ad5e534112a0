import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { walSync } from '../../src/store/dialects/sqlite-ledger.ts';

/** A sync whose completions the test controls, counting how many were started. */
function controlled() {
  const started: (() => void)[] = [];
  return { started, once: () => new Promise<void>((r) => started.push(r)) };
}

test('callers during a sync wait for the next one, which they share; a caller after it starts it afresh', async () => {
  const c = controlled();
  const sync = walSync('/unused', c.once);
  const order: string[] = [];
  const first = sync().then(() => order.push('first'));
  const a = sync().then(() => order.push('a'));
  const b = sync().then(() => order.push('b'));
  assert.equal(c.started.length, 1, 'one sync under way; the others wait for the next');
  c.started[0]!();
  await first;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['first']);
  assert.equal(c.started.length, 2, 'the waiting callers share one more sync');
  c.started[1]!();
  await Promise.all([a, b]);
  assert.deepEqual(order.sort(), ['a', 'b', 'first']);
  const later = sync();
  assert.equal(c.started.length, 3);
  c.started[2]!();
  await later;
});

test('a failed sync fails its callers, and the next caller tries again', async () => {
  let fail = true;
  const sync = walSync('/unused', async () => {
    if (fail) throw new Error('disk gone');
  });
  await assert.rejects(sync(), /disk gone/);
  fail = false;
  await sync();
});

test('syncs a real file (the default: open, fdatasync, close)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-walsync-'));
  try {
    const file = join(dir, 'x.db-wal');
    writeFileSync(file, 'frames');
    const sync = walSync(file);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    await Promise.all([sync(), sync(), sync()]);
    for (let i = 0; i < 20; i++) await sync();
    assert.equal(open(), before, 'each sync closes the descriptor it opened');
    await assert.rejects(walSync(join(dir, 'missing'))(), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
