export { NoteError, isNoteError, type NoteErrorCode } from './note-error.ts';
export {
  ED25519_COSIGNATURE,
  ED25519_NOTE,
  formatKeyId,
  generateSignerKey,
  keyIdOf,
  parseSignerKey,
  parseVerifierKey,
  type Signer,
  type Verifier,
} from './keys.ts';
export { MAX_SIGNATURES, appendSignatures, openNote, signNote, type OpenedNote } from './note.ts';
export { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint, type OpenedCheckpoint } from './checkpoint.ts';
export { checkCosignature, cosign, cosignedMessage, parseCosignature, verifyCosignature, type Cosignature } from './cosignature.ts';
