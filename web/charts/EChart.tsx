/**
 * The one ECharts lifecycle wrapper: init on mount, setOption on change, resize with the container
 * (ResizeObserver), dispose on unmount — so no chart instance, observer or listener outlives its page.
 */
import { useEffect, useRef } from 'react';

import { type ChartOption, echarts } from './echarts';

export interface EChartProps {
  option: ChartOption;
  /** Short text alternative; the page should also show the numbers as a table. */
  ariaLabel: string;
  /**
   * A click anywhere in the plot area over a category (a month): the index of that category on
   * the first x axis. A whole column is a much larger target than an 8-pixel symbol.
   */
  onCategoryClick?: (index: number) => void;
  className?: string;
  height?: number | string;
  testId?: string;
}

export function EChart({ option, ariaLabel, onCategoryClick, className, height = 360, testId }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The latest click handler, read by the one listener registered at init.
  const clickRef = useRef(onCategoryClick);
  clickRef.current = onCategoryClick;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = echarts.init(node, null, { renderer: 'svg', locale: 'EN' });
    chart.current = instance;
    const zr = instance.getZr();
    const onZrClick = (e: { offsetX: number; offsetY: number }) => {
      const point = [e.offsetX, e.offsetY];
      if (!clickRef.current || !instance.containPixel('grid', point)) return;
      // In grid coordinates [x, y]; on a category x axis, x is the category's index.
      const data = instance.convertFromPixel({ gridIndex: 0 }, point);
      const i = Array.isArray(data) ? data[0] : null;
      if (typeof i === 'number' && Number.isFinite(i)) clickRef.current(Math.round(i));
    };
    zr.on('click', onZrClick);
    // Show that the plot is clickable.
    const onZrMove = (e: { offsetX: number; offsetY: number }) => {
      const over = Boolean(clickRef.current) && instance.containPixel('grid', [e.offsetX, e.offsetY]);
      zr.setCursorStyle(over ? 'pointer' : 'default');
    };
    zr.on('mousemove', onZrMove);
    const ro = new ResizeObserver(() => instance.resize());
    ro.observe(node);
    return () => {
      zr.off('click', onZrClick);
      zr.off('mousemove', onZrMove);
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
