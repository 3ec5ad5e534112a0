import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// The parts of ECharts the application draws with (the rest is left out of the bundle). Canvas:
// the page's content security policy allows no inline style attributes, which SVG output may set.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/**
 * An ECharts chart in the element the returned ref is put on: drawn with `option` (none drawn when
 * it is undefined), redrawn when `option` changes (memoise it), resized with the window, disposed
 * with the component.
 */
export function useEChart(option: echarts.EChartsCoreOption | undefined) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (el.current === null || option === undefined) return;
    const chart = echarts.init(el.current);
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return el;
}
