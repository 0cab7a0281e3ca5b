/**
 * The wall's chart page: one goal with its chart. It keeps one ECharts instance while it rotates
 * from goal to goal (only the option changes); it is disposed when the rotation returns to the
 * overview (the EChart wrapper owns the lifecycle). Loaded lazily (with ECharts) by pages/Wall.tsx
 * when the rotation first reaches a chart page: the overview tiles need none of it.
 */
import { useMemo } from 'react';
import { formatChangePair } from '../../core/format';
import { FORECAST_LABEL } from '../../core/steering-text';
import { EChart } from '../charts/EChart';
import { formatGoalValue, goalCardView, goalValueCaption } from '../lib/goal-view';
import type { WallGoals, WallSeries } from './api';
import { buildWallChartOption } from './chart';
import type { WallColors } from './theme';
import { forecastUncertainty } from './WallGoals';
import { WallStatus as Status } from './WallStatus';

type Goal = WallGoals['goals'][number];

export interface GoalPageProps {
  goal: Goal;
  series: WallSeries | undefined;
  year: number;
  colors: WallColors;
  fontPx: number;
}

export default function WallGoalPage({ goal, series, year, colors, fontPx }: GoalPageProps) {
  const v = goalCardView(goal);
  const pair = formatChangePair(goal.changePct, goal.targetChangePct);
  const unit = goal.unit;
  const formatValue = useMemo(() => (n: number | null) => formatGoalValue({ unit }, n), [unit]);
  const option = useMemo(
    () => buildWallChartOption({ points: series?.points ?? [], year, formatValue, colors, fontPx }),
    [series, year, formatValue, colors, fontPx],
  );
  return (
    <section className="wall-goal" aria-label={goal.label} data-goal={goal.id} data-testid="wall-goal">
      <div className="wall-goal-head">
        <h2 className="wall-goal-title">{goal.label}</h2>
        <Status status={goal.status} className="wall-status-lg" />
        <p className="wall-goal-figures">
          {/* The year-to-date value, labelled as the cards label it: not the month's own figure. */}
          {goalValueCaption(goal, goal.current.month)}: <strong data-testid="wall-value">{v.current}</strong>{' '}
          · Veränderung <strong>{pair.change}</strong> · Ziel {pair.target}
          {goal.provisional && (
            <span data-testid="wall-provisional"> · * vorläufig (hochgerechnete BA-Werte)</span>
          )}
        </p>
        <p className="wall-goal-forecast">
          {FORECAST_LABEL}: {v.forecastChange} · {forecastUncertainty(goal, v)}
          {v.forecastProbability !== null && ` · ${v.forecastProbability}`} ·{' '}
          <Status status={goal.forecast.status} className="wall-status-sm" />
          {v.paceShort !== null && ` · ${v.paceShort}`}
        </p>
      </div>
      <div className="wall-chart">
        {series ? (
          <EChart
            option={option}
            height="100%"
            testId="wall-chart"
            ariaLabel={`${goal.label}: ${year} gegen ${year - 1}, Zielpfad, Bereich gefährdet und Prognose`}
          />
        ) : (
          <p className="wall-empty">Verlauf wird geladen …</p>
        )}
      </div>
    </section>
  );
}
