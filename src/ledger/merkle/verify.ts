import { HASH_SIZE, hashesEqual, nodeHash } from './hash.ts';
import { ProofError } from './proof-error.ts';
import { isCount, isPowerOfTwo } from './tree-math.ts';

/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 write it, on plain numbers:
 * "right-shift" is ⌊x / 2⌋ and "LSB(x)" is x mod 2, which stay exact past 32 bits.
 */

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

function checkHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) throw new ProofError('WRONG_SIZE_HASH', `${what} has ${hash.length} bytes, expected ${HASH_SIZE}`);
}

function checkProof(proof: readonly Uint8Array[]): void {
  proof.forEach((p, i) => checkHash(p, `proof element ${i}`));
}

function checkSize(size: number, what: string): void {
  if (!isCount(size)) throw new ProofError('BAD_SIZE', `${what} ${size} is not an integer in [0, 2^53 − 1]`);
}

/** The root an inclusion proof leads to, or a ProofError if it is malformed for this index and size. */
export function rootFromInclusionProof(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array {
  checkSize(size, 'tree size');
  if (!isCount(index)) throw new ProofError('BAD_INDEX', `leaf index ${index} is not an integer in [0, 2^53 − 1]`);
  if (index >= size) throw new ProofError('BAD_INDEX', `leaf index ${index} is not below the tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  checkProof(proof);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('WRONG_PROOF_SIZE', `proof has ${proof.length} elements, more than leaf ${index} of a tree of ${size} needs`);
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('WRONG_PROOF_SIZE', `proof has ${proof.length} elements, fewer than leaf ${index} of a tree of ${size} needs`);
  return r;
}

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): void {
  checkHash(root, 'root');
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!hashesEqual(computed, root)) throw new ProofError('ROOT_MISMATCH', `inclusion proof for leaf ${index} of ${size} leads to another root`);
}

/** Checks that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with root `root1`. */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size1 > size2) throw new ProofError('BAD_SIZE', `size1 ${size1} is larger than size2 ${size2}: a log only grows`);
  if (size1 === 0) throw new ProofError('SIZE1_ZERO', 'size1 is 0: every tree extends the empty tree, so there is nothing to prove');
  checkHash(root1, 'root1');
  checkHash(root2, 'root2');
  checkProof(proof);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('WRONG_PROOF_SIZE', `sizes are equal (${size1}), so the proof must be empty; it has ${proof.length} elements`);
    if (!hashesEqual(root1, root2)) throw new ProofError('ROOT_MISMATCH', `sizes are equal (${size1}) but the roots differ`);
    return;
  }
  if (proof.length === 0) throw new ProofError('WRONG_PROOF_SIZE', `proof from ${size1} to ${size2} is empty`);
  // §2.1.4.2 step 2: when the old tree is perfect its root is the path's first element.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw new ProofError('WRONG_PROOF_SIZE', `proof has ${proof.length} elements, more than ${size1} to ${size2} needs`);
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('WRONG_PROOF_SIZE', `proof has ${proof.length} elements, fewer than ${size1} to ${size2} needs`);
  if (!hashesEqual(fr, root1)) throw new ProofError('ROOT_MISMATCH', `consistency proof does not lead to root1 of the tree of ${size1}`);
  if (!hashesEqual(sr, root2)) throw new ProofError('ROOT_MISMATCH', `consistency proof does not lead to root2 of the tree of ${size2}`);
}
