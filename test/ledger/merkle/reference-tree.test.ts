import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  EMPTY_ROOT, appendLeaves, consistencyPlan, emptyRange, inclusionPlan, leafHash, rootOf, rootOfLeaves,
  verifyConsistency, verifyInclusion,
} from '../../../src/ledger/merkle/index.ts';
import { hex } from './reference.ts';

/**
 * transparency-dev/merkle's reference tree: eight leaf inputs with every node hash and the root of
 * every size 0..8. Every node the appends complete, and every root, must match; proofs assembled
 * from those node hashes must verify against those roots.
 */
const FILE = resolve(import.meta.dirname, '../../../../shared/vectors/transparency-dev-merkle/reference-tree.json');

interface ReferenceTree {
  readonly leafInputsHex: readonly string[];
  readonly nodeHashesHexByLevel: readonly (readonly string[])[];
  readonly rootHashesHexBySize: readonly string[];
}

const load = (): ReferenceTree | undefined => (existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as ReferenceTree) : undefined);
const skip = 'reference-tree.json not found: the vectors come from ../shared/vectors';

test('reference-tree.json: leaf hashes, every node and every root for sizes 0..8', (t) => {
  const tree = load();
  if (tree === undefined) return t.skip(skip);
  const leaves = tree.leafInputsHex.map((h) => leafHash(Buffer.from(h, 'hex')));
  assert.deepEqual(leaves.map(hex), tree.nodeHashesHexByLevel[0]);
  assert.equal(hex(EMPTY_ROOT), tree.rootHashesHexBySize[0]);
  for (let size = 0; size <= leaves.length; size++) {
    const { range, nodes } = appendLeaves(emptyRange(), leaves.slice(0, size));
    assert.equal(hex(rootOf(range)), tree.rootHashesHexBySize[size], `root of size ${size}`);
    assert.equal(hex(rootOfLeaves(leaves.slice(0, size)).root), tree.rootHashesHexBySize[size], `streamed root of size ${size}`);
    const want: string[] = [];
    tree.nodeHashesHexByLevel.forEach((level, l) => {
      level.forEach((h, i) => {
        if (l >= 1 && (i + 1) * 2 ** l <= size) want.push(`${l}:${i}:${h}`);
      });
    });
    assert.deepEqual(nodes.map((n) => `${n.level}:${n.index}:${hex(n.hash)}`).sort(), want.sort(), `nodes completed by ${size} leaves`);
  }
});

test('reference-tree.json: every inclusion and consistency proof for sizes 1..8 verifies', (t) => {
  const tree = load();
  if (tree === undefined) return t.skip(skip);
  const node = (level: number, index: number) => Buffer.from(tree.nodeHashesHexByLevel[level]![index]!, 'hex');
  const root = (size: number) => Buffer.from(tree.rootHashesHexBySize[size]!, 'hex');
  for (let size = 1; size <= 8; size++) {
    for (let index = 0; index < size; index++) {
      const plan = inclusionPlan(index, size);
      verifyInclusion(node(0, index), index, size, plan.assemble(plan.ids.map((id) => node(id.level, id.index))), root(size));
    }
    for (let size1 = 1; size1 <= size; size1++) {
      const plan = consistencyPlan(size1, size);
      verifyConsistency(size1, size, plan.assemble(plan.ids.map((id) => node(id.level, id.index))), root(size1), root(size));
    }
  }
});
