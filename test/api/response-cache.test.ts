import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseCache } from '../../src/api/response-cache.ts';

test('a kept answer is served while the store version is unchanged, and never after it moved', () => {
  let version = 'a';
  const cache = responseCache({ version: () => version, ttlMs: 1000, max: 10 });
  const first = cache.lookup('k');
  assert.equal(first.body, undefined);
  cache.set('k', first.version, 'page 1');
  assert.equal(cache.lookup('k').body, 'page 1');
  version = 'b';
  const after = cache.lookup('k');
  assert.equal(after.body, undefined);
  assert.deepEqual(after, { body: undefined, version: 'b' });
});

test('an answer computed while the store changed is kept under the version read before, so it is not served', () => {
  let version = 'a';
  const cache = responseCache({ version: () => version, ttlMs: 1000, max: 10 });
  const before = cache.lookup('k');
  version = 'b'; // a commit lands while the page is computed
  cache.set('k', before.version, 'maybe stale');
  assert.equal(cache.lookup('k').body, undefined);
});

test('without a store version, answers live ttlMs or until cleared; the oldest goes first when full', () => {
  let t = 0;
  const cache = responseCache({ version: undefined, ttlMs: 1000, max: 2, now: () => t });
  cache.set('a', undefined, 'A');
  cache.set('b', undefined, 'B');
  assert.equal(cache.lookup('a').body, 'A');
  cache.set('c', undefined, 'C');
  assert.equal(cache.lookup('a').body, undefined, 'evicted');
  t = 999;
  assert.equal(cache.lookup('b').body, 'B');
  t = 1000;
  assert.equal(cache.lookup('b').body, undefined, 'expired');
  assert.equal(cache.lookup('c').body, undefined, 'expired');
  cache.set('d', undefined, 'D');
  cache.clear();
  assert.equal(cache.lookup('d').body, undefined, 'cleared');
});
