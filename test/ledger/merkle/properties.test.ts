import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ProofError, appendLeaves, consistencyPlan, emptyRange, inclusionPlan, rangeFrom, rangeNodeIds, rootOf, rootOfLeaves,
  verifyConsistency, verifyInclusion, type CompactRange, type ProofPlan, type StoredNode,
} from '../../../src/ledger/merkle/index.ts';
import { consistency, fetch, hex, key, makeLeaves, memoryLog, mth, path } from './reference.ts';

/**
 * Properties over a log of a few thousand leaves whose nodes were stored by `appendLeaves`, the
 * way the storage layer stores them: plans only ask for nodes complete at their size, assemble
 * to exactly the RFC 9162 proofs (written out recursively in reference.ts) and verify; any
 * tampering fails.
 */
const N = 3000;
const log = memoryLog(makeLeaves(N));
const runs = { numRuns: 150 };

const sizeAndIndex = fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
const twoSizes = fc.tuple(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

const proofOf = (plan: ProofPlan, size: number) => plan.assemble(fetch(log, plan.ids, size));
const flipBit = (proof: readonly Uint8Array[], element: number, bit: number) =>
  proof.map((p, i) => (i === element ? p.map((byte, j) => (j === bit >> 3 ? byte ^ (1 << (bit & 7)) : byte)) : p));

/** Which side each element of PATH(m, D[0:n]) joins on (L = left of the leaf), by the RFC's recursion. */
function shape(m: number, n: number): string {
  if (n <= 1) return '';
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k ? `${shape(m, k)}R` : `${shape(m - k, n - k)}L`;
}

test('inclusion plans ask only for complete nodes, assemble to the RFC 9162 audit path and verify', () => {
  fc.assert(fc.property(sizeAndIndex, ([size, index]) => {
    const proof = proofOf(inclusionPlan(index, size), size);
    assert.deepEqual(proof.map(hex), path(log.leaves.slice(0, size), index).map(hex));
    verifyInclusion(log.leaves[index]!, index, size, proof, log.roots[size]!);
  }), runs);
});

test('consistency plans between any two sizes assemble to the RFC 9162 proof and verify', () => {
  fc.assert(fc.property(twoSizes, ([size1, size2]) => {
    const proof = proofOf(consistencyPlan(size1, size2), size2);
    assert.deepEqual(proof.map(hex), consistency(log.leaves.slice(0, size2), size1).map(hex));
    verifyConsistency(size1, size2, proof, log.roots[size1]!, log.roots[size2]!);
  }), runs);
});

test('a flipped bit in any inclusion proof element fails verification', () => {
  fc.assert(fc.property(sizeAndIndex.filter(([size]) => size > 1), fc.nat(), fc.integer({ min: 0, max: 255 }), ([size, index], element, bit) => {
    const proof = proofOf(inclusionPlan(index, size), size);
    const bad = flipBit(proof, element % proof.length, bit);
    assert.throws(() => verifyInclusion(log.leaves[index]!, index, size, bad, log.roots[size]!), (e: unknown) => e instanceof ProofError && e.code === 'ROOT_MISMATCH');
  }), runs);
});

test('a flipped bit in any consistency proof element fails verification', () => {
  fc.assert(fc.property(twoSizes.filter(([a, b]) => a < b), fc.nat(), fc.integer({ min: 0, max: 255 }), ([size1, size2], element, bit) => {
    const proof = proofOf(consistencyPlan(size1, size2), size2);
    const bad = flipBit(proof, element % proof.length, bit);
    assert.throws(() => verifyConsistency(size1, size2, bad, log.roots[size1]!, log.roots[size2]!), (e: unknown) => e instanceof ProofError && e.code === 'ROOT_MISMATCH');
  }), runs);
});

test('an inclusion proof checked with a wrong index fails', () => {
  fc.assert(fc.property(sizeAndIndex.filter(([size]) => size > 1), fc.nat(), ([size, index], n) => {
    const other = (index + 1 + (n % (size - 1))) % size;
    const proof = proofOf(inclusionPlan(index, size), size);
    assert.throws(() => verifyInclusion(log.leaves[index]!, other, size, proof, log.roots[size]!), ProofError);
  }), runs);
});

/**
 * The tree size is not hashed into anything: leaf 0 of 3 and leaf 0 of 4 both join their proof
 * on the right twice, so the same proof checks out under either size. A wrong size fails exactly
 * when it changes which side a proof element joins on (or the number of elements).
 */
test('an inclusion proof checked with a wrong size fails unless that size gives the proof the same shape', () => {
  let sameShape = 0;
  const near = fc.integer({ min: -16, max: 16 }).filter((d) => d !== 0);
  fc.assert(fc.property(sizeAndIndex, fc.boolean(), fc.integer({ min: 1, max: 2 * N }), near, ([size, index], far, n, d) => {
    const candidate = far ? n : Math.max(1, size + d);
    const other = candidate === size ? size + 1 : candidate;
    const proof = proofOf(inclusionPlan(index, size), size);
    const run = () => verifyInclusion(log.leaves[index]!, index, other, proof, log.roots[size]!);
    if (other > index && shape(index, other) === shape(index, size)) {
      run();
      sameShape++;
    } else {
      assert.throws(run, ProofError);
    }
  }), { numRuns: 400 });
  assert.ok(sameShape > 0, 'no wrong size with the same shape came up; the exception above went untested');
});

test('appending in random batches gives the same range and nodes as appending one by one, also across a reload', () => {
  const leaves = makeLeaves(700);
  const oneByOne = leaves.reduce<{ range: CompactRange; nodes: StoredNode[] }>((acc, leaf) => {
    const out = appendLeaves(acc.range, [leaf]);
    return { range: out.range, nodes: [...acc.nodes, ...out.nodes] };
  }, { range: emptyRange(), nodes: [] });
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 12 }), (cuts) => {
    const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), 700];
    let range = emptyRange();
    const nodes: StoredNode[] = [];
    const stored = new Map<string, Uint8Array>();
    for (let i = 1; i < bounds.length; i++) {
      // Reload the range from stored nodes, as storage does after a restart, before each batch.
      range = rangeFrom(range.size, rangeNodeIds(range.size).map((id) => (id.level === 0 ? leaves[id.index]! : stored.get(key(id))!)));
      const out = appendLeaves(range, leaves.slice(bounds[i - 1], bounds[i]));
      for (const n of out.nodes) stored.set(key(n), n.hash);
      nodes.push(...out.nodes);
      range = out.range;
    }
    assert.equal(range.size, 700);
    assert.deepEqual(range.hashes.map(hex), oneByOne.range.hashes.map(hex));
    assert.deepEqual(nodes.map((n) => `${key(n)}:${hex(n.hash)}`), oneByOne.nodes.map((n) => `${key(n)}:${hex(n.hash)}`));
  }), { numRuns: 50 });
});

test('rootOf a compact range and the streamed rootOfLeaves equal the recursive MTH', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: N }), (size) => {
    const leaves = log.leaves.slice(0, size);
    const want = hex(mth(leaves));
    assert.equal(hex(log.roots[size]!), want);
    assert.equal(hex(rootOf(appendLeaves(emptyRange(), leaves).range)), want);
    const streamed = rootOfLeaves(leaves.values());
    assert.equal(streamed.size, size);
    assert.equal(hex(streamed.root), want);
  }), { numRuns: 60 });
});
