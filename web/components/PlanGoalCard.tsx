/** A card of a plan goal (Eingliederung und Budget): Ist, Plan bis Monat, Jahresplan, status, forecast, pace. */
import { useId } from 'react';
import { Link } from 'wouter';
import type { Goal } from '../api';
import { missingLines } from '../lib/goal-view';
import { planCardView } from '../lib/plan-view';
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
      <header className="goal-card-head">
        <h3 id={headingId}>
          <Link href={href}>
            {goal.label}
            <span className="visually-hidden"> – Details</span>
          </Link>
        </h3>
        <StatusBadge status={goal.status} />
      </header>
      <dl className="figures">
        <div className="figure figure-main">
          <dt>{v.currentLabel}</dt>
          <dd data-field="current">{v.current}</dd>
        </div>
        <div className="figure">
          <dt>{v.planToDateLabel}</dt>
          <dd data-field="plan-to-date">{v.planToDate}</dd>
        </div>
        {goal.kind !== 'capacity' && (
          <div className="figure">
            <dt>Jahresplan</dt>
            <dd data-field="plan">{v.plan}</dd>
          </div>
        )}
        {v.extra && (
          <div className="figure">
            <dt>{v.extra.label}</dt>
            <dd data-field="extra">{v.extra.value}</dd>
          </div>
        )}
      </dl>
      <p className="plan-deviation" data-field="deviation">
        {v.deviation}
      </p>
      {v.forecast && (
        <div className="projection" data-field="projection">
          <span className="projection-label">{v.forecast.label}</span>{' '}
          <span data-field="projection-value">{v.forecast.value}</span>{' '}
          <span data-field="projection-change">({v.forecast.change})</span>{' '}
          <StatusBadge status={goal.forecast.status} size="sm" />
        </div>
      )}
      {goal.status === 'no_data' && goal.missing.length > 0 && (
        <div className="missing">
          <p>Es fehlen Werte:</p>
          <ul className="missing-list">
            {missingLines(goal).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {v.pace && (
        <p className="plan-pace" data-field="pace">
          {v.pace}
        </p>
      )}
    </article>
  );
}
