import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { PortcullisError } from '../../domain/errors.ts';
import { openCheckpoint, type Signer, type Verifier } from '../../ledger/note/index.ts';
import { witnessStep, type WitnessState } from '../../ledger/witness/witness.ts';
import { LEDGER_PATHS } from './http.ts';

/** Where a witness reads a log from. */
export interface LogSource {
  readonly description: string;
  /** The latest signed checkpoint note. */
  checkpoint(): Promise<string>;
  consistency(from: number, to: number): Promise<Uint8Array[]>;
  /** Hands a cosignature back to the log, which publishes it with the checkpoint. */
  cosign(size: number, line: string): Promise<void>;
}

/** A log published over HTTP at `base` (the paths of ledger/http.ts, which the API shares). */
export function httpLogSource(base: string): LogSource {
  const url = (path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`).toString().replace(/([^:])\/\//, '$1/');
  const get = async (path: string) => {
    const r = await fetch(url(path));
    const body = await r.text();
    if (!r.ok) throw new PortcullisError(r.status === 404 ? 'NOT_FOUND' : 'STORE_ERROR', `the log at ${base} answered ${r.status} to ${path}: ${body.slice(0, 300)}`);
    return body;
  };
  return {
    description: base,
    checkpoint: () => get(LEDGER_PATHS.checkpoint.slice(1)),
    consistency: async (from, to) => {
      const body = await get(`${LEDGER_PATHS.consistency.slice(1)}?from=${from}&to=${to}`);
      return body.split('\n').filter((l) => l !== '').map((l) => new Uint8Array(Buffer.from(l, 'base64')));
    },
    cosign: async (size, line) => {
      const r = await fetch(url(LEDGER_PATHS.cosignatures.slice(1)), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size, line }) });
      if (!r.ok) throw new PortcullisError('STORE_ERROR', `the log at ${base} refused the cosignature (${r.status}): ${(await r.text()).slice(0, 300)}`);
    },
  };
}

export interface WitnessOptions {
  readonly source: LogSource;
  readonly log: Verifier;
  /** The witness's cosignature key (type 0x04). */
  readonly signer: Signer;
  /** The file that keeps what the witness last cosigned (JSON); made on first run. */
  readonly stateFile: string;
  readonly clock: () => Date;
}

export type WitnessReport =
  | { readonly kind: 'cosigned'; readonly size: number; readonly root: string; readonly from: number }
  | { readonly kind: 'unchanged'; readonly size: number }
  | { readonly kind: 'split-view'; readonly reason: string; readonly evidence: string };

/**
 * One round of the witness: fetch the log's latest checkpoint and a consistency proof from the one
 * last cosigned, verify, cosign and hand the cosignature to the log. The state file is replaced
 * atomically, and only after the log took the cosignature. A split view is reported with its
 * evidence (both signed notes) written beside the state file, and the state kept as it was.
 */
export async function witnessOnce(o: WitnessOptions): Promise<WitnessReport> {
  const state = readState(o.stateFile);
  const offered = await o.source.checkpoint();
  const size = openCheckpoint(offered, o.log).checkpoint.size;
  const proof = state !== null && size > state.size ? await o.source.consistency(state.size, size) : [];
  const step = witnessStep(state, offered, proof, o.log, o.signer, Math.floor(o.clock().getTime() / 1000));
  switch (step.kind) {
    case 'unchanged':
      return { kind: 'unchanged', size: step.state.size };
    case 'split-view': {
      const evidence = `${o.stateFile}.split-view-${o.clock().toISOString().replace(/[:.]/g, '-')}.json`;
      writeFileSync(evidence, `${JSON.stringify({ log: o.log.name, reason: step.reason, seen: step.seen, offered: step.offered, detectedAt: o.clock().toISOString() }, null, 2)}\n`);
      return { kind: 'split-view', reason: step.reason, evidence };
    }
    case 'cosigned':
      await o.source.cosign(step.state.size, step.line);
      writeState(o.stateFile, step.state);
      return { kind: 'cosigned', size: step.state.size, root: step.state.root, from: state?.size ?? 0 };
  }
}

function readState(file: string): WitnessState | null {
  if (!existsSync(file)) return null;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
    if (typeof s.origin !== 'string' || !Number.isSafeInteger(s.size) || typeof s.root !== 'string' || typeof s.note !== 'string') throw new Error('fields missing');
    return s;
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `the witness state ${file} is unreadable (${(e as Error).message})`, [{ field: 'state', problem: 'not a witness state', expected: 'the JSON file `portcullis witness` keeps' }]);
  }
}

function writeState(file: string, s: WitnessState): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
