import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface Week {
  readonly week: string;
  readonly hits: number;
  readonly inspected: number;
  readonly findings: number;
}

/** A back-test week by week: the declarations the rule hit (bars), how many of those were inspected and how many were findings (lines). */
export function WeeklyChart({ weeks }: { weeks: readonly Week[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (el.current === null || weeks.length === 0) return;
    const chart = echarts.init(el.current);
    chart.setOption({
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
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [weeks]);
  if (weeks.length === 0) return <p className="muted">No declarations in the period.</p>;
  return <div ref={el} style={{ height: 260, maxWidth: 900 }} role="img" aria-label="Hits, inspections and findings per week" />;
}
