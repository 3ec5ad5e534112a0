import { useMemo } from 'react';
import type { DecisionReason } from '../types.ts';
import { useEChart } from './use-echart.ts';

/**
 * The model's explanation of one decision: each feature's contribution to the log-odds (TreeSHAP),
 * largest first, red for what raised the risk and blue for what lowered it. A table with the same
 * numbers follows the chart for screen readers.
 */
export function ContributionChart({ reasons }: { reasons: readonly DecisionReason[] }) {
  const data = useMemo(() => reasons.filter((r) => r.kind === 'model' && r.contribution !== undefined).sort((a, b) => Math.abs(b.contribution!) - Math.abs(a.contribution!)), [reasons]);
  const option = useMemo(() => {
    if (data.length === 0) return undefined;
    const shown = [...data].reverse();
    return {
      animation: false,
      grid: { left: 180, right: 30, top: 10, bottom: 30 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', name: 'log-odds', nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'category', data: shown.map((r) => r.code), axisLabel: { width: 170, overflow: 'truncate' } },
      series: [{ type: 'bar', data: shown.map((r) => ({ value: Number(r.contribution!.toFixed(4)), itemStyle: { color: r.contribution! > 0 ? '#c0392b' : '#2e6da4' } })) }],
    };
  }, [data]);
  const el = useEChart(option);
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
