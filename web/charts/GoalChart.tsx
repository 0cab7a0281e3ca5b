/**
 * A goal's year: this year vs last year per month, the target path, the at-risk band between the
 * target and its edge, the projection (dashed, labelled "Prognose"), revised months (diamonds) and
 * provisional values (hollow points).
 * Series differ by colour, line style and symbol; tooltips and axes are German (web/format.ts).
 */
import { useMemo } from 'react';

import { formatChange, formatMonth, formatMonthShort } from '../format';
import { GOAL_SERIES, TEXT, TEXT_MUTED } from '../lib/palette';
import { EChart } from './EChart';
import type { ChartOption, LineSeriesOption } from './echarts';

export interface GoalChartPoint {
  month: string;
  current: number | null;
  previous: number | null;
  target: number | null;
  atRiskEdge: number | null;
  projection: number | null;
  revised: boolean;
  /** The value rests on provisional BA figures: drawn as a hollow point, said in the tooltip. */
  provisional?: boolean;
}

export interface GoalChartProps {
  points: readonly GoalChartPoint[];
  year: number;
  /** Formats a value for axis and tooltip ("14,7 %" or "6.512"). */
  formatValue: (v: number | null) => string;
  ariaLabel: string;
  onMonthClick?: (month: string) => void;
}

export const SERIES_NAMES = {
  current: (year: number) => `${year}`,
  previous: (year: number) => `${year - 1} (Vorjahr)`,
  target: 'Zielpfad',
  band: 'Bereich „gefährdet“',
  projection: 'Prognose',
  revised: 'revidiert',
  provisional: 'vorläufig',
} as const;

type Row = GoalChartPoint;

export function buildGoalChartOption(
  points: readonly Row[],
  year: number,
  formatValue: (v: number | null) => string,
): ChartOption {
  const months = points.map((p) => p.month);
  const lower = points.map((p) =>
    p.target === null || p.atRiskEdge === null ? null : Math.min(p.target, p.atRiskEdge),
  );
  const width = points.map((p) =>
    p.target === null || p.atRiskEdge === null ? null : Math.abs(p.target - p.atRiskEdge),
  );
  const line = (
    key: 'current' | 'previous' | 'target' | 'projection',
    name: string,
    data: (number | null)[],
    extra: LineSeriesOption = {},
  ): LineSeriesOption => {
    const s = GOAL_SERIES[key];
    return {
      id: key,
      name,
      type: 'line',
      data,
      symbol: s.symbol,
      symbolSize: key === 'current' ? 8 : 6,
      showAllSymbol: true,
      connectNulls: false,
      lineStyle: { color: s.color, width: s.width, type: s.type },
      itemStyle: { color: s.color },
      emphasis: { focus: 'series' },
      ...extra,
    };
  };
  const series: LineSeriesOption[] = [
    // The band: an invisible base line and, stacked on it, the band's width filled.
    {
      id: 'band-base',
      name: SERIES_NAMES.band,
      type: 'line',
      data: lower,
      stack: 'band',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      tooltip: { show: false },
      silent: true,
    },
    {
      id: 'band',
      name: SERIES_NAMES.band,
      type: 'line',
      data: width,
      stack: 'band',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: GOAL_SERIES.band.color, opacity: GOAL_SERIES.band.opacity },
      itemStyle: { color: GOAL_SERIES.band.color },
      silent: true,
    },
    line(
      'previous',
      SERIES_NAMES.previous(year),
      points.map((p) => p.previous),
    ),
    line(
      'target',
      SERIES_NAMES.target,
      points.map((p) => p.target),
      { symbolSize: 5 },
    ),
    line(
      'projection',
      SERIES_NAMES.projection,
      points.map((p) => p.projection),
      {
        endLabel: { show: true, formatter: 'Prognose', color: TEXT, fontWeight: 'bold' },
      },
    ),
    line(
      'current',
      SERIES_NAMES.current(year),
      points.map((p) => p.current),
      { z: 5 },
    ),
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
      itemStyle: { color: '#ffffff', borderColor: TEXT, borderWidth: 2.5 },
      z: 7,
    },
  ];

  return {
    animation: false,
    grid: { left: 16, right: 80, top: 56, bottom: 32, containLabel: true },
    legend: {
      top: 0,
      left: 0,
      textStyle: { color: TEXT, fontSize: 13 },
      itemWidth: 32,
      data: [
        SERIES_NAMES.current(year),
        SERIES_NAMES.previous(year),
        SERIES_NAMES.target,
        // The band's legend icon: a filled box in the band's colour (not the invisible base line).
        { name: SERIES_NAMES.band, icon: 'rect', itemStyle: { color: GOAL_SERIES.band.color, opacity: 0.6 } },
        SERIES_NAMES.projection,
        SERIES_NAMES.revised,
        SERIES_NAMES.provisional,
      ],
    },
    tooltip: {
      trigger: 'axis',
      formatter: (raw: unknown) => {
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
        if (p.projection !== null) rows.push([SERIES_NAMES.projection, formatValue(p.projection)]);
        const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
        return [
          `<strong>${esc(formatMonth(p.month))}</strong>${p.revised ? ' (revidiert)' : ''}${p.provisional ? ' (vorläufig)' : ''}`,
          ...rows.map(([k, v]) => `${esc(k)}: <strong>${esc(v)}</strong>`),
        ].join('<br>');
      },
    },
    xAxis: {
      type: 'category',
      data: months,
      boundaryGap: false,
      axisLabel: { color: TEXT_MUTED, formatter: (m: string) => formatMonthShort(m) },
      axisLine: { lineStyle: { color: TEXT_MUTED } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: TEXT_MUTED, formatter: (v: number) => formatValue(v) },
      splitLine: { lineStyle: { color: '#dde1e6' } },
    },
    series,
  };
}

export function GoalChart({ points, year, formatValue, ariaLabel, onMonthClick }: GoalChartProps) {
  const option = useMemo(() => buildGoalChartOption(points, year, formatValue), [points, year, formatValue]);
  return (
    <EChart
      option={option}
      ariaLabel={ariaLabel}
      testId="goal-chart"
      height="min(60vh, 520px)"
      onCategoryClick={(i) => {
        const p = points[i];
        if (p && onMonthClick) onMonthClick(p.month);
      }}
    />
  );
}

/** The change against last year per month, in percent (null where either value is missing). */
export function monthlyChanges(points: readonly GoalChartPoint[]): {
  actual: (number | null)[];
  projected: (number | null)[];
} {
  const rel = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? null : 100 * (a / b - 1);
  return {
    actual: points.map((p) => rel(p.current, p.previous)),
    projected: points.map((p) => rel(p.projection, p.previous)),
  };
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
  const { actual, projected } = monthlyChanges(points);
  const lo = Math.min(targetChangePct, atRiskEdgePct);
  const width = Math.abs(targetChangePct - atRiskEdgePct);
  const s = GOAL_SERIES;
  return {
    animation: false,
    grid: { left: 16, right: 80, top: 40, bottom: 32, containLabel: true },
    legend: {
      top: 0,
      left: 0,
      textStyle: { color: TEXT, fontSize: 13 },
      itemWidth: 32,
      data: [
        'Veränderung',
        'Ziel',
        { name: 'Bereich „gefährdet“', icon: 'rect', itemStyle: { color: s.band.color, opacity: 0.6 } },
        'Prognose',
      ],
    },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? formatChange(v) : '–'),
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.month),
      boundaryGap: false,
      axisLabel: { color: TEXT_MUTED, formatter: (m: string) => formatMonthShort(m) },
      axisLine: { lineStyle: { color: TEXT_MUTED } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: TEXT_MUTED, formatter: (v: number) => formatChange(v) },
      splitLine: { lineStyle: { color: '#dde1e6' } },
    },
    series: [
      {
        id: 'band-base',
        name: 'Bereich „gefährdet“',
        type: 'line',
        data: points.map(() => lo),
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
        silent: true,
      },
      {
        id: 'band',
        name: 'Bereich „gefährdet“',
        type: 'line',
        data: points.map(() => width),
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: s.band.color, opacity: s.band.opacity },
        tooltip: { show: false },
        silent: true,
      },
      {
        id: 'target',
        name: 'Ziel',
        type: 'line',
        data: points.map(() => targetChangePct),
        symbol: 'none',
        lineStyle: { color: s.target.color, width: s.target.width, type: s.target.type },
        itemStyle: { color: s.target.color },
      },
      {
        id: 'projection',
        name: 'Prognose',
        type: 'line',
        data: projected,
        symbol: s.projection.symbol,
        symbolSize: 6,
        lineStyle: { color: s.projection.color, width: s.projection.width, type: s.projection.type },
        itemStyle: { color: s.projection.color },
        endLabel: { show: true, formatter: 'Prognose', color: TEXT, fontWeight: 'bold' },
      },
      {
        id: 'change',
        name: 'Veränderung',
        type: 'line',
        data: actual,
        symbol: s.current.symbol,
        symbolSize: 8,
        showAllSymbol: true,
        connectNulls: false,
        lineStyle: { color: s.current.color, width: s.current.width, type: s.current.type },
        itemStyle: { color: s.current.color },
        z: 5,
      },
    ],
  };
}

export function ChangeChart({
  points,
  targetChangePct,
  atRiskEdgePct,
  ariaLabel,
  onMonthClick,
}: ChangeChartProps) {
  const option = useMemo(
    () => buildChangeChartOption(points, targetChangePct, atRiskEdgePct),
    [points, targetChangePct, atRiskEdgePct],
  );
  return (
    <EChart
      option={option}
      ariaLabel={ariaLabel}
      testId="change-chart"
      height="min(40vh, 340px)"
      onCategoryClick={(i) => {
        const p = points[i];
        if (p && onMonthClick) onMonthClick(p.month);
      }}
    />
  );
}

/** The at-risk edge as a change in percent, read back from the points (edge = previous × (1 + e/100)). */
export function atRiskEdgePctOf(points: readonly GoalChartPoint[]): number | null {
  for (const p of points) {
    if (p.atRiskEdge !== null && p.previous !== null && p.previous !== 0)
      return 100 * (p.atRiskEdge / p.previous - 1);
  }
  return null;
}
