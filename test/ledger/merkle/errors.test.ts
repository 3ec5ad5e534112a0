import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PortcullisError } from '../../../src/domain/errors.ts';
import {
  ProofError, appendLeaves, consistencyPlan, emptyRange, inclusionPlan, rangeFrom, rangeNodeIds, rootFromInclusionProof,
  verifyConsistency, verifyInclusion, type ProofErrorCode,
} from '../../../src/ledger/merkle/index.ts';
import { fetch, makeLeaves, memoryLog } from './reference.ts';

/**
 * Rejections, by code: bad arguments to the plans and ranges are the caller's input
 * (PortcullisError INVALID_INPUT, naming the field); a proof that does not check out is a
 * ProofError whose code says why. Hashes here are 32 bytes, so each case reaches the check it is about.
 */
const log = memoryLog(makeLeaves(8));
const h = (n: number) => new Uint8Array(32).fill(n);
const invalid = (field: string) => (e: unknown) => e instanceof PortcullisError && e.code === 'INVALID_INPUT' && e.details[0]?.field === field;
const proofError = (code: ProofErrorCode) => (e: unknown) => e instanceof ProofError && e.code === code;

test('plans reject an index outside the tree, size1 > size2, size 0 and sizes that are not safe integers', () => {
  assert.throws(() => inclusionPlan(5, 5), invalid('index'));
  assert.throws(() => inclusionPlan(0, 0), invalid('size'));
  assert.throws(() => inclusionPlan(-1, 5), invalid('index'));
  assert.throws(() => inclusionPlan(1.5, 5), invalid('index'));
  assert.throws(() => inclusionPlan(0, 2 ** 53), invalid('size'));
  assert.throws(() => consistencyPlan(0, 5), invalid('size1'));
  assert.throws(() => consistencyPlan(6, 5), invalid('size1'));
  assert.throws(() => consistencyPlan(1, Number.NaN), invalid('size2'));
  assert.deepEqual(consistencyPlan(5, 5).ids, []);
  assert.deepEqual(consistencyPlan(5, 5).assemble([]), []);
});

test('a plan rejects the wrong number of hashes, or hashes that are not 32 bytes', () => {
  const plan = inclusionPlan(2, 7);
  const hashes = fetch(log, plan.ids, 7);
  assert.throws(() => plan.assemble(hashes.slice(1)), invalid('hashes'));
  assert.throws(() => plan.assemble([...hashes.slice(1), new Uint8Array(31)]), invalid('hashes'));
});

test('compact ranges reject leaf hashes that are not 32 bytes and reloads with the wrong hashes', () => {
  assert.throws(() => appendLeaves(emptyRange(), [h(1), new Uint8Array(20)]), (e: unknown) => invalid('leafHash')(e) && (e as PortcullisError).details[0]?.row === 1);
  assert.throws(() => rangeFrom(6, [h(1)]), invalid('hashes'));
  assert.throws(() => rangeFrom(6, [h(1), new Uint8Array(3)]), invalid('hashes'));
  assert.throws(() => rangeNodeIds(-1), invalid('size'));
  assert.throws(() => appendLeaves(rangeFrom(2 ** 53 - 1, rangeNodeIds(2 ** 53 - 1).map(() => h(0))), [h(1)]), PortcullisError);
  assert.deepEqual(rangeFrom(0, []), emptyRange());
});

test('inclusion verification says why a proof fails', () => {
  const proof = [h(1), h(2)];
  assert.throws(() => verifyInclusion(h(0), 3, 3, proof, h(9)), proofError('BAD_INDEX'));
  assert.throws(() => verifyInclusion(h(0), 2 ** 64, 3, proof, h(9)), proofError('BAD_INDEX'));
  assert.throws(() => verifyInclusion(h(0), 0, -3, proof, h(9)), proofError('BAD_SIZE'));
  assert.throws(() => verifyInclusion(new Uint8Array(31), 0, 3, proof, h(9)), proofError('WRONG_SIZE_HASH'));
  assert.throws(() => verifyInclusion(h(0), 0, 3, [h(1), new Uint8Array(33)], h(9)), proofError('WRONG_SIZE_HASH'));
  assert.throws(() => verifyInclusion(h(0), 0, 3, proof, new Uint8Array(0)), proofError('WRONG_SIZE_HASH'));
  assert.throws(() => verifyInclusion(h(0), 0, 3, [h(1)], h(9)), proofError('WRONG_PROOF_SIZE'));
  assert.throws(() => verifyInclusion(h(0), 0, 3, [...proof, h(3)], h(9)), proofError('WRONG_PROOF_SIZE'));
  assert.throws(() => verifyInclusion(h(0), 0, 3, proof, h(9)), proofError('ROOT_MISMATCH'));
  assert.throws(() => verifyInclusion(h(0), 0, 1, [], h(1)), proofError('ROOT_MISMATCH'));
  verifyInclusion(h(0), 0, 1, [], h(0));
});

test('the tree size is not bound by the hashes: leaf 0 of 3 checks out as leaf 0 of 4 with the same proof', () => {
  const plan = inclusionPlan(0, 3);
  const proof = plan.assemble(fetch(log, plan.ids, 3));
  verifyInclusion(log.leaves[0]!, 0, 3, proof, log.roots[3]!);
  verifyInclusion(log.leaves[0]!, 0, 4, proof, log.roots[3]!);
  assert.deepEqual(rootFromInclusionProof(log.leaves[0]!, 0, 4, proof), log.roots[3]);
});

test('consistency verification says why a proof fails', () => {
  assert.throws(() => verifyConsistency(0, 0, [], h(1), h(1)), proofError('SIZE1_ZERO'));
  assert.throws(() => verifyConsistency(0, 5, [h(2)], h(1), h(1)), proofError('SIZE1_ZERO'));
  assert.throws(() => verifyConsistency(3, 2, [], h(1), h(1)), proofError('BAD_SIZE'));
  assert.throws(() => verifyConsistency(1, 2 ** 53, [h(2)], h(1), h(1)), proofError('BAD_SIZE'));
  assert.throws(() => verifyConsistency(2, 2, [h(2)], h(1), h(1)), proofError('WRONG_PROOF_SIZE'));
  assert.throws(() => verifyConsistency(2, 2, [], h(1), h(2)), proofError('ROOT_MISMATCH'));
  assert.throws(() => verifyConsistency(2, 2, [], h(1), new Uint8Array(12)), proofError('WRONG_SIZE_HASH'));
  assert.throws(() => verifyConsistency(2, 3, [], h(1), h(2)), proofError('WRONG_PROOF_SIZE'));
  assert.throws(() => verifyConsistency(2, 3, [h(3), h(4)], h(1), h(2)), proofError('WRONG_PROOF_SIZE'));
  assert.throws(() => verifyConsistency(2, 3, [h(3)], h(1), h(2)), proofError('ROOT_MISMATCH'));
  verifyConsistency(2, 2, [], h(1), h(1));
  const proof = consistencyPlan(3, 7).assemble(fetch(log, consistencyPlan(3, 7).ids, 7));
  verifyConsistency(3, 7, proof, log.roots[3]!, log.roots[7]!);
  assert.throws(() => verifyConsistency(3, 7, proof, log.roots[7]!, log.roots[3]!), proofError('ROOT_MISMATCH'));
});
