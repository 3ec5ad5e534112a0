import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { ledgerKey, ProofCheck } from '../components/ProofCheck.tsx';
import { decodeBase64, encodeBase64, openLogCheckpoint, verifyConsistency } from '../ledger/verify.ts';
import type { LedgerEntry } from '../types.ts';

/** The checkpoint this browser last verified, per log (public data: sizes and roots). */
interface Seen {
  readonly size: number;
  readonly root: string;
  readonly at: string;
}
const seenKey = (origin: string) => `portcullis.ledger.seen.${origin}`;
function loadSeen(origin: string): Seen | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(seenKey(origin)) ?? 'null') as Seen | null;
    return v !== null && Number.isSafeInteger(v.size) && typeof v.root === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

type Status = { kind: 'checking' } | { kind: 'ok'; size: number; since: Seen | undefined } | { kind: 'bad'; message: string };

/**
 * What a monitor of the log does, here in the browser: the latest checkpoint must be signed by the
 * log's key, and must extend the one this browser verified before (RFC 9162 consistency proof,
 * checked here), so that the log cannot show this user a rewritten or shrunk history unnoticed.
 */
function useLogStatus(note: string | undefined, key: string | undefined): Status {
  const [status, setStatus] = useState<Status>({ kind: 'checking' });
  useEffect(() => {
    if (note === undefined || key === undefined) return;
    let gone = false;
    void (async () => {
      try {
        const cp = await openLogCheckpoint(note, key);
        const before = loadSeen(cp.origin);
        const root = encodeBase64(cp.root);
        if (before !== undefined) {
          if (before.size > cp.size) throw new Error(`the log now shows ${cp.size.toLocaleString()} entries, fewer than the ${before.size.toLocaleString()} this browser verified on ${before.at}: it was rolled back`);
          const proof = before.size === cp.size ? [] : (await api<string>(`/ledger/proof/consistency${query({ from: before.size, to: cp.size })}`)).split('\n').filter((l) => l !== '').map((l) => decodeBase64(l) ?? new Uint8Array());
          await verifyConsistency(before.size, cp.size, decodeBase64(before.root) ?? new Uint8Array(), cp.root, proof);
        }
        localStorage.setItem(seenKey(cp.origin), JSON.stringify({ size: cp.size, root, at: new Date().toISOString() } satisfies Seen));
        if (!gone) setStatus({ kind: 'ok', size: cp.size, since: before });
      } catch (e) {
        if (!gone) setStatus({ kind: 'bad', message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      gone = true;
    };
  }, [note, key]);
  return status;
}

/**
 * The shared ledger: its latest signed checkpoint (with the witnesses' cosignatures), verified here
 * against the log's key and against the checkpoint this browser saw before, the log's public key,
 * and the look-up of an entry by index with its inclusion proof checked in the browser.
 */
export function LedgerPage() {
  const checkpoint = useQuery({ queryKey: ['checkpoint'], queryFn: () => api<string>('/ledger/checkpoint'), refetchInterval: 10_000 });
  const key = useQuery({ queryKey: ['ledger-key'], queryFn: ledgerKey });
  const [asked, setAsked] = useState('');
  const [index, setIndex] = useState<number | undefined>(undefined);
  const entry = useQuery({ queryKey: ['entry', index], queryFn: () => api<LedgerEntry>(`/ledger/entries/${index}`), enabled: index !== undefined });
  const status = useLogStatus(checkpoint.data, key.data);
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
            <p className={status.kind === 'bad' ? 'error' : status.kind === 'ok' ? 'ok' : 'muted'} role={status.kind === 'bad' ? 'alert' : 'status'} aria-label="Verification status">
              {status.kind === 'checking' && 'checking the checkpoint…'}
              {status.kind === 'ok' &&
                `✓ verified here: signed by the log's key${status.since === undefined ? ' (the first checkpoint this browser has seen of this log)' : status.since.size === status.size ? `, the same tree this browser verified on ${status.since.at}` : `, and consistent with the tree of ${status.since.size.toLocaleString()} entries this browser verified on ${status.since.at} (nothing in it changed)`}`}
              {status.kind === 'bad' && `✗ ${status.message}`}
            </p>
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
