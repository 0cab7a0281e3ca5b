/**
 * What the month charts share: the frame (grid, legend, axis tooltip, a month category axis and a
 * value axis in German formats), its layout at the chart's width (frameLayout: the legend's rows
 * and the grid below them), the at-risk band (a base line stacked with its filled width, edged in dots) and
 * lines drawn in the palette's goal styles. The option builders only say what differs.
 */
import { formatMonthShort } from '../../core/format';
import { GOAL_SERIES, TEXT, TEXT_MUTED } from '../lib/palette';
import type { ChartOption, LineSeriesOption } from './echarts';

export const BAND_NAME = 'Bereich „gefährdet“';
const GRID_LINE = '#dde1e6';

type LegendItem = string | { name: string; icon: string; itemStyle: { color: string; opacity: number } };
type Tooltip = Exclude<NonNullable<ChartOption['tooltip']>, unknown[]>;

/** The band's legend entry: a filled box in the band's colour (not the invisible base line). */
export const bandLegendItem: LegendItem = {
  name: BAND_NAME,
  icon: 'rect',
  itemStyle: { color: GOAL_SERIES.band.color, opacity: 0.6 },
};

/** Measures a text's width in px at a font size (the legend's font family). */
export type MeasureText = (text: string, fontPx: number) => number;

/** Below this chart width (px) the frame is compact: smaller legend, no room right of the plot. */
export const NARROW_CHART_PX = 480;
/** Room right of the plot for an end label ("Prognose", bold) on a wide chart. */
const END_LABEL_ROOM = 80;
/** From the legend's last row to the plot: the top value label is centred on the plot's edge. */
const PLOT_CLEARANCE = 8;
/** The family ECharts measures and draws legend text in (named, so the measure here is the same). */
const LEGEND_FONT = 'sans-serif';
/** ECharts puts an item's text this far right of its icon (LegendView: itemWidth + 5). */
const ICON_TEXT_GAP = 5;

interface LegendSize {
  fontPx: number;
  itemWidth: number;
  itemHeight: number;
  itemGap: number;
  padding: number;
}
const LEGEND_SIZE: Record<'wide' | 'narrow', LegendSize> = {
  wide: { fontPx: 13, itemWidth: 32, itemHeight: 14, itemGap: 10, padding: 5 },
  narrow: { fontPx: 12, itemWidth: 24, itemHeight: 12, itemGap: 8, padding: 4 },
};

function legendStyle(size: LegendSize) {
  return {
    padding: size.padding,
    itemGap: size.itemGap,
    itemWidth: size.itemWidth,
    itemHeight: size.itemHeight,
    textStyle: { color: TEXT, fontSize: size.fontPx, fontFamily: LEGEND_FONT },
  };
}

/** The legend's height with `rows` rows (a row is as high as its icon or its text). */
function legendHeight(rows: number, size: LegendSize): number {
  const row = Math.max(size.itemHeight, Math.ceil(size.fontPx * 1.2));
  return 2 * size.padding + rows * row + Math.max(0, rows - 1) * size.itemGap;
}

let measureContext: CanvasRenderingContext2D | null | undefined;
/** The browser's own text width (as ECharts measures it); an overestimate where there is no canvas. */
export const measureText: MeasureText = (text, fontPx) => {
  if (measureContext === undefined) {
    measureContext =
      typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  }
  if (!measureContext) return text.length * fontPx * 0.7;
  measureContext.font = `${fontPx}px ${LEGEND_FONT}`;
  return measureContext.measureText(text).width;
};

const itemName = (item: unknown): string =>
  typeof item === 'string'
    ? item
    : item && typeof item === 'object' && 'name' in item
      ? String(item.name)
      : '';

/**
 * The legend's items in rows that fit `width`, first come first placed, as ECharts' own box
 * layout would wrap them; each row's measured width stays a pixel short of the room, so that
 * ECharts never wraps a row again and the rows counted here are the rows drawn.
 */
function legendRows<T>(items: readonly T[], width: number, size: LegendSize, measure: MeasureText): T[][] {
  const room = width - 2 * size.padding - 1;
  const rows: T[][] = [];
  let row: T[] = [];
  let used = 0;
  for (const item of items) {
    const w = size.itemWidth + ICON_TEXT_GAP + Math.ceil(measure(itemName(item), size.fontPx));
    const next = row.length === 0 ? w : used + size.itemGap + w;
    if (row.length > 0 && next > room) {
      rows.push(row);
      row = [item];
      used = w;
    } else {
      row.push(item);
      used = next;
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * The frame of a month chart. Where the legend ends and the plot begins depends on the chart's
 * width: give `frameLayout` of this option to the EChart wrapper (as its `layout`). Without it
 * the option is laid out for a wide chart whose legend takes two rows.
 */
export function monthChartFrame(opts: {
  months: readonly string[];
  legend: LegendItem[];
  tooltip: Omit<Tooltip, 'trigger'>;
  formatY: (v: number) => string;
  series: LineSeriesOption[];
}): ChartOption {
  const wide = LEGEND_SIZE.wide;
  return {
    animation: false,
    grid: {
      left: 16,
      right: END_LABEL_ROOM,
      top: legendHeight(2, wide) + PLOT_CLEARANCE,
      bottom: 32,
      containLabel: true,
    },
    legend: { top: 0, left: 0, right: 0, ...legendStyle(wide), data: opts.legend },
    tooltip: { trigger: 'axis', ...opts.tooltip },
    xAxis: {
      type: 'category',
      data: [...opts.months],
      boundaryGap: false,
      axisLabel: { color: TEXT_MUTED, formatter: (m: string) => formatMonthShort(m) },
      axisLine: { lineStyle: { color: TEXT_MUTED } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: TEXT_MUTED, formatter: opts.formatY },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series: opts.series,
  };
}

/**
 * The parts of a month chart's option that depend on its width, to merge over the option: the
 * legend in rows that fit (explicit line breaks) and the plot below its last row; on a narrow
 * chart a smaller legend, the plot almost to the edges and the end labels left out (the legend
 * names those lines) — so the legend never covers the plot, its labels or an end label.
 */
export function frameLayout(
  option: ChartOption,
  width: number,
  measure: MeasureText = measureText,
): ChartOption {
  const narrow = width < NARROW_CHART_PX;
  const size = LEGEND_SIZE[narrow ? 'narrow' : 'wide'];
  const legend = asArray(option.legend)[0];
  const rows = legendRows(asArray(legend?.data), width, size, measure);
  const ended = asArray(option.series).filter((s) => s.type === 'line' && s.endLabel?.show === true);
  return {
    legend: {
      top: 0,
      left: 0,
      right: 0,
      ...legendStyle(size),
      // An empty name starts a new row (ECharts' legend convention).
      data: rows.flatMap((row, i) => (i === 0 ? row : ['', ...row])),
    },
    grid: {
      left: narrow ? 4 : 16,
      // Narrow: half of the largest symbol at December; wide: room for an end label.
      right: narrow || ended.length === 0 ? 14 : END_LABEL_ROOM,
      top: legendHeight(rows.length, size) + PLOT_CLEARANCE,
    },
    series: ended.map((s) => ({ id: s.id, type: 'line' as const, endLabel: { show: !narrow } })),
  };
}

/**
 * The at-risk band from `lower` to `lower + width` per month (null: no band that month). Its light
 * fill is edged by thin dotted lines in the target's colour: the fill alone is below 3:1 against
 * the background (WCAG 1.4.11), the edges are not. One edge lies under the target line.
 */
export function bandSeries(lower: (number | null)[], width: (number | null)[]): LineSeriesOption[] {
  const hidden = {
    stack: 'band',
    symbol: 'none',
    lineStyle: { color: GOAL_SERIES.target.color, width: 1, type: 'dotted' },
    silent: true,
  } as const;
  return [
    { id: 'band-base', name: BAND_NAME, type: 'line', data: lower, ...hidden, tooltip: { show: false } },
    {
      id: 'band',
      name: BAND_NAME,
      type: 'line',
      data: width,
      ...hidden,
      areaStyle: { color: GOAL_SERIES.band.color, opacity: GOAL_SERIES.band.opacity },
      itemStyle: { color: GOAL_SERIES.band.color },
      tooltip: { show: false },
    },
  ];
}

/** A line in one of the palette's goal styles. */
export function styledLine(
  style: 'current' | 'previous' | 'target' | 'forecast',
  opts: { id: string; name: string; data: (number | null)[] } & LineSeriesOption,
): LineSeriesOption {
  const s = GOAL_SERIES[style];
  return {
    type: 'line',
    symbol: s.symbol,
    symbolSize: style === 'current' ? 8 : 6,
    showAllSymbol: true,
    connectNulls: false,
    lineStyle: { color: s.color, width: s.width, type: s.type },
    itemStyle: { color: s.color },
    emphasis: { focus: 'series' },
    ...opts,
  };
}

/** The "Prognose" label at the end of a forecast line. */
export const forecastEndLabel: LineSeriesOption['endLabel'] = {
  show: true,
  formatter: 'Prognose',
  color: TEXT,
  fontWeight: 'bold',
};

/** The forecast's 80 % band from `low` to `high` per month (null: no band that month). */
export function forecastBandSeries(
  name: string,
  low: (number | null)[],
  high: (number | null)[],
): LineSeriesOption[] {
  const hidden = { stack: 'forecast-band', symbol: 'none', lineStyle: { opacity: 0 }, silent: true } as const;
  const width = low.map((l, i) => {
    const h = high[i];
    return l === null || h === null || h === undefined ? null : h - l;
  });
  const { color, opacity } = GOAL_SERIES.forecastBand;
  return [
    { id: 'forecast-band-base', name, type: 'line', data: low, ...hidden, tooltip: { show: false } },
    {
      id: 'forecast-band',
      name,
      type: 'line',
      data: width,
      ...hidden,
      areaStyle: { color, opacity },
      itemStyle: { color },
      tooltip: { show: false },
    },
  ];
}
