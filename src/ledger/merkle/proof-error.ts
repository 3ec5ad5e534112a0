/**
 * Why a proof did not verify. Callers match on `code`, never on the message.
 *
 * - `WRONG_SIZE_HASH`: a leaf hash, root or proof element is not 32 bytes.
 * - `BAD_INDEX`: the leaf index is not a safe integer, or not below the tree size.
 * - `BAD_SIZE`: a tree size is not a safe non-negative integer, or size1 > size2.
 * - `SIZE1_ZERO`: a consistency proof from the empty tree (it proves nothing; RFC 9162 has none).
 * - `WRONG_PROOF_SIZE`: the proof has more or fewer elements than the sizes call for.
 * - `ROOT_MISMATCH`: the proof leads to a different root than the one given.
 */
export type ProofErrorCode =
  | 'WRONG_SIZE_HASH'
  | 'BAD_INDEX'
  | 'BAD_SIZE'
  | 'SIZE1_ZERO'
  | 'WRONG_PROOF_SIZE'
  | 'ROOT_MISMATCH';

export class ProofError extends Error {
  readonly code: ProofErrorCode;

  constructor(code: ProofErrorCode, message: string) {
    super(message);
    this.name = 'ProofError';
    this.code = code;
  }
}

export function isProofError(e: unknown): e is ProofError {
  return e instanceof ProofError;
}
