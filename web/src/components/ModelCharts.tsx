import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import type { DriftReport, ModelEvaluation } from '../types.ts';
import { useEChart } from './use-echart.ts';

/**
 * The charts of the models page, each with a text alternative: an evaluation (or two, overlaid, to
 * compare them) as hits against inspection rate, ROC and calibration; drift as PSI per feature and
 * the score's distribution then and now. Every number a chart shows is also in a table on the page.
 */

/** One evaluation to draw, with the name its series carry ("A", "B", or the model's). */
export interface Drawn {
  readonly name: string;
  readonly evaluation: ModelEvaluation;
}

// Dark enough on white for lines and text (≥ 4.5:1); the second model is drawn dashed as well, so
// the two never differ by colour alone.
const COLOURS = { precision: '#17324d', recall: '#b03a2e', revenue: '#1d6b35', diagonal: '#8a939e' };
const MODEL_COLOURS = ['#17324d', '#b03a2e'];
const dash = (i: number) => (i === 0 ? 'solid' : 'dashed');
const percent = (x: number) => `${Math.round(x * 100)} %`;

/** The plot's margins: room above for a legend that takes two lines when two models are drawn. */
const grid = (models: number) => ({ left: 56, right: 20, top: models > 1 ? 64 : 40, bottom: 44 });

function Chart({ option, label, className = 'model-chart' }: { option: EChartsCoreOption; label: string; className?: string }) {
  const el = useEChart(option);
  return <div ref={el} className={className} role="img" aria-label={label} />;
}

/** Precision, recall and revenue share of the top-scored declarations against the share inspected. */
export function InspectionChart({ drawn }: { drawn: readonly Drawn[] }) {
  const option = useMemo(() => {
    const one = drawn.length === 1;
    const series = drawn.flatMap((d, i) => {
      const points = d.evaluation.curves.inspection;
      const line = (what: 'precision' | 'recall' | 'revenue', pick: (p: (typeof points)[number]) => number | null) => ({
        name: one ? (what === 'revenue' ? 'revenue share' : what) : `${d.name}: ${what === 'revenue' ? 'revenue share' : what}`,
        type: 'line',
        showSymbol: false,
        data: points.map((p) => [p.rate * 100, pick(p)]),
        lineStyle: { type: one ? (what === 'revenue' ? 'dotted' : 'solid') : dash(i), width: 2 },
        itemStyle: { color: one ? COLOURS[what] : what === 'precision' ? MODEL_COLOURS[i] : what === 'recall' ? (i === 0 ? '#4f7fae' : '#e08a7e') : COLOURS.revenue },
      });
      const lines = [line('precision', (p) => p.precision), line('recall', (p) => p.recall)];
      // Revenue share drawn for one model only: with two, six lines would be more than a reader can follow.
      if (one && points[0]?.revenueShare !== null) lines.push(line('revenue', (p) => p.revenueShare));
      return lines;
    });
    return {
      animation: false,
      grid: grid(drawn.length),
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => v.toFixed(3) },
      xAxis: { type: 'value', name: 'inspected (% of declarations)', nameLocation: 'middle', nameGap: 26, min: 0, max: 100 },
      yAxis: { type: 'value', min: 0, max: 1 },
      series,
    };
  }, [drawn]);
  return <Chart option={option} label={`Precision and recall against inspection rate${drawn.length > 1 ? `, models ${drawn.map((d) => d.name).join(' and ')}` : ''}`} />;
}

/** The ROC curve, with the diagonal of a random ranking. */
export function RocChart({ drawn }: { drawn: readonly Drawn[] }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: grid(drawn.length),
      legend: { top: 0 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: 'false positive rate', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
      yAxis: { type: 'value', name: 'true positive rate', nameLocation: 'middle', nameGap: 36, min: 0, max: 1 },
      series: [
        ...drawn.map((d, i) => ({
          name: `${d.name} (AUC ${d.evaluation.auc.toFixed(3)})`,
          type: 'line',
          showSymbol: false,
          data: d.evaluation.curves.roc.map((p) => [p.fpr, p.tpr]),
          lineStyle: { type: dash(i), width: 2 },
          itemStyle: { color: MODEL_COLOURS[i] },
        })),
        { name: 'random', type: 'line', showSymbol: false, data: [[0, 0], [1, 1]], lineStyle: { type: 'dotted' }, itemStyle: { color: COLOURS.diagonal } },
      ],
    }),
    [drawn],
  );
  return <Chart option={option} label={`ROC curve with the diagonal of random selection${drawn.length > 1 ? `, models ${drawn.map((d) => d.name).join(' and ')}` : ''}`} className="model-chart square" />;
}

/** The reliability diagram: in each bin of predicted probability, the share that were findings; the diagonal is perfect calibration. */
export function CalibrationChart({ drawn }: { drawn: readonly Drawn[] }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: grid(drawn.length),
      legend: { top: 0 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: 'predicted probability', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
      yAxis: { type: 'value', name: 'observed rate', nameLocation: 'middle', nameGap: 36, min: 0, max: 1 },
      series: [
        ...drawn.map((d, i) => ({
          name: d.name,
          type: 'line',
          symbolSize: 7,
          // Empty bins have no observed rate: left out, not drawn as zero.
          data: d.evaluation.reliability.filter((b) => b.count > 0).map((b) => [b.meanPredicted, b.observedRate]),
          lineStyle: { type: dash(i), width: 2 },
          itemStyle: { color: MODEL_COLOURS[i] },
        })),
        { name: 'perfect', type: 'line', showSymbol: false, data: [[0, 0], [1, 1]], lineStyle: { type: 'dotted' }, itemStyle: { color: COLOURS.diagonal } },
      ],
    }),
    [drawn],
  );
  return <Chart option={option} label={`Calibration: observed rate of findings against predicted probability${drawn.length > 1 ? `, models ${drawn.map((d) => d.name).join(' and ')}` : ''}`} className="model-chart square" />;
}

/** PSI of the score and of each main feature as bars, with the levels of moderate (0.1) and significant (0.25) drift. */
export function PsiChart({ report }: { report: DriftReport }) {
  const option = useMemo(() => {
    const rows = [{ feature: 'score', psi: report.score.psi }, ...report.features];
    const names = rows.map((r) => r.feature);
    const level = (value: number, name: string, colour: string) => ({ name, type: 'line', showSymbol: false, data: names.map(() => value), lineStyle: { type: 'dashed', width: 1.5 }, itemStyle: { color: colour } });
    return {
      animation: false,
      grid: { left: 180, right: 30, top: 40, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => v.toFixed(3) },
      xAxis: { type: 'value', name: 'PSI', nameLocation: 'middle', nameGap: 26, min: 0, max: Math.max(0.3, ...rows.map((r) => r.psi)) },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        // The legend takes the series' colour; each bar has the colour of its level.
        { name: 'PSI', type: 'bar', itemStyle: { color: '#4f7fae' }, data: rows.map((r) => ({ value: r.psi, itemStyle: { color: r.psi >= 0.25 ? '#b03a2e' : r.psi >= 0.1 ? '#b7791f' : '#4f7fae' } })) },
        level(0.1, 'moderate (0.1)', '#8a6100'),
        level(0.25, 'significant (0.25)', '#8c1414'),
      ],
    };
  }, [report]);
  return <Chart option={option} label="Population stability index of the score and of the main features, with the levels 0.1 and 0.25" className="model-chart tall" />;
}

/** Shares of the reference and the recent declarations in each bin of the score (the reference's deciles). */
export function ScoreDistributionChart({ report }: { report: DriftReport }) {
  const option = useMemo(() => {
    const bins = report.score.bins;
    return {
      animation: false,
      grid: { left: 56, right: 20, top: 40, bottom: 60 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => percent(v) },
      xAxis: { type: 'category', name: 'score', nameLocation: 'middle', nameGap: 44, data: bins.map(binLabel), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: 'share', nameLocation: 'middle', nameGap: 40, axisLabel: { formatter: (v: number) => percent(v) } },
      series: [
        { name: `reference (${report.reference.declarations.toLocaleString()})`, type: 'bar', data: bins.map((b) => b.reference), itemStyle: { color: '#8aa9c8' } },
        { name: `recent (${report.recent.declarations.toLocaleString()})`, type: 'bar', data: bins.map((b) => b.recent), itemStyle: { color: '#17324d' } },
      ],
    };
  }, [report]);
  return <Chart option={option} label="Distribution of the score, reference period against recent period" />;
}

/** A score bin as "0.012–0.034", open ends as "< x" and "≥ x". */
export function binLabel(b: { from: number | null; to: number | null }): string {
  const f = (x: number) => (x < 0.01 ? x.toPrecision(2) : x.toFixed(3));
  if (b.from === null && b.to === null) return 'all';
  if (b.from === null) return `< ${f(b.to!)}`;
  if (b.to === null) return `≥ ${f(b.from)}`;
  return `${f(b.from)}–${f(b.to)}`;
}
