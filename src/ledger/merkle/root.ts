import { PortcullisError } from '../../domain/errors.ts';
import { foldRight, pushLeaf } from './compact-range.ts';
import { HASH_SIZE } from './hash.ts';

/**
 * The root MTH(D[0:n]) of a sequence of leaf hashes, streamed through a compact range: memory
 * stays at one hash per level however many leaves there are, and no node list is kept.
 */
export function rootOfLeaves(leafHashes: Iterable<Uint8Array>): { size: number; root: Uint8Array } {
  const hashes: Uint8Array[] = [];
  let size = 0;
  for (const leaf of leafHashes) {
    if (leaf.length !== HASH_SIZE) {
      throw new PortcullisError('INVALID_INPUT', `leaf hash ${size} has ${leaf.length} bytes, expected ${HASH_SIZE}`, [
        { row: size, field: 'leafHash', problem: `${leaf.length} bytes`, expected: `${HASH_SIZE} bytes` },
      ]);
    }
    pushLeaf(hashes, size, leaf);
    size++;
  }
  return { size, root: foldRight(hashes) };
}
