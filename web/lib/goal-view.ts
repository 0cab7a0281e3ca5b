/**
 * The figures of a goal as the dashboard shows them. The API says what a goal's value is (`unit`,
 * `formula`): K2 goals are tracked on the JFW (a rate in percent, shown as "14,7 %"), K3 goals on
 * the year-to-date mean LZB stock (a count, shown as "6.512").
 */
import { formatChangePair, formatCount, formatMonth, formatPercent, GENDER_TEXT } from '../../core/format';
import { parseMonth } from '../../core/months';
import {
  type DriversLike,
  driversSentence,
  type ForecastLike,
  forecastParts,
  type PaceLike,
  paceSentence,
  paceShort,
} from '../../core/steering-text';
import { missingReasonText } from './status';

/** The fields of a goal evaluation this module reads (a structural subset of the API type). */
export interface GoalFacts {
  indicator: string;
  unit: string;
  formula: string;
  gender: string;
  targetChangePct: number;
  current: { month: string; value: number | null };
  previous: { month: string; value: number | null };
  changePct: number | null;
  monthly: { value: number | null; changePct: number | null };
  forecast: ForecastLike & { value: number | null };
  pace: PaceLike | null;
  drivers: DriversLike | null;
  missing: readonly { indicator: string; gender: string; month: string; reason: string }[];
  /** The value rests on provisional (hochgerechnete) BA figures. */
  provisional?: boolean;
}

/** Formats a goal's tracked value in its unit: a percent (K2), an integer count (K3). */
export function formatGoalValue(goal: Pick<GoalFacts, 'unit'>, value: number | null | undefined): string {
  return goal.unit === 'percent' ? formatPercent(value) : formatCount(value);
}

/** What the value is, in German: "Jahresfortschrittswert" for a rate (K2), "Ø Bestand LZB" for a stock (K3). */
export function goalValueName(goal: Pick<GoalFacts, 'formula'>): string {
  return goal.formula === 'rate' ? 'Jahresfortschrittswert' : 'Ø Bestand LZB';
}

/** The section caption of a goal's value up to a month ("Jahresfortschrittswert bis Juni 2024"). */
export function goalValueCaption(goal: Pick<GoalFacts, 'formula'>, month: string): string {
  const m = formatMonth(month);
  return goal.formula === 'rate' ? `Jahresfortschrittswert bis ${m}` : `Ø Bestand Januar bis ${m}`;
}

/** The caption of the previous year's value ("Vorjahr (bis Juni 2023)", "Vorjahr (Januar bis Juni 2023)"). */
export function goalPreviousCaption(goal: Pick<GoalFacts, 'formula'>, month: string): string {
  const m = formatMonth(month);
  return goal.formula === 'rate' ? `Vorjahr (bis ${m})` : `Vorjahr (Januar bis ${m})`;
}

/** "−0,8 % (Ziel: −1,0 %)"; "−0,41 % (Ziel: −0,40 %)" where one decimal would read the same. */
export function formatChangeVsTarget(changePct: number | null, targetChangePct: number): string {
  const p = formatChangePair(changePct, targetChangePct);
  return `${p.change} (Ziel: ${p.target})`;
}

function genderText(g: string): string {
  return g === 'total' || g === 'female' || g === 'male' ? GENDER_TEXT[g] : g;
}

/** One line per missing input: "INT Frauen, März 2024: gesperrt (Datenschutz)". */
export function missingLines(goal: Pick<GoalFacts, 'missing'>): string[] {
  return goal.missing.map(
    (m) => `${m.indicator} ${genderText(m.gender)}, ${formatMonth(m.month)}: ${missingReasonText(m.reason)}`,
  );
}

export interface GoalCardView {
  current: string;
  previous: string;
  change: string;
  /** "+1,8 %" */
  forecastChange: string;
  /** "+0,9 … +2,6 %" or null */
  forecastInterval: string | null;
  /** "72 % Zielerreichung" or null */
  forecastProbability: string | null;
  /** The forecast December value (JFW or mean stock). */
  forecastValue: string;
  /** Why there is no forecast or interval, or null. */
  forecastNote: string | null;
  /** The pace as a sentence, or null (December, or without inputs). */
  pace: string | null;
  /** The pace in a few words (wall), or null. */
  paceShort: string | null;
  /** The drivers as a sentence, or null. */
  drivers: string | null;
}

/** K3's latest stock (the month's own figure), shown beside the allowed mean; none for K2. */
function latestStock(goal: GoalFacts): number | null {
  return goal.formula === 'stock' ? goal.monthly.value : null;
}

function forecastView(goal: GoalFacts) {
  const p = forecastParts(goal.forecast, goal.targetChangePct);
  return {
    forecastChange: p.change,
    forecastInterval: p.interval,
    forecastProbability: p.probability,
    forecastValue: formatGoalValue(goal, goal.forecast.value),
    forecastNote: p.note,
  };
}

export function goalCardView(goal: GoalFacts): GoalCardView {
  const dataMonth = parseMonth(goal.current.month);
  return {
    current: formatGoalValue(goal, goal.current.value),
    previous: formatGoalValue(goal, goal.previous.value),
    change: formatChangeVsTarget(goal.changePct, goal.targetChangePct),
    ...forecastView(goal),
    pace:
      goal.pace === null || dataMonth === null ? null : paceSentence(goal.pace, dataMonth, latestStock(goal)),
    paceShort: goal.pace === null ? null : paceShort(goal.pace, latestStock(goal)),
    drivers: goal.drivers === null ? null : driversSentence(goal.drivers, goal.changePct),
  };
}

/** Indicator groups in display order, goals inside by gender Frauen, Männer, insgesamt. */
export function groupGoals<G extends { indicator: string; gender: string }>(
  goals: readonly G[],
): { indicator: string; goals: G[] }[] {
  const order = ['female', 'male', 'total'];
  const groups = new Map<string, G[]>();
  for (const g of goals) {
    const list = groups.get(g.indicator) ?? [];
    list.push(g);
    groups.set(g.indicator, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) // codes: no collator (ICU) needed
    .map(([indicator, list]) => ({
      indicator,
      goals: list.sort((a, b) => order.indexOf(a.gender) - order.indexOf(b.gender)),
    }));
}
