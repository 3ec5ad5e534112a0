import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ProofError, appendLeaves, consistencyPlan, inclusionPlan, leafHash, rangeFrom, rangeNodeIds, rootFromInclusionProof,
  verifyConsistency, type NodeId, type ProofPlan,
} from '../../../src/ledger/merkle/index.ts';
import { key } from './reference.ts';

/**
 * Sizes far past 32 bits, where no tree can be built in a test: plans stay O(log n), ask only for
 * distinct nodes complete at their size, and give proofs of the length the verifiers expect.
 */
const TEN_MILLION = 10_000_000;
const MAX = Number.MAX_SAFE_INTEGER;
const zero = new Uint8Array(32);

function checkIds(ids: readonly NodeId[], size: number): void {
  assert.equal(new Set(ids.map(key)).size, ids.length, 'ids are distinct');
  for (const id of ids) {
    assert.ok(Number.isSafeInteger(id.index) && id.index >= 0 && Number.isInteger(id.level) && id.level >= 0, `bad id ${key(id)}`);
    assert.ok((id.index + 1) * 2 ** id.level <= size, `node ${key(id)} is not complete in a tree of ${size}`);
  }
}
const dummyProof = (plan: ProofPlan) => plan.assemble(plan.ids.map(() => zero));
const bound = (n: number) => 2 * Math.log2(n) + 2;

test('plans for a log of 10,000,000 entries are O(log n)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: TEN_MILLION - 1 }), fc.integer({ min: 1, max: TEN_MILLION }), (index, size1) => {
    const inclusion = inclusionPlan(index, TEN_MILLION);
    assert.ok(inclusion.ids.length <= bound(TEN_MILLION), `inclusion plan has ${inclusion.ids.length} ids`);
    checkIds(inclusion.ids, TEN_MILLION);
    const consistency = consistencyPlan(size1, TEN_MILLION);
    assert.ok(consistency.ids.length <= bound(TEN_MILLION), `consistency plan has ${consistency.ids.length} ids`);
    checkIds(consistency.ids, TEN_MILLION);
  }), { numRuns: 500 });
});

test('plans up to 2^53 − 1 ask for complete nodes and give proofs of the length the verifiers expect', () => {
  const size = fc.oneof(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 30, max: 53 }).map((b) => Math.min(MAX, 2 ** b)), fc.constant(MAX));
  const sizeAndIndex = size.chain((s) => fc.tuple(fc.constant(s), fc.oneof(fc.integer({ min: 0, max: s - 1 }), fc.constant(s - 1), fc.constant(0))));
  fc.assert(fc.property(sizeAndIndex, ([s, index]) => {
    const plan = inclusionPlan(index, s);
    checkIds(plan.ids, s);
    assert.ok(plan.ids.length <= bound(s));
    // Right length: the RFC walk ends with sn = 0 exactly, so only the root differs.
    rootFromInclusionProof(zero, index, s, dummyProof(plan));
  }), { numRuns: 300 });
  fc.assert(fc.property(size, size, (a, b) => {
    const [s1, s2] = [Math.min(a, b), Math.max(a, b)];
    const plan = consistencyPlan(s1, s2);
    checkIds(plan.ids, s2);
    assert.ok(plan.ids.length <= bound(s2));
    if (s1 === s2) return assert.equal(plan.ids.length, 0);
    assert.throws(() => verifyConsistency(s1, s2, dummyProof(plan), zero, zero), (e: unknown) => e instanceof ProofError && e.code === 'ROOT_MISMATCH');
  }), { numRuns: 300 });
});

test('compact ranges past 2^32: node ids and an append that completes a 2^40 subtree', () => {
  const below = 2 ** 40 - 1;
  const ids = rangeNodeIds(below);
  assert.equal(ids.length, 40);
  assert.deepEqual(ids.slice(0, 2), [{ level: 39, index: 0 }, { level: 38, index: 2 }]);
  assert.deepEqual(ids.at(-1), { level: 0, index: below - 1 });
  assert.deepEqual(rangeNodeIds(2 ** 40 + 5), [{ level: 40, index: 0 }, { level: 2, index: 2 ** 38 }, { level: 0, index: 2 ** 40 + 4 }]);
  assert.deepEqual(rangeNodeIds(MAX).length, 53);

  const range = rangeFrom(below, ids.map((_, i) => leafHash(new Uint8Array([i]))));
  const out = appendLeaves(range, [leafHash(new Uint8Array([99]))]);
  assert.equal(out.range.size, 2 ** 40);
  assert.equal(out.range.hashes.length, 1);
  assert.deepEqual(out.nodes.map((n) => key(n)), Array.from({ length: 40 }, (_, i) => `${i + 1}:${2 ** (39 - i) - 1}`));
  assert.deepEqual(out.nodes.at(-1)!.hash, out.range.hashes[0]);
});
