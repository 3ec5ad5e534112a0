import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { Choice } from '../components/Choice.tsx';
import { AlertsChart, FlowChart, HitRateChart, RateChart, RevenueChart } from '../components/DashboardCharts.tsx';
import type { DashboardFigures, DashboardView } from '../types.ts';

/** The periods offered, as weeks up to the newest filing (the demo's data may end long before today), or dates of one's own. */
const PERIODS = ['4 weeks', '12 weeks', '26 weeks', '52 weeks', 'dates'] as const;
type Period = (typeof PERIODS)[number];

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const whole = (x: number) => x.toLocaleString();
const money = (x: number) => x.toLocaleString(undefined, { maximumFractionDigits: 0 });
const interval = (f: DashboardFigures) => (f.hitRate === null ? '–' : `${pct(f.hitRate)} (${pct(f.hitRateLow)}–${pct(f.hitRateHigh)})`);
/** The last day of a period whose end is not included. */
const lastDay = (to: string) => new Date(Date.parse(to) - 1).toISOString().slice(0, 10);

/**
 * The dashboard: over a period and for one office or all, the flow of declarations and the lanes
 * they went to, the inspection rate against the budget's target, the hit rate with its 95 %
 * interval, the revenue the findings recovered and the alerts, bucket by bucket (days, weeks or
 * months, as the server chooses by the period's length); the headline figures and each office's.
 * Declarations count in the period they were filed in.
 */
export function DashboardPage() {
  const [period, setPeriod] = useState<Period>('12 weeks');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [office, setOffice] = useState('');
  const dates = period === 'dates' && from !== '' && to !== '';
  const params = { ...(dates ? { from, to } : { weeks: period === 'dates' ? 12 : Number.parseInt(period, 10) }), office: office || undefined };
  const view = useQuery({
    queryKey: ['dashboard', params],
    queryFn: () => api<DashboardView>(`/dashboard${query(params)}`),
    // The figures shown stay until the next ones come, so that the charts do not blink at each change of filter.
    placeholderData: keepPreviousData,
  });
  const d = view.data;
  const choosePeriod = (p: Period | '') => {
    const next = p === '' ? '12 weeks' : p;
    // Dates of one's own start from the period shown.
    if (next === 'dates' && d !== undefined && from === '') {
      setFrom(d.from.slice(0, 10));
      setTo(d.to.slice(0, 10));
    }
    setPeriod(next);
  };
  return (
    <main className="page">
      <h1>Dashboard</h1>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <Choice label="Period" value={period} options={PERIODS} onChange={choosePeriod} />
        {period === 'dates' && (
          <>
            <label>From<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
            <label>To (not included)<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          </>
        )}
        <Choice label="Office" value={office} options={d?.offices ?? (office === '' ? [] : [office])} onChange={setOffice} any />
        <span className="muted" aria-live="polite">
          {view.isFetching ? 'loading…' : d !== undefined ? `${d.from.slice(0, 10)} to ${lastDay(d.to)}, per ${d.bucket}${d.office === null ? ', every office' : `, ${d.office}`}` : ''}
        </span>
      </form>
      {view.error && <p role="alert" className="error">{view.error.message}</p>}
      {d !== undefined && <Figures view={d} />}
    </main>
  );
}

function Figures({ view: d }: { view: DashboardView }) {
  const t = d.totals;
  const above = t.inspectionRate !== null && t.target !== null && t.inspectionRate > t.target;
  return (
    <>
      <section aria-label="Headline figures">
        <dl className="headline">
          <Figure term="Declarations filed" value={whole(t.filed)} note={`${whole(t.decided)} decided`} />
          <Figure term="Red / yellow / green" value={`${whole(t.red)} / ${whole(t.yellow)} / ${whole(t.green)}`} />
          <Figure term="Inspection rate" value={pct(t.inspectionRate)} note={`target ${pct(t.target)}${above ? ' — above' : ''}`} warn={above} />
          <Figure term="Inspected" value={whole(t.inspected)} note={`${whole(t.findings)} findings`} />
          <Figure term="Hit rate (95 %)" value={pct(t.hitRate)} note={t.hitRate === null ? 'nothing inspected' : `${pct(t.hitRateLow)}–${pct(t.hitRateHigh)}`} />
          <Figure term="Revenue recovered" value={money(t.revenue)} />
          <Figure term="Alerts open" value={whole(t.alertsOpen)} note={`${whole(t.alertsRaised)} raised in the period`} />
        </dl>
      </section>
      {t.filed === 0 && <p className="muted">No declarations were filed in the period{d.office === null ? '' : ` at ${d.office}`}.</p>}
      <div className="dash-charts">
        <FlowChart view={d} />
        <RateChart view={d} />
        <HitRateChart view={d} />
        <RevenueChart view={d} />
        <AlertsChart view={d} />
      </div>
      <h2 id="by-office">By office</h2>
      <table className="simple" aria-labelledby="by-office">
        <thead>
          <tr>
            <th scope="col">Office</th><th scope="col" className="num">Filed</th><th scope="col" className="num">Red</th><th scope="col" className="num">Yellow</th><th scope="col" className="num">Green</th>
            <th scope="col" className="num">Inspection rate</th><th scope="col" className="num">Target</th><th scope="col" className="num">Inspected</th><th scope="col" className="num">Findings</th>
            <th scope="col" className="num">Hit rate (95 %)</th><th scope="col" className="num">Revenue</th>
          </tr>
        </thead>
        <tbody>
          {d.byOffice.map((o) => {
            const over = o.inspectionRate !== null && o.inspectionRate > o.target;
            return (
              <tr key={o.office}>
                <th scope="row">{o.office}</th>
                <td className="num">{whole(o.filed)}</td><td className="num">{whole(o.red)}</td><td className="num">{whole(o.yellow)}</td><td className="num">{whole(o.green)}</td>
                <td className={over ? 'num over-target' : 'num'}>{pct(o.inspectionRate)}{over ? ' ▲' : ''}</td>
                <td className="num">{pct(o.target)} <span className="muted">{o.budget === '*' ? '(default)' : '(own)'}</span></td>
                <td className="num">{whole(o.inspected)}</td><td className="num">{whole(o.findings)}</td>
                <td className="num">{interval(o)}</td><td className="num">{money(o.revenue)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details className="dash-series">
        <summary>The charts&apos; figures, {d.bucket} by {d.bucket}</summary>
        <table className="simple compact" aria-label={`Figures per ${d.bucket}`}>
          <thead>
            <tr>
              <th scope="col">{d.bucket === 'day' ? 'Day' : d.bucket === 'week' ? 'Week from' : 'Month from'}</th><th scope="col" className="num">Filed</th><th scope="col" className="num">Red</th><th scope="col" className="num">Yellow</th><th scope="col" className="num">Green</th>
              <th scope="col" className="num">Inspection rate</th><th scope="col" className="num">Inspected</th><th scope="col" className="num">Findings</th><th scope="col" className="num">Hit rate (95 %)</th>
              <th scope="col" className="num">Revenue</th><th scope="col" className="num">Alerts raised</th><th scope="col" className="num">Alerts open at the end</th>
            </tr>
          </thead>
          <tbody>
            {d.series.map((p) => (
              <tr key={p.start}>
                <th scope="row">{p.start}</th>
                <td className="num">{whole(p.filed)}</td><td className="num">{whole(p.red)}</td><td className="num">{whole(p.yellow)}</td><td className="num">{whole(p.green)}</td>
                <td className="num">{pct(p.inspectionRate)}</td><td className="num">{whole(p.inspected)}</td><td className="num">{whole(p.findings)}</td><td className="num">{interval(p)}</td>
                <td className="num">{money(p.revenue)}</td><td className="num">{whole(p.alertsRaised)}</td><td className="num">{whole(p.alertsOpen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <p className="muted">
        A declaration counts in the period it was filed in. Inspected: selected (red or yellow) with a known outcome — an officer&apos;s result, else the outcome it came with from history. ▲: above the budget&apos;s target. Revenue is summed as recorded, whatever its currency.
      </p>
    </>
  );
}

/** A headline figure: its name (the term), its value and a note. */
function Figure({ term, value, note, warn }: { term: string; value: string; note?: string; warn?: boolean }) {
  return (
    <div className={warn === true ? 'figure over-target' : 'figure'}>
      <dt>{term}</dt>
      <dd>{value}</dd>
      {note !== undefined && <dd className="muted">{note}</dd>}
    </div>
  );
}
