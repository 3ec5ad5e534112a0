import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fail, ok, remembered } from '../../../src/domain/identifiers/check.ts';

it('a remembered check gives the answers of the check, computing each input once while it fits', () => {
  let calls = 0;
  const check = remembered((s: string) => {
    calls += 1;
    return s === 'A' ? ok('A') : fail(`"${s}" is not A`, 'A');
  }, 2);
  assert.deepEqual(check('A'), ok('A'));
  assert.deepEqual(check('A'), ok('A'));
  assert.deepEqual(check('B'), fail('"B" is not A', 'A'));
  assert.equal(calls, 2);
  // Full: it forgets, and still answers right.
  assert.deepEqual(check('C'), fail('"C" is not A', 'A'));
  assert.deepEqual(check('A'), ok('A'));
  assert.equal(calls, 4);
});
