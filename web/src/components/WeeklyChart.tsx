import { useMemo } from 'react';
import { useEChart } from './use-echart.ts';

export interface Week {
  readonly week: string;
  readonly hits: number;
  readonly inspected: number;
  readonly findings: number;
}

/** A back-test week by week: the declarations the rule hit (bars), how many of those were inspected and how many were findings (lines). */
export function WeeklyChart({ weeks }: { weeks: readonly Week[] }) {
  const option = useMemo(
    () =>
      weeks.length === 0
        ? undefined
        : {
            animation: false,
            grid: { left: 50, right: 20, top: 30, bottom: 40 },
            legend: { top: 0 },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: weeks.map((w) => w.week) },
            yAxis: { type: 'value', name: 'declarations' },
            series: [
              { name: 'hits', type: 'bar', data: weeks.map((w) => w.hits), itemStyle: { color: '#8aa9c8' } },
              { name: 'inspected', type: 'line', data: weeks.map((w) => w.inspected), itemStyle: { color: '#17324d' } },
              { name: 'findings', type: 'line', data: weeks.map((w) => w.findings), itemStyle: { color: '#c0392b' } },
            ],
          },
    [weeks],
  );
  const el = useEChart(option);
  if (weeks.length === 0) return <p className="muted">No declarations in the period.</p>;
  return <div ref={el} style={{ height: 260, maxWidth: 900 }} role="img" aria-label="Hits, inspections and findings per week" />;
}
