/**
 * The figures of a plan goal (kind cumulative, budget, capacity) as cards and the wall show them.
 * Everything is decided by the goal's `kind` and `unit` from the API, never by its id.
 */
import { formatChange, formatGoalValue, formatMonth, formatPace } from '../../core/format';

/** The fields of a plan goal this module reads (a structural subset of the API's goal). */
export interface PlanGoalFigures {
  kind: string;
  unit: 'count' | 'eur' | 'places' | 'percent';
  label: string;
  plan: number | null;
  planToDate: number | null;
  changePct: number | null;
  commitments: number | null;
  pace: {
    total: number;
    months: number;
    perMonth: number;
    pathNext?: { month: string; needed: number } | null;
  } | null;
  current: { month: string; value: number | null };
  monthly: { value: number | null };
  forecast: { value: number | null; changePct: number | null; status: string };
}

export interface PlanCardView {
  /** "Ist Januar–September 2024" or "Ø Belegung Januar–September 2024". */
  currentLabel: string;
  current: string;
  planToDateLabel: string;
  planToDate: string;
  plan: string;
  /** "−8,9 % zum Plan" */
  deviation: string;
  /** Budget: commitments; capacity: the latest month's occupancy; else null. */
  extra: { label: string; value: string } | null;
  /** Null when the kind has no forecast (capacity) or it cannot be computed. */
  forecast: { label: string; value: string; change: string } | null;
  /** "noch 76 Eintritte FbW bis Dezember, 25 je Monat"; null for capacity or without data. */
  pace: string | null;
}

/** The goal unit of an indicator's unit column ('count' for anything else). */
export function goalUnitOfIndicator(unit: string): PlanGoalFigures['unit'] {
  return unit === 'eur' || unit === 'places' || unit === 'percent' ? unit : 'count';
}

/** A plan goal (cumulative, budget, capacity); a goal without `kind` is a Tabelle 3 change goal. */
export function isPlanGoal(goal: { kind?: string }): boolean {
  return goal.kind !== undefined && goal.kind !== 'change';
}

function monthWord(month: string): string {
  return formatMonth(month).split(' ')[0] ?? month;
}

/**
 * ", 72.083 € darüber" when a budget's forecast lies above its plan (the money available: an
 * overspend to be seen in euros, not only as "+1,1 %"); '' otherwise.
 */
function overBudget(goal: PlanGoalFigures, v: (n: number | null) => string): string {
  const f = goal.forecast.value;
  return goal.kind === 'budget' && goal.plan !== null && f !== null && f > goal.plan
    ? `, ${v(f - goal.plan)} darüber`
    : '';
}

export function planCardView(
  goal: PlanGoalFigures,
  opts: { compact?: boolean } = { compact: true },
): PlanCardView {
  const v = (n: number | null) => formatGoalValue(n, goal.unit, opts);
  const month = goal.current.month;
  const span = `Januar–${formatMonth(month)}`;
  let extra: PlanCardView['extra'] = null;
  if (goal.kind === 'budget' && goal.commitments !== null)
    extra = { label: 'Bindungen', value: v(goal.commitments) };
  if (goal.kind === 'capacity')
    extra = { label: `Belegung ${formatMonth(month)}`, value: v(goal.monthly.value) };
  return {
    currentLabel: goal.kind === 'capacity' ? `Ø Belegung ${span}` : `Ist ${span}`,
    current: v(goal.current.value),
    planToDateLabel: goal.kind === 'capacity' ? 'Geplante Plätze' : `Plan bis ${monthWord(month)}`,
    planToDate: v(goal.planToDate),
    plan: v(goal.plan),
    deviation: `${formatChange(goal.changePct)} zum Plan`,
    extra,
    forecast:
      goal.forecast.value === null
        ? null
        : {
            label: 'Prognose Dezember',
            value: v(goal.forecast.value),
            change: `${formatChange(goal.forecast.changePct)} zum Jahresplan${overBudget(goal, v)}`,
          },
    pace: goal.pace === null ? null : formatPace(goal.pace, goal.unit, goal.label),
  };
}
