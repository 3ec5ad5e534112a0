import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ledgerKey, ProofCheck } from '../components/ProofCheck.tsx';
import type { LedgerEntry } from '../types.ts';

/**
 * The shared ledger: its latest signed checkpoint (with the witnesses' cosignatures), the log's
 * public key, and the look-up of an entry by index with its inclusion proof checked in the browser.
 */
export function LedgerPage() {
  const checkpoint = useQuery({ queryKey: ['checkpoint'], queryFn: () => api<string>('/ledger/checkpoint'), refetchInterval: 10_000 });
  const key = useQuery({ queryKey: ['ledger-key'], queryFn: ledgerKey });
  const [asked, setAsked] = useState('');
  const [index, setIndex] = useState<number | undefined>(undefined);
  const entry = useQuery({ queryKey: ['entry', index], queryFn: () => api<LedgerEntry>(`/ledger/entries/${index}`), enabled: index !== undefined });
  const lines = checkpoint.data?.split('\n') ?? [];
  const signatures = lines.filter((l) => l.startsWith('\u2014 '));
  const look = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(asked);
    if (Number.isSafeInteger(n) && n >= 0) setIndex(n);
  };
  return (
    <main className="page">
      <h1>Ledger</h1>
      <section aria-labelledby="checkpoint">
        <h2 id="checkpoint">Latest checkpoint</h2>
        {checkpoint.error && <p role="alert" className="error">{checkpoint.error.message}</p>}
        {checkpoint.data !== undefined && (
          <>
            <dl className="facts">
              <dt>Log</dt><dd className="mono">{lines[0]}</dd>
              <dt>Entries</dt><dd>{Number(lines[1]).toLocaleString()}</dd>
              <dt>Root hash</dt><dd className="mono">{lines[2]}</dd>
              <dt>Signed by</dt><dd>{signatures.map((s) => s.split(' ')[1]).join(', ')} ({signatures.length === 1 ? 'the log only' : `the log and ${signatures.length - 1} witness cosignature(s)`})</dd>
            </dl>
            <details>
              <summary>The note as published</summary>
              <pre>{checkpoint.data}</pre>
            </details>
          </>
        )}
        {key.data !== undefined && (
          <p>
            The log's public key: <code>{key.data}</code>
          </p>
        )}
      </section>
      <section aria-labelledby="lookup">
        <h2 id="lookup">Look up an entry</h2>
        <form onSubmit={look} className="inline" aria-label="Look up an entry">
          <label>
            Entry index
            <input inputMode="numeric" value={asked} onChange={(e) => setAsked(e.target.value)} />
          </label>
          <button type="submit">Look up</button>
        </form>
        {entry.error && <p role="alert" className="error">{entry.error.message}</p>}
        {entry.data !== undefined && (
          <>
            <dl className="facts">
              <dt>Index</dt><dd>{entry.data.index}</dd>
              <dt>Type</dt><dd>{entry.data.type}</dd>
              <dt>Subject</dt><dd>{entry.data.subject ?? ''}</dd>
              <dt>By</dt><dd>{entry.data.party} (key {entry.data.keyId})</dd>
              <dt>Time</dt><dd>{entry.data.time}</dd>
              <dt>Commitment</dt><dd className="mono">{entry.data.commitment}</dd>
            </dl>
            <ProofCheck index={entry.data.index} />
          </>
        )}
      </section>
    </main>
  );
}
