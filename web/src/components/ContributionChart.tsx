import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { DecisionReason } from '../types.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/**
 * The model's explanation of one decision: each feature's contribution to the log-odds (TreeSHAP),
 * largest first, red for what raised the risk and blue for what lowered it. A table with the same
 * numbers follows the chart for screen readers.
 */
export function ContributionChart({ reasons }: { reasons: readonly DecisionReason[] }) {
  const el = useRef<HTMLDivElement>(null);
  const data = useMemo(() => reasons.filter((r) => r.kind === 'model' && r.contribution !== undefined).sort((a, b) => Math.abs(b.contribution!) - Math.abs(a.contribution!)), [reasons]);
  useEffect(() => {
    if (el.current === null || data.length === 0) return;
    const chart = echarts.init(el.current);
    const shown = [...data].reverse();
    chart.setOption({
      animation: false,
      grid: { left: 180, right: 30, top: 10, bottom: 30 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', name: 'log-odds', nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'category', data: shown.map((r) => r.code), axisLabel: { width: 170, overflow: 'truncate' } },
      series: [{ type: 'bar', data: shown.map((r) => ({ value: Number(r.contribution!.toFixed(4)), itemStyle: { color: r.contribution! > 0 ? '#c0392b' : '#2e6da4' } })) }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [data]);
  if (data.length === 0) return <p className="muted">No model explanation (no active model when it was decided).</p>;
  return (
    <figure className="chart">
      <div ref={el} style={{ height: Math.max(120, data.length * 26 + 40) }} role="img" aria-label="Feature contributions to the risk score" />
      <figcaption>
        <table className="simple compact" aria-label="Feature contributions">
          <tbody>
            {data.map((r) => (
              <tr key={r.code}>
                <td>{r.text}</td>
                <td className="num">{r.contribution! > 0 ? '+' : ''}{r.contribution!.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
