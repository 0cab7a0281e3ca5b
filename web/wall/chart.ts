/**
 * The wall's goal chart: the same series as the dashboard's goal chart (this year, last year, the
 * target path, the at-risk band, the dashed forecast) in the wall's theme, with text sized for
 * three metres and no tooltip (nobody hovers on a TV): the figures that matter are labelled.
 */

import { formatMonthShort } from '../../core/format';
import type { ChartOption, LineSeriesOption } from '../charts/echarts';
import { type GoalChartPoint, SERIES_NAMES } from '../charts/GoalChart';
import { GOAL_SERIES } from '../lib/palette';
import type { WallColors } from './theme';

export type WallChartPoint = Pick<
  GoalChartPoint,
  'month' | 'current' | 'previous' | 'target' | 'atRiskEdge' | 'forecast'
>;

export interface WallChartInput {
  points: readonly WallChartPoint[];
  year: number;
  formatValue: (v: number | null) => string;
  colors: WallColors;
  /** Font size of all chart text in px (the wall's minimum text size or more). */
  fontPx: number;
}

/** The last index with a value, or -1. */
function lastIndex(values: readonly (number | null)[]): number {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return i;
  return -1;
}

export function buildWallChartOption({
  points,
  year,
  formatValue,
  colors,
  fontPx,
}: WallChartInput): ChartOption {
  const text = { color: colors.text, fontSize: fontPx };
  const muted = { color: colors.muted, fontSize: fontPx };
  const lineWidth = Math.max(2, Math.round(fontPx / 6));

  const current = points.map((p) => p.current);
  const forecast = points.map((p) => p.forecast);
  const lastCurrent = lastIndex(current);
  const lastForecast = lastIndex(forecast);

  const line = (
    key: 'current' | 'previous' | 'target' | 'forecast',
    name: string,
    color: string,
    data: (number | null)[],
    extra: LineSeriesOption = {},
  ): LineSeriesOption => ({
    id: key,
    name,
    type: 'line',
    data,
    symbol: GOAL_SERIES[key].symbol,
    symbolSize: Math.round(fontPx * (key === 'current' ? 0.55 : 0.4)),
    showAllSymbol: true,
    connectNulls: false,
    silent: true,
    lineStyle: {
      color,
      width: key === 'current' ? lineWidth * 2 : lineWidth,
      type: GOAL_SERIES[key].type,
    },
    itemStyle: { color },
    ...extra,
  });

  // A value label at the last point of a line: read without hovering.
  const labelAt = (index: number, color: string, prefix = '') => ({
    show: index >= 0,
    position: 'top' as const,
    // Text ends at the point, so the label of December never runs off the right edge.
    align: 'right' as const,
    distance: Math.round(fontPx * 0.4),
    color,
    fontSize: fontPx,
    fontWeight: 'bold' as const,
    formatter: (p: { dataIndex: number; value: unknown }) =>
      p.dataIndex === index && typeof p.value === 'number' ? `${prefix}${formatValue(p.value)}` : '',
  });

  // The band's edges: thin dotted lines in the target's colour (the translucent fill alone is
  // below 3:1 on the tile, WCAG 1.4.11); one edge lies under the target line.
  const bandEdge = {
    color: colors.target,
    width: Math.max(1, Math.round(fontPx / 12)),
    type: 'dotted',
  } as const;
  const series: LineSeriesOption[] = [
    // The band: a base line and, stacked on it, the band's width filled.
    {
      id: 'band-base',
      name: 'band-base',
      type: 'line',
      data: points.map((p) =>
        p.target === null || p.atRiskEdge === null ? null : Math.min(p.target, p.atRiskEdge),
      ),
      stack: 'band',
      symbol: 'none',
      lineStyle: bandEdge,
      silent: true,
    },
    {
      id: 'band',
      name: SERIES_NAMES.band,
      type: 'line',
      data: points.map((p) =>
        p.target === null || p.atRiskEdge === null ? null : Math.abs(p.target - p.atRiskEdge),
      ),
      stack: 'band',
      symbol: 'none',
      lineStyle: bandEdge,
      areaStyle: { color: colors.band, opacity: 1 },
      itemStyle: { color: colors.band },
      silent: true,
    },
    line(
      'previous',
      SERIES_NAMES.previous(year),
      colors.previous,
      points.map((p) => p.previous),
    ),
    line(
      'target',
      SERIES_NAMES.target,
      colors.target,
      points.map((p) => p.target),
    ),
    line('forecast', SERIES_NAMES.forecast, colors.current, forecast, {
      // At the data month the forecast starts from this year's value: label it only beyond.
      label: labelAt(lastForecast > lastCurrent ? lastForecast : -1, colors.text, 'Prognose '),
    }),
    line('current', SERIES_NAMES.current(year), colors.current, current, {
      z: 5,
      label: labelAt(lastCurrent, colors.text),
    }),
  ];

  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontSize: fontPx, color: colors.text },
    aria: { enabled: true },
    grid: {
      left: fontPx,
      right: fontPx * 2,
      top: fontPx * 3.2,
      bottom: fontPx * 0.6,
      containLabel: true,
    },
    legend: {
      top: 0,
      left: 0,
      itemWidth: fontPx * 2,
      itemHeight: Math.round(fontPx * 0.6),
      itemGap: fontPx,
      textStyle: text,
      data: [
        SERIES_NAMES.current(year),
        SERIES_NAMES.previous(year),
        SERIES_NAMES.target,
        { name: SERIES_NAMES.band, icon: 'rect', itemStyle: { color: colors.band } },
        SERIES_NAMES.forecast,
      ],
      selectedMode: false,
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.month),
      boundaryGap: false,
      axisLabel: {
        ...muted,
        formatter: (m: string) => formatMonthShort(m),
        margin: Math.round(fontPx * 0.6),
      },
      axisLine: { lineStyle: { color: colors.muted, width: 2 } },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      splitNumber: 4,
      axisLabel: { ...muted, formatter: (v: number) => formatValue(v) },
      splitLine: { lineStyle: { color: colors.grid, width: 1 } },
    },
    series,
  };
}
