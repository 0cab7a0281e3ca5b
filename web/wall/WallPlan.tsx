/**
 * The wall's plan page: every plan goal of the AIP beyond Tabelle 3 (entries, budgets, places) as
 * a tile with its status (icon + word), the year-to-date figure, the plan to date and for the
 * year, and the forecast. Rotates after the Tabelle 3 overview; same layout rules (units of --u).
 */
import { formatMonthShort } from '../../core/format';
import { isPlanGoal, planCardView } from '../lib/plan-view';
import type { WallGoals } from './api';
import { planGoalsOfPart } from './params';
import { WallStatus } from './WallStatus';

type Goal = WallGoals['goals'][number];

function PlanTile({ goal }: { goal: Goal }) {
  const v = planCardView(goal);
  const month = formatMonthShort(goal.current.month);
  return (
    <article className="wall-tile wall-plan-tile" data-goal={goal.id} aria-label={goal.label}>
      <h3 className="wall-plan-title">{goal.label}</h3>
      <p className="wall-plan-main">
        <span className="wall-plan-value" data-testid="wall-value">
          {v.current}
        </span>
        <WallStatus status={goal.status} className="wall-plan-status" />
      </p>
      <p className="wall-plan-fact">
        <span>
          {goal.kind === 'capacity' ? 'Plätze' : `Plan ${month}`}{' '}
          <strong data-testid="wall-plan-to-date">{v.planToDate}</strong>
        </span>{' '}
        {goal.kind === 'capacity' ? (
          <span>
            · belegt {month} <strong>{v.extra?.value}</strong>
          </span>
        ) : (
          <span>
            · Jahr <strong data-testid="wall-plan">{v.plan}</strong>
          </span>
        )}
      </p>
      {v.forecast && (
        <p className="wall-plan-fact">
          <span>
            Prognose <strong data-testid="wall-forecast">{v.forecast.value}</strong>{' '}
            <WallStatus status={goal.forecast.status} className="wall-status-sm" />
          </span>
        </p>
      )}
    </article>
  );
}

/** "Eingliederung und Budget", with "(Teil 1 von 2)" when the plan goals fill several pages. */
export function planTitle(part: number, parts: number): string {
  return parts > 1 ? `Eingliederung und Budget (Teil ${part + 1} von ${parts})` : 'Eingliederung und Budget';
}

/** One plan page: part `part` of `parts` of the plan goals (planGoalsOfPart), one tile each. */
export function WallPlanPage({
  goals,
  part = 0,
  parts = 1,
}: {
  goals: WallGoals;
  part?: number;
  parts?: number;
}) {
  const plan = planGoalsOfPart(goals.goals.filter(isPlanGoal), part, parts);
  if (plan.length === 0) {
    return (
      <section className="wall-empty" aria-label="Eingliederung und Budget">
        <p>Für {goals.year} sind keine Planziele hinterlegt.</p>
      </section>
    );
  }
  const columns = plan.length > 4 ? 3 : 2;
  return (
    <section className="wall-plan" aria-label="Eingliederung und Budget" data-testid="wall-plan">
      <h2 className="wall-group-title">
        Eingliederung und Budget – Ist seit Januar gegen den Plan
        {parts > 1 ? ` (Teil ${part + 1} von ${parts})` : ''}
      </h2>
      <div
        className="wall-tiles wall-plan-tiles"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      >
        {plan.map((g) => (
          <PlanTile key={g.id} goal={g} />
        ))}
      </div>
    </section>
  );
}
