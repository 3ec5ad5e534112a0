import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, post, query } from '../api.ts';
import { throughDay } from '../dates.ts';
import { useSession } from '../auth.tsx';
import { WeeklyChart, type Week } from '../components/WeeklyChart.tsx';

type Status = 'draft' | 'submitted' | 'approved' | 'active' | 'retired';
type Action = { type: 'force-lane'; lane: 'red' | 'yellow' | 'green' } | { type: 'add-score'; points: number } | { type: 'documentary-check' };
interface Rule {
  readonly id: string;
  readonly version: number;
  readonly status: Status;
  readonly name: string;
  readonly reason: string;
  readonly threat: string;
  readonly condition: unknown;
  readonly action: Action;
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly offices: readonly string[];
  readonly author: string;
  readonly createdAt: string;
  readonly approvedBy?: string;
}
/** How a rule did: selected (or hit), inspected, findings, hit rate with its Wilson 95 % interval, revenue, lift (src/risk/effectiveness). */
interface Effect {
  readonly inspected: number;
  readonly findings: number;
  readonly hitRate: number;
  readonly hitRateLow: number;
  readonly hitRateHigh: number;
  readonly revenue: number;
  readonly lift: number;
}
interface Backtest extends Effect {
  readonly declarations: number;
  readonly hits: number;
  readonly baseRate: number;
  readonly weekly: readonly Week[];
}
interface RuleEffect extends Effect {
  readonly rule: string;
  readonly name: string;
  readonly status: string;
  readonly decayed: boolean;
  readonly selected: number;
}

const THREATS = ['revenue', 'undervaluation', 'misclassification', 'origin', 'prohibited-goods', 'narcotics', 'weapons', 'intellectual-property', 'safety', 'security', 'other'];
/** The facts a condition may read (src/risk/rules/facts.ts), offered as the editor's help. */
const FACTS = ['office', 'importer', 'declarant', 'seller', 'exportCountry', 'originCountry', 'hsCode', 'hs2', 'hs4', 'hs6', 'modeOfTransport', 'portOfLoading', 'portOfDischarge', 'containerCount', 'itemCount', 'customsValue', 'currency', 'netMassKg', 'unitValue', 'taxRate', 'duty', 'unitValueRatio', 'importerSeen', 'newImporter', 'score', 'discrepancies', 'attr.<name>'];
const EXAMPLE = { and: [{ startsWith: [{ var: 'hsCode' }, '8471'] }, { '<': [{ var: 'unitValueRatio' }, 0.33] }] };
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const year = () => ({ from: `${new Date().getUTCFullYear() - 2}-01-01`, to: new Date().toISOString().slice(0, 10) });

/**
 * Analysts' rules (risk profiles): the list with each rule's state, a new rule written with a
 * condition editor (JsonLogic over the declaration's facts and the model score), a back-test over
 * any period with a chart of hits and findings per week, and the life of a version: submit
 * (author), approve and activate (a supervisor who is not the author: four eyes), retire.
 */
export function RulesPage() {
  const { has } = useSession();
  const id = useParams().id;
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => api<{ rules: Rule[] }>('/rules?limit=1000') });
  const period = year();
  const effect = useQuery({ queryKey: ['effectiveness', period.from], queryFn: () => api<{ rules: RuleEffect[] }>(`/effectiveness${query(period)}`) });
  const effectOf = new Map((effect.data?.rules ?? []).map((r) => [r.rule.split('@')[0], r]));
  return (
    <main className="page">
      <h1>Rules</h1>
      <div className="two">
        <section aria-labelledby="list">
          <h2 id="list">Risk profiles</h2>
          {rules.error && <p role="alert" className="error">{rules.error.message}</p>}
          <table className="simple" aria-label="Rules">
            <thead><tr><th>Rule</th><th>v</th><th>Status</th><th>Threat</th><th className="num">Hit rate (95 %)</th></tr></thead>
            <tbody>
              {(rules.data?.rules ?? []).map((r) => {
                const e = effectOf.get(r.id);
                return (
                  <tr key={r.id} className={r.id === id ? 'selected' : undefined}>
                    <td><Link to={`/rules/${encodeURIComponent(r.id)}`}>{r.name}</Link></td>
                    <td>{r.version}</td>
                    <td><span className={`status status-${r.status}`}>{r.status}</span></td>
                    <td>{r.threat}</td>
                    <td className="num">{e === undefined || e.inspected === 0 ? '–' : `${pct(e.hitRate)} (${pct(e.hitRateLow)}–${pct(e.hitRateHigh)})`}{e?.decayed ? ' ⚠ decayed' : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {has('analyst') && id !== 'new' && <p><Link to="/rules/new">New rule…</Link></p>}
        </section>
        <div>{id === 'new' ? <RuleEditor /> : id !== undefined ? <RuleDetail id={id} /> : <p className="muted">Choose a rule, or write a new one.</p>}</div>
      </div>
    </main>
  );
}

function RuleDetail({ id }: { id: string }) {
  const { me, has } = useSession();
  const client = useQueryClient();
  const rule = useQuery({ queryKey: ['rule', id], queryFn: () => api<{ rule: Rule; versions: Rule[] }>(`/rules/${encodeURIComponent(id)}`) });
  const step = useMutation({
    mutationFn: (verb: 'submit' | 'approve' | 'activate' | 'retire') => post<Rule>(`/rules/${encodeURIComponent(id)}/${verb}`, { version: rule.data!.rule.version }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['rule', id] });
      void client.invalidateQueries({ queryKey: ['rules'] });
    },
  });
  if (rule.isPending) return <p className="muted">loading…</p>;
  if (rule.error) return <p role="alert" className="error">{rule.error.message}</p>;
  const r = rule.data.rule;
  const mine = r.author === me?.id;
  return (
    <section aria-labelledby="rule">
      <h2 id="rule">{r.name} <span className={`status status-${r.status}`} aria-label="Status">{r.status}</span></h2>
      <dl className="facts">
        <dt>Id, version</dt><dd className="mono">{r.id} v{r.version}</dd>
        <dt>Reason</dt><dd>{r.reason}</dd>
        <dt>Threat</dt><dd>{r.threat}</dd>
        <dt>Action</dt><dd>{r.action.type === 'force-lane' ? `force lane ${r.action.lane}` : r.action.type === 'add-score' ? `add ${r.action.points} to the score` : 'documentary check'}</dd>
        <dt>Valid</dt><dd>{r.validFrom ?? 'always'} – {r.validTo ?? 'open'}</dd>
        <dt>Offices</dt><dd>{r.offices.length === 0 ? 'all' : r.offices.join(', ')}</dd>
        <dt>Author</dt><dd>{r.author}{r.approvedBy !== undefined && `, approved by ${r.approvedBy}`}</dd>
      </dl>
      <pre className="condition" aria-label="Condition">{JSON.stringify(r.condition, null, 2)}</pre>
      <div className="buttons">
        {r.status === 'draft' && has('analyst') && <button type="button" onClick={() => step.mutate('submit')}>Submit for approval</button>}
        {r.status === 'submitted' && has('supervisor') && <button type="button" onClick={() => step.mutate('approve')} disabled={mine} title={mine ? 'four eyes: another supervisor approves' : undefined}>Approve</button>}
        {r.status === 'approved' && has('supervisor') && <button type="button" onClick={() => step.mutate('activate')}>Activate</button>}
        {r.status === 'active' && has('supervisor') && <button type="button" onClick={() => step.mutate('retire')}>Retire</button>}
      </div>
      {step.error && <p role="alert" className="error">{step.error.message}</p>}
      <Backtester path={`/rules/${encodeURIComponent(id)}/backtest`} body={(p) => ({ ...p, version: r.version })} />
      <h3>Versions</h3>
      <ul>{rule.data.versions.map((v) => <li key={v.version}>v{v.version}: {v.status}, by {v.author} at {v.createdAt}</li>)}</ul>
    </section>
  );
}

/** A back-test over a period, of a stored rule or of the rule being written. */
function Backtester({ path, body, disabled }: { path: string; body: (p: { from: string; to: string; office?: string }) => unknown; disabled?: string }) {
  const [from, setFrom] = useState(year().from);
  const [to, setTo] = useState(year().to);
  const [office, setOffice] = useState('');
  const run = useMutation({ mutationFn: () => post<Backtest>(path, body({ from, to: throughDay(to), ...(office.trim() === '' ? {} : { office: office.trim() }) })) });
  const b = run.data;
  return (
    <section aria-labelledby="backtest">
      <h3 id="backtest">Back-test</h3>
      <form className="inline" aria-label="Back-test" onSubmit={(e) => { e.preventDefault(); run.mutate(); }}>
        <label>From<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <label>Office<input value={office} onChange={(e) => setOffice(e.target.value)} placeholder="all" /></label>
        <button type="submit" disabled={run.isPending || disabled !== undefined} title={disabled}>{run.isPending ? 'Back-testing…' : 'Back-test'}</button>
      </form>
      {run.error && <p role="alert" className="error">{run.error.message}</p>}
      {b !== undefined && (
        <>
          <p role="status" aria-label="Back-test result">
            Hits <b>{b.hits.toLocaleString()}</b> of {b.declarations.toLocaleString()} declarations; {b.inspected.toLocaleString()} inspected, {b.findings.toLocaleString()} findings; hit rate {b.inspected === 0 ? '–' : `${pct(b.hitRate)} (95 %: ${pct(b.hitRateLow)}–${pct(b.hitRateHigh)})`}; revenue {b.revenue.toLocaleString()}; lift over random selection {Number.isFinite(b.lift) ? `${b.lift.toFixed(2)}×` : '–'} (base rate {pct(b.baseRate)}).
          </p>
          <WeeklyChart weeks={b.weekly} />
        </>
      )}
    </section>
  );
}

function RuleEditor() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [threat, setThreat] = useState('undervaluation');
  const [actionType, setActionType] = useState<Action['type']>('documentary-check');
  const [lane, setLane] = useState<'red' | 'yellow' | 'green'>('red');
  const [points, setPoints] = useState('0.2');
  const [condition, setCondition] = useState(JSON.stringify(EXAMPLE, null, 2));
  const [offices, setOffices] = useState('');
  let parsed: unknown;
  let parseError: string | undefined;
  try {
    parsed = JSON.parse(condition);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const action: Action = actionType === 'force-lane' ? { type: 'force-lane', lane } : actionType === 'add-score' ? { type: 'add-score', points: Number(points) } : { type: 'documentary-check' };
  const definition = { name: name.trim(), reason: reason.trim(), threat, condition: parsed, action, offices: offices.split(/[\s,]+/).filter((o) => o !== '') };
  const save = useMutation({
    mutationFn: () => post<Rule>('/rules', definition),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['rules'] });
      navigate(`/rules/${encodeURIComponent(r.id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const problems = save.error instanceof ApiError ? save.error.details : [];
  return (
    <section aria-labelledby="new">
      <h2 id="new">New rule</h2>
      <form className="stack wide" aria-label="New rule" onSubmit={submit}>
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} /></label>
        <label>Reason (shown with every decision it takes part in)<textarea value={reason} onChange={(e) => setReason(e.target.value)} required rows={2} maxLength={500} /></label>
        <label>Threat<select value={threat} onChange={(e) => setThreat(e.target.value)}>{THREATS.map((t) => <option key={t}>{t}</option>)}</select></label>
        <label>
          Action
          <select value={actionType} onChange={(e) => setActionType(e.target.value as Action['type'])}>
            <option value="documentary-check">documentary check (at least yellow)</option>
            <option value="force-lane">force a lane</option>
            <option value="add-score">add to the score</option>
          </select>
        </label>
        {actionType === 'force-lane' && <label>Lane<select value={lane} onChange={(e) => setLane(e.target.value as 'red')}><option>red</option><option>yellow</option><option>green</option></select></label>}
        {actionType === 'add-score' && <label>Points (−1 to 1)<input value={points} onChange={(e) => setPoints(e.target.value)} inputMode="decimal" /></label>}
        <label>
          Condition (JsonLogic)
          <textarea className="mono" value={condition} onChange={(e) => setCondition(e.target.value)} rows={9} spellCheck={false} aria-invalid={parseError !== undefined} />
        </label>
        <p className="muted">Facts: {FACTS.map((f) => <code key={f}>{f} </code>)}; operators: and, or, !, if, ==, !=, &lt;, &lt;=, &gt;, &gt;=, +, −, *, /, min, max, in, startsWith and more; a malformed condition is refused with where and why.</p>
        {parseError !== undefined && <p role="alert" className="error">The condition is not JSON: {parseError}</p>}
        <label>Offices (blank: all)<input value={offices} onChange={(e) => setOffices(e.target.value)} placeholder="NL000396, NL000854" /></label>
        <button type="submit" disabled={save.isPending || parseError !== undefined}>Save draft</button>
        {save.error && (
          <div role="alert" className="error">
            {save.error.message}
            {problems.length > 0 && <ul>{problems.map((p, i) => <li key={i}>{p.field ?? ''}: {p.problem}{p.expected ? `; expected ${p.expected}` : ''}</li>)}</ul>}
          </div>
        )}
      </form>
      <Backtester path="/rules/backtest" body={(p) => ({ rule: definition, period: p })} {...(parseError === undefined ? {} : { disabled: 'fix the condition first' })} />
    </section>
  );
}
