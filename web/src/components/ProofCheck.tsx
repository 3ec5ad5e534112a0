import { useState } from 'react';
import { api } from '../api.ts';
import { verifyProofBundle } from '../ledger/verify.ts';

/** The log's verifier key, fetched once per page load. */
let logKey: Promise<string> | undefined;
export const ledgerKey = (): Promise<string> => (logKey ??= api<string>('/ledger/key').then((k) => k.trim()));

/**
 * Fetches an entry's inclusion proof and checks it here, in the browser, against the log's public
 * key: the checkpoint's signature, the audit path to its root and the payload's commitment. The
 * server is not trusted to say that its own proof holds.
 */
export function ProofCheck({ index }: { index: number }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' } | { kind: 'ok'; text: string } | { kind: 'bad'; text: string }>({ kind: 'idle' });
  const check = async () => {
    setState({ kind: 'busy' });
    try {
      const [bundle, key] = await Promise.all([api<unknown>(`/ledger/entries/${index}/proof`), ledgerKey()]);
      const r = await verifyProofBundle(bundle, key);
      if (r.ok) setState({ kind: 'ok', text: `verified: in the log's tree of ${r.size.toLocaleString()} entries (${r.origin})${r.payload === true ? ', payload matches its commitment' : ''}` });
      else setState({ kind: 'bad', text: `does not verify (${r.step}): ${r.message}` });
    } catch (e) {
      setState({ kind: 'bad', text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <span className="proof">
      <button type="button" onClick={() => void check()} disabled={state.kind === 'busy'} aria-label={`Verify proof of entry ${index} (its inclusion in the log)`}>
        Verify proof
      </button>
      {state.kind === 'ok' && <span className="ok" role="status">✓ {state.text}</span>}
      {state.kind === 'bad' && <span className="error" role="alert">✗ {state.text}</span>}
      {state.kind === 'busy' && <span className="muted">checking…</span>}
    </span>
  );
}
