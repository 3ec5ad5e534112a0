import { verifyConsistency } from '../merkle/index.ts';
import { cosign, openCheckpoint, type Checkpoint, type Signer, type Verifier } from '../note/index.ts';

/**
 * A witness's view of one log: the latest checkpoint it has verified and cosigned. A witness
 * cosigns a checkpoint only when it is consistent with everything it cosigned before, so that a
 * log cannot show one history to some parties and another to others (a split view) without a
 * witness catching it — with both signed checkpoints as evidence anyone can check.
 */
export interface WitnessState {
  readonly origin: string;
  readonly size: number;
  /** base64 root of that checkpoint. */
  readonly root: string;
  /** The signed checkpoint note it last verified. */
  readonly note: string;
}

export type WitnessStep =
  /** Verified and consistent: the cosignature line to hand to the log, and the new state to keep. */
  | { readonly kind: 'cosigned'; readonly state: WitnessState; readonly line: string; readonly checkpoint: Checkpoint }
  /** The log offers nothing newer than what the witness holds (same size, same root). */
  | { readonly kind: 'unchanged'; readonly state: WitnessState }
  /**
   * Two checkpoints signed by the log that cannot both be true: same size with different roots, a
   * smaller tree than one already seen, or a consistency proof that fails. The notes are the evidence.
   */
  | { readonly kind: 'split-view'; readonly seen: string; readonly offered: string; readonly reason: string };

const b64 = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('base64');

/**
 * One step of the witness: `offered` is the log's latest signed checkpoint and `proof` the
 * consistency proof from the witness's size to its size (empty when the witness has seen nothing
 * yet: the first checkpoint is taken on trust, as a witness must start somewhere). The log's
 * signature must verify (a checkpoint it did not sign is an error, thrown, not a split view).
 * `time` is the cosignature's time, seconds since the epoch.
 */
export function witnessStep(state: WitnessState | null, offered: string, proof: readonly Uint8Array[], log: Verifier, signer: Signer, time: number): WitnessStep {
  const { checkpoint, text } = openCheckpoint(offered, log);
  const root = b64(checkpoint.root);
  const next: WitnessState = { origin: checkpoint.origin, size: checkpoint.size, root, note: offered };
  if (state !== null) {
    if (checkpoint.size < state.size) {
      return { kind: 'split-view', seen: state.note, offered, reason: `the log offers a tree of ${checkpoint.size} entries after one of ${state.size}: a log only grows` };
    }
    if (checkpoint.size === state.size) {
      if (root === state.root) return { kind: 'unchanged', state };
      return { kind: 'split-view', seen: state.note, offered, reason: `two checkpoints of ${state.size} entries with different roots` };
    }
    try {
      verifyConsistency(state.size, checkpoint.size, proof, Buffer.from(state.root, 'base64'), checkpoint.root);
    } catch (e) {
      return { kind: 'split-view', seen: state.note, offered, reason: `the tree of ${checkpoint.size} entries is not consistent with the one of ${state.size} the witness cosigned (${(e as Error).message})` };
    }
  }
  return { kind: 'cosigned', state: next, line: cosign(text, signer, time), checkpoint };
}

