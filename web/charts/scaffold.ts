/**
 * What the month charts share: the frame (grid, legend, axis tooltip, a month category axis and a
 * value axis in German formats), the at-risk band (an invisible base stacked with its filled width)
 * and lines drawn in the palette's goal styles. The option builders only say what differs.
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

export function monthChartFrame(opts: {
  months: readonly string[];
  legend: LegendItem[];
  /** Space above the plot for the legend. */
  top: number;
  tooltip: Omit<Tooltip, 'trigger'>;
  formatY: (v: number) => string;
  series: LineSeriesOption[];
}): ChartOption {
  return {
    animation: false,
    grid: { left: 16, right: 80, top: opts.top, bottom: 32, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: TEXT, fontSize: 13 }, itemWidth: 32, data: opts.legend },
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

/** The at-risk band from `lower` to `lower + width` per month (null: no band that month). */
export function bandSeries(lower: (number | null)[], width: (number | null)[]): LineSeriesOption[] {
  const hidden = { stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, silent: true } as const;
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
