import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, query } from '../api.ts';
import type { DeclarationView, Lane } from '../types.ts';

/**
 * A trader's own filings, in filing order, with the lane each was given (never a score
 * or a reason: the API does not send them to a party). The API lists only the caller's own.
 */
export function Filings() {
  const list = useInfiniteQuery({
    queryKey: ['filings'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<{ items: { declaration: DeclarationView; lane: Lane | null }[]; next: string | null }>(`/declarations${query({ limit: 200, cursor: pageParam })}`),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page">
      <h1>My filings</h1>
      {list.error && <p role="alert" className="error">{list.error.message}</p>}
      <table className="simple" aria-label="Filings">
        <thead>
          <tr>
            <th>Declaration</th>
            <th>Filed</th>
            <th>Office</th>
            <th>Route</th>
            <th>Items</th>
            <th>Lane</th>
          </tr>
        </thead>
        <tbody>
          {items.map(({ declaration: d, lane }) => (
            <tr key={d.id}>
              <td>
                <Link to={`/declarations/${encodeURIComponent(d.id)}`}>{d.id}</Link>
              </td>
              <td>{d.filedAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{d.customsOffice}</td>
              <td>
                {d.portOfLoading ?? '?'} → {d.portOfDischarge ?? '?'}
              </td>
              <td>{d.items.length}</td>
              <td>{lane === null ? <span className="muted">not decided</span> : <span className={`lane lane-${lane}`}>{lane}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isPending && <p className="muted">loading…</p>}
      {!list.isPending && items.length === 0 && <p className="muted">No filings yet.</p>}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More
        </button>
      )}
    </main>
  );
}
