import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, post, query } from '../api.ts';
import { useSession } from '../auth.tsx';
import { Choice, LANES } from '../components/Choice.tsx';
import { ContributionChart } from '../components/ContributionChart.tsx';
import { ProofCheck } from '../components/ProofCheck.tsx';
import type { Decision, DeclarationView, Discrepancy, DiscrepancySide, Lane, LaneView, LedgerEntry, Track } from '../types.ts';

// The map, its world and d3-geo come in a chunk of their own, fetched when a voyage is shown.
const VoyageMap = lazy(() => import('../components/VoyageMap.tsx'));

interface Inspection {
  readonly declarationId: string;
  readonly finding: 'none' | 'irregularity' | 'seizure';
  readonly revenueRecovered?: number;
  readonly currency?: string;
  readonly notes?: string;
  readonly inspectedAt?: string;
  readonly inspector?: string;
  readonly recordedAt: string;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/**
 * One declaration: the filing, its decision (lane, selection type, the probability with which it
 * was selected, thresholds, the model's explanation, the rules that hit), the inspections recorded,
 * its ledger entries with their proofs checked here, and the forms to record an inspection or to
 * override the lane with a reason; the consignment's voyage on a map and where the parties' records
 * disagree. What a user's role may not see the API does not send (a trader gets the lane only), and
 * the page shows what it got.
 */
export function DeclarationPage() {
  const id = useParams().id!;
  const { has } = useSession();
  const view = useQuery({ queryKey: ['declaration', id], queryFn: () => api<{ declaration: DeclarationView; decision?: Decision | null; lane: LaneView | null }>(`/declarations/${encodeURIComponent(id)}`) });
  const inspections = useQuery({
    queryKey: ['inspections', id],
    queryFn: () => api<{ inspections: Inspection[] }>(`/declarations/${encodeURIComponent(id)}/inspections`),
    enabled: has('analyst', 'supervisor', 'officer', 'auditor', 'admin'),
  });
  const entries = useQuery({ queryKey: ['entries', id], queryFn: () => api<{ entries: LedgerEntry[] }>(`/ledger/entries${query({ subject: `declaration:${id}` })}`) });

  if (view.isPending) return <main className="page"><p className="muted">loading…</p></main>;
  if (view.error) return <main className="page"><h1>Declaration {id}</h1><p role="alert" className="error">{view.error instanceof ApiError && view.error.status === 404 ? `No declaration ${id} that you may see.` : view.error.message}</p></main>;
  const { declaration: d, decision, lane } = view.data;
  return (
    <main className="page declaration">
      <p><Link to="/">← back</Link></p>
      <h1>
        Declaration {d.id} {lane !== null && <span className={`lane lane-${lane.lane}`}>{lane.lane}</span>}
      </h1>
      <section aria-labelledby="filing">
        <h2 id="filing">Filing</h2>
        <dl className="facts">
          <dt>Filed</dt><dd>{d.filedAt}</dd>
          <dt>Office</dt><dd>{d.customsOffice}</dd>
          {d.importer !== undefined && (<><dt>Importer</dt><dd>{d.importer}</dd></>)}
          {d.declarant !== undefined && (<><dt>Declarant</dt><dd>{d.declarant}</dd></>)}
          <dt>Route</dt><dd>{d.originCountry ?? '?'} · {d.portOfLoading ?? '?'} → {d.portOfDischarge ?? '?'} {d.transportMode !== undefined && `(${d.transportMode})`}</dd>
          {d.containers !== undefined && d.containers.length > 0 && (<><dt>Containers</dt><dd>{d.containers.join(', ')}</dd></>)}
        </dl>
        <table className="simple" aria-label="Goods items">
          <thead><tr><th>#</th><th>HS code</th><th>Description</th><th>Origin</th><th className="num">Value</th><th className="num">Mass kg</th></tr></thead>
          <tbody>
            {d.items.map((it) => (
              <tr key={it.sequence}>
                <td>{it.sequence}</td><td>{it.hsCode}</td><td>{it.description ?? ''}</td><td>{it.originCountry ?? ''}</td>
                <td className="num">{it.customsValue.toLocaleString()} {it.currency ?? ''}</td><td className="num">{it.grossMassKg?.toLocaleString() ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {decision !== undefined && decision !== null && <DecisionSection decision={decision} />}
      {decision === null && <p className="muted">Not decided yet.</p>}

      {/* Those who may read telemetry (the track's policy): analysts, supervisors, officers, auditors. */}
      {has('analyst', 'supervisor', 'officer', 'auditor') && <VoyageSection id={id} />}
      {/* Sent to those who may read a decision's details, like the decision: never to a trader. */}
      {decision !== undefined && <DiscrepanciesSection id={id} />}

      {inspections.data !== undefined && (
        <section aria-labelledby="inspections">
          <h2 id="inspections">Inspections</h2>
          {inspections.data.inspections.length === 0 ? <p className="muted">None recorded.</p> : (
            <table className="simple" aria-label="Inspections">
              <thead><tr><th>Recorded</th><th>Finding</th><th className="num">Revenue</th><th>Notes</th></tr></thead>
              <tbody>
                {inspections.data.inspections.map((i) => (
                  <tr key={i.recordedAt}><td>{i.recordedAt}</td><td>{i.finding}</td><td className="num">{i.revenueRecovered ?? ''} {i.currency ?? ''}</td><td>{i.notes ?? ''}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {has('officer') && <InspectionForm id={id} />}
      {has('analyst', 'supervisor') && decision !== undefined && decision !== null && <OverrideForm id={id} lane={decision.lane} />}

      <section aria-labelledby="ledger">
        <h2 id="ledger">In the ledger</h2>
        {entries.error && <p role="alert" className="error">{entries.error.message}</p>}
        {entries.data !== undefined && entries.data.entries.length === 0 && <p className="muted">No entries yet (they are appended within a second or so).</p>}
        {entries.data !== undefined && entries.data.entries.length > 0 && (
          <table className="simple" aria-label="Ledger entries">
            <thead><tr><th className="num">Index</th><th>Type</th><th>By</th><th>Time</th><th>Proof</th></tr></thead>
            <tbody>
              {entries.data.entries.map((e) => (
                <tr key={e.index}>
                  <td className="num">{e.index}</td><td>{e.type}</td><td>{e.party}</td><td>{e.time}</td>
                  <td><ProofCheck index={e.index} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function DecisionSection({ decision: c }: { decision: Decision }) {
  const rules = c.reasons.filter((r) => r.kind === 'rule');
  const alerts = c.reasons.filter((r) => r.kind === 'alert');
  return (
    <section aria-labelledby="decision">
      <h2 id="decision">Decision (revision {c.revision})</h2>
      <dl className="facts">
        <dt>Lane</dt><dd><span className={`lane lane-${c.lane}`}>{c.lane}</span></dd>
        <dt>Selection</dt><dd>{c.selectionType}, selected with probability {pct(c.propensity)}</dd>
        <dt>Risk score</dt><dd>{c.score === null ? 'no model' : c.score.toFixed(3)} (model probability {c.probability === null ? '–' : c.probability.toFixed(3)}; thresholds red {c.thresholds.red.toFixed(3)}, yellow {c.thresholds.yellow.toFixed(3)})</dd>
        <dt>Decided</dt><dd>{c.decidedAt} at {c.office}</dd>
        <dt>Model</dt><dd className="mono">{c.model ?? 'none'}</dd>
      </dl>
      {alerts.length > 0 && (
        <>
          <h3>Alerts</h3>
          <ul className="alerts">{alerts.map((a) => <li key={a.code}>{a.text}</li>)}</ul>
        </>
      )}
      <h3>Rules that hit</h3>
      {rules.length === 0 ? <p className="muted">None.</p> : <ul>{rules.map((r) => <li key={r.code}><span className="mono">{r.code}</span>: {r.text}</li>)}</ul>}
      <h3>Why the model scored it so</h3>
      <ContributionChart reasons={c.reasons} />
    </section>
  );
}

function InspectionForm({ id }: { id: string }) {
  const client = useQueryClient();
  const [finding, setFinding] = useState<Inspection['finding']>('none');
  const [revenue, setRevenue] = useState('');
  const [notes, setNotes] = useState('');
  const record = useMutation({
    mutationFn: () => post('/inspections', { declarationId: id, finding, ...(revenue.trim() === '' ? {} : { revenueRecovered: Number(revenue), currency: 'EUR' }), ...(notes.trim() === '' ? {} : { notes: notes.trim() }) }),
    onSuccess: () => {
      setNotes('');
      setRevenue('');
      void client.invalidateQueries({ queryKey: ['inspections', id] });
      void client.invalidateQueries({ queryKey: ['entries', id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate();
  };
  return (
    <section aria-labelledby="record">
      <h2 id="record">Record an inspection</h2>
      <form onSubmit={submit} className="stack" aria-label="Record an inspection">
        <Choice label="Finding" value={finding} options={['none', 'irregularity', 'seizure'] as const} onChange={(v) => v !== '' && setFinding(v)} />
        <label>
          Revenue recovered (EUR)
          <input inputMode="decimal" value={revenue} onChange={(e) => setRevenue(e.target.value)} />
        </label>
        <label>
          Notes
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} />
        </label>
        <button type="submit" disabled={record.isPending}>Record</button>
        {record.isSuccess && <p role="status" className="ok">Recorded.</p>}
        {record.error && <p role="alert" className="error">{record.error.message}</p>}
      </form>
    </section>
  );
}

function OverrideForm({ id, lane }: { id: string; lane: Lane }) {
  const client = useQueryClient();
  const [to, setTo] = useState<Lane>(lane === 'red' ? 'yellow' : 'red');
  const [reason, setReason] = useState('');
  const override = useMutation({
    mutationFn: () => post(`/worklist/${encodeURIComponent(id)}/override`, { lane: to, reason }),
    onSuccess: () => {
      setReason('');
      void client.invalidateQueries({ queryKey: ['declaration', id] });
      void client.invalidateQueries({ queryKey: ['entries', id] });
    },
  });
  return (
    <section aria-labelledby="override">
      <h2 id="override">Override the lane</h2>
      <form onSubmit={(e) => { e.preventDefault(); override.mutate(); }} className="stack" aria-label="Override the lane">
        <Choice label="New lane" value={to} options={LANES} onChange={(v) => v !== '' && setTo(v)} />
        <label>
          Reason (required)
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required minLength={3} />
        </label>
        <button type="submit" disabled={override.isPending}>Override</button>
        {override.isSuccess && <p role="status" className="ok">Overridden.</p>}
        {override.error && <p role="alert" className="error">{override.error.message}</p>}
      </form>
    </section>
  );
}

const when = (iso: string | null) => (iso === null ? '–' : iso.replace('T', ' ').replace(/:\d{2}(\.\d+)?Z$/, ' UTC'));
const place = (p: { lat: number; lon: number } | null | undefined) => (p == null ? '–' : `${Math.abs(p.lat).toFixed(2)}° ${p.lat >= 0 ? 'N' : 'S'}, ${Math.abs(p.lon).toFixed(2)}° ${p.lon >= 0 ? 'E' : 'W'}`);

/**
 * The consignment's voyage: the map (fetched lazily), and beside and below it the same facts as
 * text: the alerts, the ports, the last position. Fetched again every 10 s, so a voyage under way
 * moves on. A declaration with no route to draw (no container, or no two ports with known
 * positions) says so.
 */
function VoyageSection({ id }: { id: string }) {
  const track = useQuery({
    queryKey: ['track', id],
    queryFn: () => api<Track>(`/consignments/${encodeURIComponent(id)}/track`),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 1,
    refetchInterval: (q) => (q.state.error === null ? 10_000 : false),
  });
  const body = () => {
    if (track.isPending) return <p className="muted">loading…</p>;
    if (track.error) {
      return track.error instanceof ApiError && track.error.status === 404
        ? <p className="muted">No voyage to show: the declaration names no container with a port of loading and a port of discharge the monitors can place.</p>
        : <p role="alert" className="error">{track.error.message}</p>;
    }
    const t = track.data;
    const fixes = t.events.filter((e) => e.event.position !== undefined);
    const last = fixes.at(-1);
    return (
      <>
        <p className="muted">
          Container <span className="mono">{t.container}</span>: planned route {t.ports.join(' → ')}, corridor {t.corridorKm} km either side of it;{' '}
          {t.events.length === 0 ? 'no telemetry received yet.' : `${t.events.length} events from its device, ${fixes.length} with a position.`}
        </p>
        <div className="voyage">
          <figure className="voyage-figure">
            <Suspense fallback={<p className="muted">loading the map…</p>}>
              <VoyageMap track={t} />
            </Suspense>
            <figcaption className="legend">
              <span className="key key-route">planned route</span> <span className="key key-corridor">corridor</span> <span className="key key-track">track</span>{' '}
              <span className="key key-last">last position</span> <span className="key key-alert">alert</span>
            </figcaption>
          </figure>
          <div>
            <h3>Alerts on the voyage</h3>
            {t.alerts.length === 0 ? <p className="muted">None.</p> : (
              <ol className="voyage-alerts" aria-label="Alerts on the voyage">
                {t.alerts.map((a) => (
                  <li key={a.id} className={`severity-${a.severity}`}>
                    <strong>{a.code}</strong> ({a.severity}), {when(a.at ?? a.raisedAt)}, at {place(a.position)}
                    <br />
                    <span className="muted">{a.message}</span>
                  </li>
                ))}
              </ol>
            )}
            <h3>Last position</h3>
            <p>{last === undefined ? <span className="muted">None reported yet.</span> : <>{place(last.event.position)} at {when(last.event.time)}{last.event.eventCode !== undefined && ` (${last.event.eventCode})`}</>}</p>
          </div>
        </div>
        <table className="simple compact" aria-label="Ports of the planned route">
          <thead><tr><th className="num">#</th><th>Port (UN/LOCODE)</th><th>Latitude</th><th>Longitude</th></tr></thead>
          <tbody>
            {t.portPositions.map((p, i) => (
              <tr key={`${p.code}-${i}`}><td className="num">{i + 1}</td><td>{p.code}</td><td>{p.lat.toFixed(2)}</td><td>{p.lon.toFixed(2)}</td></tr>
            ))}
          </tbody>
        </table>
      </>
    );
  };
  return (
    <section aria-labelledby="voyage">
      <h2 id="voyage">Voyage</h2>
      {body()}
    </section>
  );
}

const FIELD_NAMES: Record<Discrepancy['field'], string> = {
  container: 'Container',
  portOfLoading: 'Port of loading',
  portOfDischarge: 'Port of discharge',
  weight: 'Weight (kg)',
  date: 'Date',
  seal: 'Seal',
};

function SideCell({ side }: { side: DiscrepancySide }) {
  const value = side.value === null ? '—' : Array.isArray(side.value) ? side.value.join(', ') || '—' : typeof side.value === 'number' ? side.value.toLocaleString() : String(side.value);
  const entries = side.records.flatMap((r) => (r.entry === null ? [] : [r.entry]));
  return (
    <td>
      <span className="muted">{side.role} {side.party}:</span> <strong>{value}</strong>
      {side.records.length > 0 && (
        <div className="muted">
          {side.records.map((r) => r.id).join(', ')}
          {entries.length > 0 && <> · ledger entr{entries.length === 1 ? 'y' : 'ies'} {entries.join(', ')}</>}
        </div>
      )}
    </td>
  );
}

/** Where the declarant, the carrier and the devices recorded different things of this consignment, each side with the records (and ledger entries) it rests on. */
function DiscrepanciesSection({ id }: { id: string }) {
  const found = useQuery({ queryKey: ['discrepancies', id], queryFn: () => api<{ discrepancies: Discrepancy[] }>(`/declarations/${encodeURIComponent(id)}/discrepancies`) });
  return (
    <section aria-labelledby="discrepancies">
      <h2 id="discrepancies">Discrepancies between parties</h2>
      {found.isPending && <p className="muted">loading…</p>}
      {found.error && <p role="alert" className="error">{found.error.message}</p>}
      {found.data !== undefined && found.data.discrepancies.length === 0 && <p className="muted">None: what the carrier and the devices recorded agrees with the filing (or nothing was recorded).</p>}
      {found.data !== undefined && found.data.discrepancies.length > 0 && (
        <table className="simple" aria-label="Discrepancies between parties">
          <thead><tr><th>Field</th><th>Container</th><th>One party recorded</th><th>The other recorded</th><th>Finding</th></tr></thead>
          <tbody>
            {found.data.discrepancies.map((x, i) => (
              <tr key={`${x.field}-${x.container ?? ''}-${i}`}>
                <td>{FIELD_NAMES[x.field]}</td><td className="mono nowrap">{x.container ?? ''}</td>
                <SideCell side={x.sides[0]} /><SideCell side={x.sides[1]} />
                <td>{x.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
