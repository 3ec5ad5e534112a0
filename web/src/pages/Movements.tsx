import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { ProofCheck } from '../components/ProofCheck.tsx';
import type { Movement } from '../types.ts';

/** What DCSA's event codes mean, as the table says them. */
const CODES: Record<string, string> = {
  LOAD: 'loaded',
  DISC: 'discharged',
  GTIN: 'gate in',
  GTOT: 'gate out',
  STUF: 'stuffed',
  STRP: 'stripped',
  INSP: 'inspected',
  RSEA: 'resealed',
  ARRI: 'arrived',
  DEPA: 'departed',
};

/** An ISO 6346 container number, or a transport document reference. */
const CONTAINER = /^[A-Z]{4}\d{7}$/;

/**
 * A carrier's own movements (the API sends a carrier nothing else), newest first, or those of one
 * container or bill of lading; each with the ledger entry that records it, whose inclusion proof
 * the carrier verifies here, in the browser: what it reported is in the shared log, unchanged.
 */
export function MovementsPage() {
  const [search, setSearch] = useState('');
  const [asked, setAsked] = useState('');
  const filter = asked === '' ? {} : CONTAINER.test(asked) ? { container: asked } : { document: asked };
  const list = useInfiniteQuery({
    queryKey: ['movements', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<{ movements: Movement[]; next: string | null }>(`/movements${query({ ...filter, limit: 100, cursor: pageParam })}`),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.movements) ?? [];
  return (
    <main className="page">
      <h1>My movements</h1>
      <form
        className="filters"
        aria-label="Find movements"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(search.trim().toUpperCase());
        }}
      >
        <label>
          Container or bill of lading
          <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. MSKU9070323" />
        </label>
        <button type="submit">Find</button>
        {asked !== '' && (
          <button
            type="button"
            onClick={() => {
              setSearch('');
              setAsked('');
            }}
          >
            All my movements
          </button>
        )}
      </form>
      {list.error && <p role="alert" className="error">{list.error.message}</p>}
      <table className="simple movements" aria-label="Movements">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Container</th>
            <th>Bill of lading</th>
            <th>Where</th>
            <th>Vessel</th>
            <th>Seals</th>
            <th>Gross kg</th>
            <th>Ledger</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ event: e, ledgerIndex }) => (
            <tr key={e.eventId}>
              <td>{e.eventDateTime.slice(0, 16).replace('T', ' ')}</td>
              <td>
                <abbr title={CODES[e.eventCode] ?? e.eventCode}>{e.eventCode}</abbr> <span className="muted">{CODES[e.eventCode] ?? ''}</span>
              </td>
              <td className="mono">{e.container ?? '—'}</td>
              <td className="mono">{e.transportDocument ?? '—'}</td>
              <td>{e.location}</td>
              <td>{e.vessel === undefined ? '—' : `${e.vessel}${e.voyage === undefined ? '' : ` / ${e.voyage}`}`}</td>
              <td className="mono">{e.seals.length === 0 ? '—' : e.seals.join(', ')}</td>
              <td>{e.grossWeightKg === undefined ? '—' : e.grossWeightKg.toLocaleString()}</td>
              <td>{ledgerIndex === null ? <span className="muted">not yet recorded</span> : <>entry {ledgerIndex} <ProofCheck index={ledgerIndex} /></>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isPending && <p className="muted">loading…</p>}
      {!list.isPending && rows.length === 0 && <p className="muted">{asked === '' ? 'No movements recorded yet.' : `No movement of yours about ${asked}.`}</p>}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More
        </button>
      )}
    </main>
  );
}
