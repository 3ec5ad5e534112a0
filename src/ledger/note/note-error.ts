/**
 * The one error class of the signed-note layer (keys, notes, checkpoints, cosignatures). Callers
 * match on `code`, never on the message; the message says what was wrong and what was expected.
 *
 * It extends Error rather than the domain's PortcullisError because its codes are this layer's own
 * closed union (as sigstore-js keeps one error class per layer); the app layer maps them.
 */
export type NoteErrorCode =
  /** A signed note is not in the C2SP signed-note format (structure, UTF-8, control characters…). */
  | 'MALFORMED_NOTE'
  /** A verifier or signer key (or the parts to generate one) is not in the note key format. */
  | 'MALFORMED_KEY'
  /** A key of the wrong signature type was given (e.g. a cosignature key to sign a note). */
  | 'WRONG_KEY_TYPE'
  /** Two known verifiers share a key name and key id, so a signature line cannot be attributed. */
  | 'AMBIGUOUS_KEY'
  /** A signature line by a known key (name and id match) does not verify. */
  | 'BAD_SIGNATURE'
  /** No signature line verifies by a known key, or the required one is missing. */
  | 'UNVERIFIED'
  /** A checkpoint body is not in the C2SP tlog-checkpoint format. */
  | 'MALFORMED_CHECKPOINT'
  /** A checkpoint's origin line is not the one expected (by default, the log key's name). */
  | 'ORIGIN_MISMATCH'
  /** A tlog-cosignature/v1 line is malformed, is by another key, or does not verify. */
  | 'BAD_COSIGNATURE';

export class NoteError extends Error {
  readonly code: NoteErrorCode;

  constructor(code: NoteErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoteError';
    this.code = code;
  }
}

export function isNoteError(e: unknown): e is NoteError {
  return e instanceof NoteError;
}
