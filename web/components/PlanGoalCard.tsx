/** A card of a plan goal (Eingliederung und Budget): Ist, Plan bis Monat, Jahresplan, status, forecast, pace. */
import { useId } from 'react';
import type { Goal } from '../api';
import { type PlanCardView, planCardView } from '../lib/plan-view';
import { Figure } from './Figure';
import { GoalCardHead } from './GoalCardHead';
import { GoalMissing } from './GoalFigures';
import { StatusBadge } from './StatusBadge';

export function PlanGoalCard({ goal, href }: { goal: Goal; href: string }) {
  const v = planCardView(goal);
  const headingId = useId();
  return (
    <article
      className="card goal-card plan-card"
      aria-labelledby={headingId}
      data-testid={`plan-goal-${goal.id}`}
    >
      <GoalCardHead headingId={headingId} label={goal.label} href={href} status={goal.status} />
      <dl className="figures">
        <PlanToDateFigures v={v} />
        {goal.kind !== 'capacity' && (
          <Figure label="Jahresplan" field="plan">
            {v.plan}
          </Figure>
        )}
        <PlanExtraFigure v={v} />
      </dl>
      <p className="plan-deviation" data-field="deviation">
        {v.deviation}
      </p>
      {v.forecast && (
        <div className="projection" data-field="projection">
          <span className="projection-label">{v.forecast.label}</span>{' '}
          <span data-field="projection-value">{v.forecast.value}</span>{' '}
          <span data-field="projection-change">({v.forecast.change})</span>{' '}
          <StatusBadge status={goal.forecast.status} size="sm" prefix="voraussichtlich" />
        </div>
      )}
      <GoalMissing goal={goal} />
      {v.pace && (
        <p className="plan-pace" data-field="pace">
          {v.pace}
        </p>
      )}
    </article>
  );
}

/** What the plan card and the plan goal page both show first: the figure to date and the plan to date. */
export function PlanToDateFigures({ v }: { v: PlanCardView }) {
  return (
    <>
      <Figure main label={v.currentLabel} field="current">
        {v.current}
      </Figure>
      <Figure label={v.planToDateLabel} field="plan-to-date">
        {v.planToDate}
      </Figure>
    </>
  );
}

/** The kind's extra figure (spending rate, places filled), if it has one. */
export function PlanExtraFigure({ v }: { v: PlanCardView }) {
  return (
    v.extra && (
      <Figure label={v.extra.label} field="extra">
        {v.extra.value}
      </Figure>
    )
  );
}
