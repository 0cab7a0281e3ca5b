/**
 * The one ECharts lifecycle wrapper: init on mount, setOption on change, resize with the container
 * (ResizeObserver), dispose on unmount — so no chart instance, observer or listener outlives its page.
 */
import { useEffect, useRef } from 'react';

import { type ChartOption, echarts } from './echarts';

export interface ChartClick {
  seriesId: string | undefined;
  dataIndex: number;
}

export interface EChartProps {
  option: ChartOption;
  /** Short text alternative; the page should also show the numbers as a table. */
  ariaLabel: string;
  onClick?: (e: ChartClick) => void;
  className?: string;
  height?: number | string;
  testId?: string;
}

export function EChart({ option, ariaLabel, onClick, className, height = 360, testId }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The latest click handler, read by the one listener registered at init.
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = echarts.init(node, null, { renderer: 'svg', locale: 'EN' });
    chart.current = instance;
    instance.on('click', (p) => {
      const seriesId = typeof p.seriesId === 'string' ? p.seriesId : undefined;
      if (typeof p.dataIndex === 'number') clickRef.current?.({ seriesId, dataIndex: p.dataIndex });
    });
    const ro = new ResizeObserver(() => instance.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={el}
      className={className}
      style={{ width: '100%', height }}
      role="img"
      aria-label={ariaLabel}
      data-testid={testId}
    />
  );
}
