import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import type { DashboardView } from '../types.ts';
import { useEChart } from './use-echart.ts';

const LANE_COLOURS = { red: '#c0392b', yellow: '#d4a017', green: '#2e8b57', undecided: '#9aa5b1' } as const;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
/** ECharts leaves a gap at '-': a bucket with nothing decided or inspected has no rate, which is not a rate of 0. */
const gap = (x: number | null): number | '-' => x ?? '-';
const percentAxis = { type: 'value', min: 0, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` } } as const;
const BASE = { animation: false, grid: { left: 60, right: 20, top: 50, bottom: 30 }, legend: { top: 0, type: 'scroll' } } as const;

/** One chart of the dashboard: a figure with its caption; the canvas named for screen readers (the same figures are in the table below the charts). */
function Chart({ option, label, caption }: { option: EChartsCoreOption; label: string; caption: string }) {
  const el = useEChart(option);
  return (
    <figure className="dash-chart">
      <figcaption>{caption}</figcaption>
      <div ref={el} className="dash-canvas" role="img" aria-label={label} />
    </figure>
  );
}

/** Declarations filed per bucket, stacked by the lane they went to (and those not decided yet). */
export function FlowChart({ view }: { view: DashboardView }) {
  const option = useMemo(() => {
    const x = view.series.map((p) => p.start);
    const bar = (name: keyof typeof LANE_COLOURS, data: number[]) => ({ name, type: 'bar', stack: 'flow', data, itemStyle: { color: LANE_COLOURS[name] } });
    return {
      ...BASE,
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value', name: 'declarations' },
      series: [
        bar('red', view.series.map((p) => p.red)),
        bar('yellow', view.series.map((p) => p.yellow)),
        bar('green', view.series.map((p) => p.green)),
        bar('undecided', view.series.map((p) => p.filed - p.decided)),
      ],
    };
  }, [view]);
  return <Chart option={option} label={`Declarations filed per ${view.bucket}, by lane`} caption={`Flow: declarations filed per ${view.bucket}, by lane`} />;
}

/**
 * The inspection rate (red and yellow among those decided) per bucket against the budget's target
 * (dashed). For one office: its rate and its budget's target. For every office: the whole flow's
 * rate against the offices' targets weighted by their decisions, and each office's own rate, which
 * its legend entry shows (a dozen offices' lines at once are a tangle, so they start hidden).
 */
export function RateChart({ view }: { view: DashboardView }) {
  const option = useMemo(() => {
    const x = view.series.map((p) => p.start);
    const dashed = (name: string, target: number | null) => ({ name, type: 'line', data: x.map(() => gap(target)), symbol: 'none', lineStyle: { type: 'dashed', width: 2, color: '#3d4650' }, itemStyle: { color: '#3d4650' } });
    const offices = view.rates.map((r) => ({ name: r.office, type: 'line', data: r.rates.map(gap), symbolSize: 5 }));
    const one = view.office !== null;
    const series = one
      ? [...offices, dashed(`target ${pct(view.totals.target ?? 0)}`, view.totals.target)]
      : [{ name: 'every office', type: 'line', data: view.series.map((p) => gap(p.inspectionRate)), lineStyle: { width: 3 }, itemStyle: { color: '#17324d' }, symbolSize: 6 }, dashed('target', view.totals.target), ...offices];
    return {
      ...BASE,
      legend: { ...BASE.legend, ...(one ? {} : { selected: Object.fromEntries(view.rates.map((r) => [r.office, false])) }) },
      tooltip: { trigger: 'axis', valueFormatter: (v: number | '-') => (v === '-' ? '–' : pct(v)) },
      xAxis: { type: 'category', data: x },
      yAxis: { ...percentAxis, name: 'inspection rate' },
      series,
    };
  }, [view]);
  return (
    <Chart
      option={option}
      label={`Inspection rate per ${view.bucket} against the budget target${view.office === null ? ', every office (each office in the legend)' : `, ${view.office}`}`}
      caption={view.office === null ? "Inspection rate against the budget's target (offices' targets weighted by their decisions; click an office to show its own)" : `Inspection rate of ${view.office} against its budget's target`}
    />
  );
}

/** The hit rate (findings among the selected whose outcome is known) per bucket, in its Wilson 95 % band. */
export function HitRateChart({ view }: { view: DashboardView }) {
  const option = useMemo(() => {
    const s = view.series;
    return {
      ...BASE,
      legend: { top: 0, data: ['hit rate', '95 % interval'] },
      tooltip: {
        trigger: 'axis',
        // The band is drawn as a stack (its low edge, then its width): the tooltip says the interval itself.
        formatter: (params: { dataIndex: number }[]) => {
          const p = s[params[0]?.dataIndex ?? 0]!;
          return p.hitRate === null ? `${p.start}: nothing inspected` : `${p.start}: hit rate ${pct(p.hitRate)} (95 %: ${pct(p.hitRateLow!)}–${pct(p.hitRateHigh!)}), ${p.findings} of ${p.inspected}`;
        },
      },
      xAxis: { type: 'category', data: s.map((p) => p.start) },
      yAxis: { ...percentAxis, max: 1, name: 'hit rate' },
      series: [
        { name: 'low', type: 'line', stack: 'interval', data: s.map((p) => gap(p.hitRateLow === null ? null : p.hitRateLow)), symbol: 'none', lineStyle: { opacity: 0 } },
        { name: '95 % interval', type: 'line', stack: 'interval', data: s.map((p) => gap(p.hitRateLow === null ? null : p.hitRateHigh! - p.hitRateLow)), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: '#8aa9c8', opacity: 0.45 }, itemStyle: { color: '#8aa9c8' } },
        { name: 'hit rate', type: 'line', data: s.map((p) => gap(p.hitRate)), itemStyle: { color: '#17324d' }, symbolSize: 5 },
      ],
    };
  }, [view]);
  return <Chart option={option} label={`Hit rate per ${view.bucket} with its 95 % interval`} caption="Hit rate: findings among the selected declarations whose outcome is known, with its 95 % interval" />;
}

/** Revenue the findings recovered, per bucket. */
export function RevenueChart({ view }: { view: DashboardView }) {
  const option = useMemo(
    () => ({
      ...BASE,
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 0 }) },
      xAxis: { type: 'category', data: view.series.map((p) => p.start) },
      yAxis: { type: 'value', name: 'revenue' },
      series: [{ name: 'revenue recovered', type: 'bar', data: view.series.map((p) => Math.round(p.revenue)), itemStyle: { color: '#1d6b35' } }],
    }),
    [view],
  );
  return <Chart option={option} label={`Revenue recovered per ${view.bucket}`} caption="Revenue recovered by the findings" />;
}

/** Alerts raised per bucket (bars) and open at each bucket's end (line). */
export function AlertsChart({ view }: { view: DashboardView }) {
  const option = useMemo(
    () => ({
      ...BASE,
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: view.series.map((p) => p.start) },
      yAxis: { type: 'value', name: 'alerts', minInterval: 1 },
      series: [
        { name: 'raised', type: 'bar', data: view.series.map((p) => p.alertsRaised), itemStyle: { color: '#e0a39b' } },
        { name: 'open at the end', type: 'line', data: view.series.map((p) => p.alertsOpen), itemStyle: { color: '#8c1414' }, symbolSize: 5 },
      ],
    }),
    [view],
  );
  return <Chart option={option} label={`Alerts raised per ${view.bucket} and open at its end`} caption="Alerts (of every office): raised, and open at the end of each period" />;
}
