/**
 * A goal's year: this year vs last year per month, the target path, the at-risk band between the
 * target and its edge, the forecast (dashed, labelled "Prognose") with its 80 % band, revised
 * months (diamonds) and provisional values (hollow points).
 * Series differ by colour, line style and symbol; tooltips and axes are German (web/format.ts).
 */

import { useCallback, useMemo } from 'react';
import { formatChange, formatChangePair, formatMonth } from '../../core/format';
import { actorText } from '../../core/people';
import type { GoalSeriesResponse } from '../api';
import { GOAL_SERIES, TEXT } from '../lib/palette';
import { EChart, type EChartProps } from './EChart';
import type { ChartOption, LineSeriesOption } from './echarts';
import {
  BAND_NAME,
  bandLegendItem,
  bandSeries,
  forecastBandSeries,
  forecastEndLabel,
  frameLayout,
  monthChartFrame,
  styledLine,
} from './scaffold';

/** One month of a goal's series, as the API sends it (the type is the client's inferred one). */
export type GoalChartPoint = GoalSeriesResponse['points'][number];

export interface GoalChartProps {
  points: readonly GoalChartPoint[];
  year: number;
  /** Formats a value for axis and tooltip ("14,7 %" or "6.512"). */
  formatValue: (v: number | null) => string;
  ariaLabel: string;
  onMonthClick?: (month: string) => void;
  /** Comments to mark at their months (hover shows them; CommentMarkers gives keyboard access). */
  comments?: readonly ChartComment[];
}

/** A comment as the chart marks it. */
export interface ChartComment {
  month: string;
  author: string;
  text: string;
}

/** At most this much of a comment in the chart's tooltip (the full text is under the goal). */
const TIP_CHARS = 200;

export const SERIES_NAMES = {
  current: (year: number) => `${year}`,
  previous: (year: number) => `${year - 1} (Vorjahr)`,
  target: 'Zielpfad',
  band: BAND_NAME,
  forecast: 'Prognose',
  forecastBand: 'Prognose 80 %-Bereich',
  revised: 'revidiert',
  comment: 'Kommentar',
  provisional: 'vorläufig',
} as const;

type Row = GoalChartPoint;

export function buildGoalChartOption(
  points: readonly Row[],
  year: number,
  formatValue: (v: number | null) => string,
  comments: readonly ChartComment[] = [],
): ChartOption {
  const commented = new Map<string, ChartComment[]>();
  for (const c of comments) commented.set(c.month, [...(commented.get(c.month) ?? []), c]);
  const withBand = (f: (target: number, edge: number) => number) =>
    points.map((p) => (p.target === null || p.atRiskEdge === null ? null : f(p.target, p.atRiskEdge)));
  const series: LineSeriesOption[] = [
    ...bandSeries(
      withBand(Math.min),
      withBand((t, e) => Math.abs(t - e)),
    ),
    styledLine('previous', {
      id: 'previous',
      name: SERIES_NAMES.previous(year),
      data: points.map((p) => p.previous),
    }),
    styledLine('target', {
      id: 'target',
      name: SERIES_NAMES.target,
      data: points.map((p) => p.target),
      symbolSize: 5,
    }),
    ...forecastBandSeries(
      SERIES_NAMES.forecastBand,
      points.map((p) => p.forecastLow),
      points.map((p) => p.forecastHigh),
    ),
    styledLine('forecast', {
      id: 'forecast',
      name: SERIES_NAMES.forecast,
      data: points.map((p) => p.forecast),
      endLabel: forecastEndLabel,
    }),
    styledLine('current', {
      id: 'current',
      name: SERIES_NAMES.current(year),
      data: points.map((p) => p.current),
      z: 5,
    }),
    {
      id: 'revised',
      name: SERIES_NAMES.revised,
      type: 'line',
      data: points.map((p) => (p.revised ? (p.current ?? p.previous) : null)),
      symbol: GOAL_SERIES.revised.symbol,
      symbolSize: 14,
      showAllSymbol: true,
      lineStyle: { width: 0, opacity: 0 },
      itemStyle: { color: GOAL_SERIES.revised.color, borderColor: '#000000', borderWidth: 1 },
      z: 6,
    },
    {
      // Hollow points: a provisional value is not yet a fact (the final value replaces it).
      id: 'provisional',
      name: SERIES_NAMES.provisional,
      type: 'line',
      data: points.map((p) => (p.provisional === true ? p.current : null)),
      symbol: 'circle',
      symbolSize: 13,
      showAllSymbol: true,
      lineStyle: { width: 0, opacity: 0 },
      itemStyle: { color: '#ffffff', borderColor: '#1b1f24', borderWidth: 2.5 },
      z: 7,
    },
  ];
  if (commented.size > 0) {
    series.push({
      id: 'comments',
      name: SERIES_NAMES.comment,
      type: 'line',
      data: points.map((p) => (commented.has(p.month) ? (p.current ?? p.previous ?? p.target) : null)),
      symbol: 'pin',
      symbolSize: 26,
      showAllSymbol: true,
      lineStyle: { width: 0, opacity: 0 },
      itemStyle: { color: '#ffffff', borderColor: TEXT, borderWidth: 2 },
      z: 7,
    });
  }
  const tooltip = (raw: unknown) => {
    const items = Array.isArray(raw) ? raw : [raw];
    const first: unknown = items[0];
    const idx =
      first && typeof first === 'object' && 'dataIndex' in first && typeof first.dataIndex === 'number'
        ? first.dataIndex
        : -1;
    const p = points[idx];
    if (!p) return '';
    const rows: [string, string][] = [
      [SERIES_NAMES.current(year), formatValue(p.current)],
      [SERIES_NAMES.previous(year), formatValue(p.previous)],
      [SERIES_NAMES.target, formatValue(p.target)],
      ['Grenze „gefährdet“', formatValue(p.atRiskEdge)],
    ];
    if (p.forecast !== null) rows.push([SERIES_NAMES.forecast, formatValue(p.forecast)]);
    if (p.forecastLow !== null && p.forecastHigh !== null) {
      rows.push([
        SERIES_NAMES.forecastBand,
        `${formatValue(p.forecastLow)} … ${formatValue(p.forecastHigh)}`,
      ]);
    }
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const notes = (commented.get(p.month) ?? []).map((c) => {
      const text = [...c.text].length > TIP_CHARS ? `${[...c.text].slice(0, TIP_CHARS).join('')} …` : c.text;
      return `${esc(SERIES_NAMES.comment)} (${esc(actorText(c.author))}): ${esc(text)}`;
    });
    return [
      `<strong>${esc(formatMonth(p.month))}</strong>${p.revised ? ' (revidiert)' : ''}${p.provisional ? ' (vorläufig)' : ''}`,
      ...rows.map(([k, v]) => `${esc(k)}: <strong>${esc(v)}</strong>`),
      ...notes,
    ].join('<br>');
  };
  return monthChartFrame({
    months: points.map((p) => p.month),
    legend: [
      SERIES_NAMES.current(year),
      SERIES_NAMES.previous(year),
      SERIES_NAMES.target,
      bandLegendItem,
      SERIES_NAMES.forecast,
      {
        name: SERIES_NAMES.forecastBand,
        icon: 'rect',
        itemStyle: { color: GOAL_SERIES.forecastBand.color, opacity: 0.6 },
      },
      SERIES_NAMES.revised,
      ...(commented.size > 0 ? [SERIES_NAMES.comment] : []),
      SERIES_NAMES.provisional,
    ],
    tooltip: { formatter: tooltip },
    formatY: (v) => formatValue(v),
    series,
  });
}

export function GoalChart(props: GoalChartProps) {
  const { points, year, formatValue, comments } = props;
  const option = useMemo(
    () => buildGoalChartOption(points, year, formatValue, comments),
    [points, year, formatValue, comments],
  );
  return <MonthsChart {...props} option={option} testId="goal-chart" height="min(60vh, 520px)" />;
}

/**
 * A chart with a month per category, laid out for its width (frameLayout): a click on a month's
 * column passes that month on.
 */
function MonthsChart({
  points,
  onMonthClick,
  ...chart
}: Pick<GoalChartProps, 'points' | 'onMonthClick'> &
  Pick<EChartProps, 'option' | 'ariaLabel' | 'testId' | 'height'>) {
  const { option } = chart;
  const layout = useCallback((width: number) => frameLayout(option, width), [option]);
  return (
    <EChart
      option={option}
      layout={layout}
      ariaLabel={chart.ariaLabel}
      testId={chart.testId}
      height={chart.height}
      onCategoryClick={(i) => {
        const p = points[i];
        if (p && onMonthClick) onMonthClick(p.month);
      }}
    />
  );
}

export interface ChangeChartProps {
  points: readonly GoalChartPoint[];
  targetChangePct: number;
  /** The change at which the at-risk band ends (beyond it the goal is missed). */
  atRiskEdgePct: number;
  ariaLabel: string;
  onMonthClick?: (month: string) => void;
}

export function buildChangeChartOption(
  points: readonly GoalChartPoint[],
  targetChangePct: number,
  atRiskEdgePct: number,
): ChartOption {
  const actual = points.map((p) => p.changePct);
  const projected = points.map((p) => p.forecastChangePct);
  const constant = (v: number) => points.map(() => v);
  return monthChartFrame({
    months: points.map((p) => p.month),
    legend: ['Veränderung', 'Ziel', bandLegendItem, 'Prognose'],
    // Beside the target with as many decimals as tell a value from it (formatChangePair): a
    // forecast of −1,03 % against −1,0 % must not read "−1,0 %".
    tooltip: {
      valueFormatter: (v) => (typeof v === 'number' ? formatChangePair(v, targetChangePct).change : '–'),
    },
    formatY: (v) => formatChange(v),
    series: [
      ...bandSeries(
        constant(Math.min(targetChangePct, atRiskEdgePct)),
        constant(Math.abs(targetChangePct - atRiskEdgePct)),
      ),
      styledLine('target', { id: 'target', name: 'Ziel', data: constant(targetChangePct), symbol: 'none' }),
      styledLine('forecast', {
        id: 'forecast',
        name: 'Prognose',
        data: projected,
        endLabel: forecastEndLabel,
      }),
      styledLine('current', { id: 'change', name: 'Veränderung', data: actual, z: 5 }),
    ],
  });
}

export function ChangeChart(props: ChangeChartProps) {
  const { points, targetChangePct, atRiskEdgePct } = props;
  const option = useMemo(
    () => buildChangeChartOption(points, targetChangePct, atRiskEdgePct),
    [points, targetChangePct, atRiskEdgePct],
  );
  return <MonthsChart {...props} option={option} testId="change-chart" height="min(40vh, 340px)" />;
}
