/**
 * The one ECharts lifecycle wrapper: init, setOption on change, resize with the container
 * (ResizeObserver), dispose on unmount — so no chart instance, observer or listener outlives its page.
 *
 * A chart is drawn when its box comes into view (IntersectionObserver), and ECharts itself (the bulk
 * of a chart page's code) is fetched then, once for all charts: a page paints its figures and text
 * first, and drawing a chart further down — hundreds of milliseconds of main-thread work on a slow
 * phone — waits until someone scrolls to it. The box keeps its height meanwhile (no layout shift).
 */
import { useEffect, useRef } from 'react';

import type { ChartOption, echarts as EChartsCore } from './echarts';

type ChartInstance = ReturnType<typeof EChartsCore.init>;

let echartsModule: Promise<typeof import('./echarts')> | null = null;
/** ECharts (tree-shaken, web/charts/echarts.ts), fetched on first use and then shared. */
export function loadECharts(): Promise<typeof import('./echarts')> {
  echartsModule ??= import('./echarts');
  return echartsModule;
}

/** Calls `show` once `node` is within `margin` of the viewport; returns the cancel function. */
function whenInView(node: Element, margin: string, show: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    show();
    return () => {};
  }
  const io = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      io.disconnect();
      show();
    },
    { rootMargin: margin },
  );
  io.observe(node);
  return () => io.disconnect();
}

export interface EChartProps {
  option: ChartOption;
  /** Short text alternative; the page should also show the numbers as a table. */
  ariaLabel: string;
  /**
   * A click anywhere in the plot area over a category (a month): the index of that category on
   * the first x axis. A whole column is a much larger target than an 8-pixel symbol.
   */
  onCategoryClick?: (index: number) => void;
  /**
   * The parts of the option that depend on the chart's width (legend rows, grid, labels): merged
   * over `option` before it is drawn, and again when the width changes them.
   */
  layout?: (width: number) => ChartOption;
  className?: string;
  height?: number | string;
  testId?: string;
}

/** Wires the click and pointer handlers to a new instance; returns their removal. */
function attachHandlers(
  instance: ChartInstance,
  clickRef: { current: ((index: number) => void) | undefined },
): () => void {
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
  return () => {
    zr.off('click', onZrClick);
    zr.off('mousemove', onZrMove);
  };
}

/**
 * Draws `option` with its width-dependent parts on `instance`: `draw(true)` the whole option anew,
 * `draw(false)` (on a resize) only parts that changed with the width, then the new size.
 */
function drawer(
  instance: ChartInstance,
  node: HTMLElement,
  props: { current: Pick<EChartProps, 'option' | 'layout'> },
): (whole: boolean) => void {
  let applied = '';
  return (whole) => {
    const part = props.current.layout?.(node.clientWidth);
    const key = part === undefined ? '' : JSON.stringify(part);
    // Both setOption calls draw once: the first waits (lazyUpdate) for the second or the resize.
    if (whole) instance.setOption(props.current.option, { notMerge: true, lazyUpdate: part !== undefined });
    if (part !== undefined && (whole || key !== applied)) instance.setOption(part, { lazyUpdate: !whole });
    applied = key;
    if (!whole) instance.resize();
  };
}

export function EChart({
  option,
  ariaLabel,
  onCategoryClick,
  layout,
  className,
  height = 360,
  testId,
}: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const draw = useRef<((whole: boolean) => void) | null>(null);
  // The latest option, layout and click handler, read when the chart is drawn and by its listeners.
  const propsRef = useRef({ option, layout });
  const clickRef = useRef(onCategoryClick);
  clickRef.current = onCategoryClick;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let disposed = false;
    let teardown = () => {};
    const cancel = whenInView(node, '0px', () => {
      void loadECharts().then(({ echarts }) => {
        if (disposed) return;
        const instance = echarts.init(node, null, { renderer: 'svg', locale: 'EN' });
        const redraw = drawer(instance, node, propsRef);
        draw.current = redraw;
        const detach = attachHandlers(instance, clickRef);
        const ro = new ResizeObserver(() => redraw(false));
        ro.observe(node);
        redraw(true);
        teardown = () => {
          detach();
          ro.disconnect();
          instance.dispose();
          draw.current = null;
        };
      });
    });
    return () => {
      disposed = true;
      cancel();
      teardown();
    };
  }, []);

  useEffect(() => {
    // A new option or layout: kept for later redraws (resize) and drawn anew.
    propsRef.current = { option, layout };
    draw.current?.(true);
  }, [option, layout]);

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
