import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, post, query } from '../api.ts';
import { throughDay } from '../dates.ts';
import { useSession } from '../auth.tsx';
import { binLabel, CalibrationChart, InspectionChart, PsiChart, RocChart, ScoreDistributionChart, type Drawn } from '../components/ModelCharts.tsx';
import type { DriftReport, Job, ModelEvaluation, ModelMeasures, RateKey, RegisteredModel } from '../types.ts';

const RATES: readonly RateKey[] = ['1', '2', '5', '10'];
const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
const num = (x: number | undefined, digits = 3) => (x === undefined ? '–' : x.toFixed(digits));
/** "sha256:0a1b2c…" as its first twelve hex digits: enough to tell the models of one store apart. */
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const day = (t: string | null | undefined) => (t == null ? '' : t.slice(0, 10));
const today = () => new Date().toISOString().slice(0, 10);
// A chosen "to" day is included: the API's `to` is the first instant left out.
const period = (from: string, to: string) => ({ ...(from === '' ? {} : { from }), ...(to === '' ? {} : { to: throughDay(to) }) });

/**
 * Models: the registered models with how each did in training; a training run started here, its
 * progress followed until the model is registered; a model's evaluation over a period as charts
 * (hits against inspection rate, ROC, calibration) and a table; two models compared on the same
 * declarations; activation (supervisors: the server's policy decides); and the drift of the
 * traffic from the training period of the model in force.
 */
export function ModelsPage() {
  const { has } = useSession();
  const id = useParams().id;
  const models = useQuery({ queryKey: ['models'], queryFn: () => api<{ models: RegisteredModel[] }>('/models') });
  const list = [...(models.data?.models ?? [])].sort((a, b) => b.registeredAt.localeCompare(a.registeredAt));
  const selected = list.find((m) => m.id === id);
  const evaluates = has('analyst', 'supervisor');
  return (
    <main className="page">
      <h1>Models</h1>
      <div className="models-top">
        <div>
          <section aria-labelledby="registered">
            <h2 id="registered">Registered models</h2>
            {models.error && <p role="alert" className="error">{models.error.message}</p>}
            <table className="simple" aria-label="Models">
              <thead>
                <tr><th>Model</th><th>Label</th><th>Status</th><th>Registered</th><th className="num">AUC</th><th className="num"><abbr title="Precision at 5 % inspected">P@5 %</abbr></th></tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id} className={m.id === id ? 'selected' : undefined}>
                    <td><Link to={`/models/${encodeURIComponent(m.id)}`} className="mono model-id" aria-label={`Model ${short(m.id)}`}>{short(m.id)}</Link></td>
                    <td>{m.label}</td>
                    <td><span className={`status status-${m.status}`}>{m.status}</span></td>
                    <td>{day(m.registeredAt)} <span className="muted">by {m.registeredBy}</span></td>
                    <td className="num">{num(m.summary.validation?.auc)}</td>
                    <td className="num">{pct(m.summary.validation?.precisionAt?.['5'])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">AUC and precision as measured on each model's validation period when it was trained.</p>
          </section>
          {evaluates && <Train />}
        </div>
        <div>{id === undefined ? <p className="muted">Choose a model to see how it was trained and how it does.</p> : models.isPending ? <p className="muted">loading…</p> : selected === undefined ? <p role="alert" className="error">No registered model {id}.</p> : <ModelDetail model={selected} evaluates={evaluates} />}</div>
      </div>
      {evaluates && list.length > 0 && <Compare models={list} />}
      <Drift models={list} />
    </main>
  );
}

/** Starts a training run on the store's labelled declarations, then follows its job to its end. */
function Train() {
  const client = useQueryClient();
  const [label, setLabel] = useState<'illicit' | 'critical'>('illicit');
  const [validFrom, setValidFrom] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [seed, setSeed] = useState('1');
  const start = useMutation({ mutationFn: () => post<Job>('/models/train', { label, validFrom, ...period(from, to), seed: Number(seed) }) });
  const id = start.data?.id;
  // Fetched again every half second while it runs; once it has succeeded, the list shows the new model.
  const job = useQuery({
    queryKey: ['job', id],
    enabled: id !== undefined,
    queryFn: async () => {
      const j = await api<Job>(`/jobs/${id}`);
      if (j.status === 'succeeded') void client.invalidateQueries({ queryKey: ['models'] });
      return j;
    },
    refetchInterval: (q) => (q.state.data?.status === 'succeeded' || q.state.data?.status === 'failed' ? false : 500),
  });
  const j = job.data ?? start.data;
  const running = start.isPending || j?.status === 'running';
  const model = j?.status === 'succeeded' ? (j.result as RegisteredModel) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <section aria-labelledby="train">
      <h2 id="train">Train a model</h2>
      <form className="stack" aria-label="Train a model" onSubmit={submit}>
        <label>Label<select value={label} onChange={(e) => setLabel(e.target.value as 'illicit')}><option value="illicit">illicit (any finding)</option><option value="critical">critical (seizures)</option></select></label>
        <label>Validation from (the declarations filed from this day on measure the model; those before train it)<input type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} required /></label>
        <div className="row">
          <label>Declarations from<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          <label>Seed<input type="number" min={1} step={1} value={seed} onChange={(e) => setSeed(e.target.value)} required className="narrow" /></label>
        </div>
        <button type="submit" disabled={running}>{running ? 'Training…' : 'Train'}</button>
        {start.error && <p role="alert" className="error">{start.error.message}</p>}
      </form>
      {j !== undefined && (
        <div className="job">
          <progress value={j.progress} max={1} aria-label="Training progress">{Math.round(j.progress * 100)} %</progress>
          <p role="status" aria-label="Training">
            {j.status === 'running' && <>{Math.round(j.progress * 100)} %: {j.message}</>}
            {model !== undefined && <>Trained and registered: <Link to={`/models/${encodeURIComponent(model.id)}`} className="mono">{short(model.id)}</Link></>}
            {j.status === 'failed' && <span className="error">Training failed: {j.error?.message ?? j.message}</span>}
          </p>
          {job.error && <p role="alert" className="error">{job.error.message}</p>}
        </div>
      )}
    </section>
  );
}

/** One model: how it was trained, activation, and its evaluation over a period. */
function ModelDetail({ model: m, evaluates }: { model: RegisteredModel; evaluates: boolean }) {
  const { has } = useSession();
  const client = useQueryClient();
  const activate = useMutation({
    mutationFn: () => post<RegisteredModel>(`/models/${encodeURIComponent(m.id)}/activate`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['models'] }),
  });
  const s = m.summary;
  return (
    <section aria-labelledby="model">
      <h2 id="model">Model <span className="mono">{short(m.id)}</span> <span className={`status status-${m.status}`} aria-label="Status">{m.status}</span></h2>
      <dl className="facts">
        <dt>Id</dt><dd className="mono">{m.id}</dd>
        <dt>Label</dt><dd>{m.label}</dd>
        <dt>Registered</dt><dd>{m.registeredAt} by {m.registeredBy}</dd>
        {m.activatedAt != null && <><dt>Activated</dt><dd>{m.activatedAt} by {m.activatedBy}</dd></>}
        <dt>Trained on</dt><dd>{s.trainPeriod?.from ?? '?'} – {s.trainPeriod?.to ?? '?'}: {s.rows?.train.toLocaleString() ?? '?'} declarations, {s.positives?.train.toLocaleString() ?? '?'} positive; {s.rounds ?? '?'} rounds</dd>
        <dt>Validated on</dt><dd>from {s.validFrom ?? '?'}: {s.rows?.valid.toLocaleString() ?? '?'} declarations, {s.positives?.valid.toLocaleString() ?? '?'} positive; AUC {num(s.validation?.auc)}, PR AUC {num(s.validation?.prAuc)}</dd>
      </dl>
      {has('supervisor') && m.status !== 'active' && (
        <div className="buttons">
          <button type="button" onClick={() => activate.mutate()} disabled={activate.isPending}>Activate</button>
          <span className="muted">puts it into force for "{m.label}" in place of the active one; every new decision names it</span>
        </div>
      )}
      {activate.error && <p role="alert" className="error">{activate.error.message}</p>}
      {evaluates ? <Evaluation key={m.id} model={m} /> : <p className="muted">Evaluating a model over a period is for analysts and supervisors.</p>}
    </section>
  );
}

/** A model's evaluation over a period, by default its validation period (declarations it did not train on). */
function Evaluation({ model }: { model: RegisteredModel }) {
  const [from, setFrom] = useState(day(model.summary.validFrom));
  const [to, setTo] = useState('');
  const [asked, setAsked] = useState(() => period(from, to));
  const ev = useQuery({ queryKey: ['evaluation', model.id, asked], queryFn: () => post<ModelEvaluation>(`/models/${encodeURIComponent(model.id)}/evaluate`, asked) });
  const drawn = ev.data === undefined ? [] : [{ name: short(model.id), evaluation: ev.data }];
  return (
    <section aria-labelledby="evaluation">
      <h3 id="evaluation">Evaluation</h3>
      <form className="inline" aria-label="Evaluation period" onSubmit={(e) => { e.preventDefault(); setAsked(period(from, to)); }}>
        <label>From<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <button type="submit" disabled={ev.isFetching}>{ev.isFetching ? 'Evaluating…' : 'Evaluate'}</button>
      </form>
      {ev.error && <p role="alert" className="error">{ev.error.message}</p>}
      {ev.data !== undefined && (
        <>
          <p className="muted">Declarations with a label (an officer's inspection, else history's) filed {asked.from ?? 'from the first'} {asked.to === undefined ? 'on' : `to ${asked.to}`}: {ev.data.rows.toLocaleString()}, of which {ev.data.positives.toLocaleString()} positive.</p>
          <Charts drawn={drawn} />
          <MeasuresTable drawn={drawn} label="Evaluation" />
        </>
      )}
    </section>
  );
}

function Charts({ drawn }: { drawn: readonly Drawn[] }) {
  return (
    <div className="model-charts">
      <figure><figcaption>Hits against inspection rate</figcaption><InspectionChart drawn={drawn} /></figure>
      <figure><figcaption>ROC</figcaption><RocChart drawn={drawn} /></figure>
      <figure><figcaption>Calibration</figcaption><CalibrationChart drawn={drawn} /></figure>
    </div>
  );
}

/** The key numbers of one or two evaluations, side by side. */
function MeasuresTable({ drawn, label }: { drawn: readonly Drawn[]; label: string }) {
  const rows: [string, (e: ModelMeasures) => string][] = [
    ['Declarations', (e) => e.rows.toLocaleString()],
    ['Positives', (e) => e.positives.toLocaleString()],
    ['ROC AUC', (e) => num(e.auc)],
    ['PR AUC (average precision)', (e) => num(e.prAuc)],
    ['Brier score', (e) => num(e.brier, 4)],
    ['Log loss', (e) => num(e.logLoss, 4)],
    ...RATES.flatMap((r): [string, (e: ModelMeasures) => string][] => [
      [`Precision at ${r} %`, (e) => pct(e.precisionAt[r])],
      [`Recall at ${r} %`, (e) => pct(e.recallAt[r])],
      [`Revenue share at ${r} %`, (e) => (e.revenueAt === null ? '–' : pct(e.revenueAt[r]))],
    ]),
  ];
  return (
    <table className="simple compact measures" aria-label={label}>
      <thead><tr><th>Measure</th>{drawn.map((d) => <th key={d.name} className="num mono">{d.name}</th>)}</tr></thead>
      <tbody>{rows.map(([name, f]) => <tr key={name}><th scope="row">{name}</th>{drawn.map((d) => <td key={d.name} className="num">{f(d.evaluation)}</td>)}</tr>)}</tbody>
    </table>
  );
}

/** Two models on the same declarations: their curves overlaid and their numbers side by side. */
function Compare({ models }: { models: readonly RegisteredModel[] }) {
  const active = models.find((m) => m.status === 'active');
  // By default the model in force against the newest other one (the list changes as models are trained).
  const [chosenA, setA] = useState<string | undefined>(undefined);
  const [chosenB, setB] = useState<string | undefined>(undefined);
  const a = chosenA ?? active?.id ?? models[0]!.id;
  const b = chosenB ?? models.find((m) => m.id !== a)?.id ?? a;
  const ma = models.find((m) => m.id === a);
  const mb = models.find((m) => m.id === b);
  // From the later of the two validation starts: neither model is judged on declarations it was trained on.
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [to, setTo] = useState('');
  const defaultFrom = [day(ma?.summary.validFrom), day(mb?.summary.validFrom)].sort().at(-1) ?? '';
  const since = from ?? defaultFrom;
  const run = useMutation({ mutationFn: () => post<{ a: ModelEvaluation; b: ModelEvaluation }>('/models/compare', { a, b, ...period(since, to) }) });
  const drawn: Drawn[] = run.data === undefined ? [] : [{ name: `A ${short(run.data.a.model)}`, evaluation: run.data.a }, { name: `B ${short(run.data.b.model)}`, evaluation: run.data.b }];
  const option = (m: RegisteredModel) => <option key={m.id} value={m.id}>{short(m.id)} · {m.label} · {m.status} · {day(m.registeredAt)}</option>;
  return (
    <section aria-labelledby="compare">
      <h2 id="compare">Compare two models</h2>
      <form className="inline wrap" aria-label="Compare two models" onSubmit={(e) => { e.preventDefault(); run.mutate(); }}>
        <label>Model A<select value={a} onChange={(e) => setA(e.target.value)}>{models.map(option)}</select></label>
        <label>Model B<select value={b} onChange={(e) => setB(e.target.value)}>{models.map(option)}</select></label>
        <label>From<input type="date" value={since} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <button type="submit" disabled={run.isPending}>{run.isPending ? 'Comparing…' : 'Compare'}</button>
      </form>
      <p className="muted">Both models score the same labelled declarations; by default from the later of their validation starts, so neither is judged on what it was trained on.</p>
      {run.error && <p role="alert" className="error">{run.error.message}</p>}
      {run.data !== undefined && (
        <>
          <Charts drawn={drawn} />
          <MeasuresTable drawn={drawn} label="Comparison" />
        </>
      )}
    </section>
  );
}

const LEVEL_TEXT = { stable: 'stable', moderate: 'moderate shift', significant: 'significant shift' } as const;

/** Has the traffic moved away from what the model in force was trained on? */
function Drift({ models }: { models: readonly RegisteredModel[] }) {
  const [label, setLabel] = useState<'illicit' | 'critical'>('illicit');
  const active = models.find((m) => m.status === 'active' && m.label === label);
  // By default the declarations since the model in force started validating: the traffic after what it learnt from.
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [to, setTo] = useState(today());
  const since = from ?? day(active?.summary.validFrom);
  const run = useMutation({ mutationFn: () => api<DriftReport>(`/models/drift${query({ from: since, to: throughDay(to), label })}`) });
  const r = run.data;
  return (
    <section aria-labelledby="drift">
      <h2 id="drift">Drift</h2>
      <form className="inline" aria-label="Drift" onSubmit={(e) => { e.preventDefault(); run.mutate(); }}>
        <label>Label<select value={label} onChange={(e) => setLabel(e.target.value as 'illicit')}><option>illicit</option><option>critical</option></select></label>
        <label>Recent from<input type="date" value={since} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
        <button type="submit" disabled={run.isPending}>{run.isPending ? 'Measuring…' : 'Measure drift'}</button>
      </form>
      <p className="muted">The population stability index (PSI) of the score and of the main features of the model in force{active === undefined ? '' : ` (${short(active.id)})`}: the recent declarations against those of its training period. Below 0.1 stable, from 0.1 a moderate shift, from 0.25 a significant one.</p>
      {run.error && <p role="alert" className="error">{run.error.message}</p>}
      {r !== undefined && (
        <>
          <p role="status" aria-label="Drift result" className={r.drifted ? 'error' : 'ok'}>
            {r.drifted ? 'Drifted' : 'No drift'}: score PSI {r.score.psi.toFixed(3)} ({LEVEL_TEXT[r.score.level]}); {r.recent.declarations.toLocaleString()} recent declarations ({day(r.recent.from)} to {day(r.recent.to)}) against {r.reference.declarations.toLocaleString()} of the reference period ({day(r.reference.from)} to {day(r.reference.to)}). Recommendation: {r.recommendation}.
          </p>
          <div className="model-charts">
            <figure><figcaption>PSI by feature</figcaption><PsiChart report={r} /></figure>
            <figure><figcaption>Score distribution, reference against recent</figcaption><ScoreDistributionChart report={r} /></figure>
          </div>
          <div className="model-charts">
            <table className="simple compact" aria-label="PSI by feature">
              <thead><tr><th>Feature</th><th className="num">PSI</th><th>Level</th></tr></thead>
              <tbody>
                {[{ feature: 'score', psi: r.score.psi, level: r.score.level }, ...r.features].map((f) => (
                  <tr key={f.feature}><td className="mono">{f.feature}</td><td className="num">{f.psi.toFixed(3)}</td><td><span className={`status drift-${f.level}`}>{LEVEL_TEXT[f.level]}</span></td></tr>
                ))}
              </tbody>
            </table>
            <table className="simple compact" aria-label="Score distribution">
              <thead><tr><th>Score</th><th className="num">Reference</th><th className="num">Recent</th></tr></thead>
              <tbody>{r.score.bins.map((b) => <tr key={binLabel(b)}><td className="mono">{binLabel(b)}</td><td className="num">{pct(b.reference)}</td><td className="num">{pct(b.recent)}</td></tr>)}</tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
