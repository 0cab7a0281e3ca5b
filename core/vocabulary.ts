/**
 * The vocabulary that the server, the ETL and the web all speak: the domain type unions and the
 * German words shown for them. Imports nothing of ours, so every layer may depend on it.
 */

export type Gender = 'total' | 'female' | 'male';
export const GENDERS: readonly Gender[] = ['total', 'female', 'male'];

/** Which direction of change meets a target. */
export type Better = 'higher' | 'lower';
/**
 * Which side of a plan goal's path is bad: `higher`/`lower` as for Better, or `both` (a budget:
 * underspend, money returned at year end, is as much a warning as overspend).
 */
export type Direction = Better | 'both';

/**
 * How a goal is tracked: `change` (Tabelle 3: relative change against the previous year),
 * `cumulative` (a count summed over the year against an annual plan), `budget` (money spent against
 * an annual budget), `capacity` (mean occupancy of places against the planned places).
 */
export type GoalKind = 'change' | 'cumulative' | 'budget' | 'capacity';
export const GOAL_KINDS: readonly GoalKind[] = ['change', 'cumulative', 'budget', 'capacity'];
/** The kinds tracked against an annual plan (everything but `change`). */
export type PlanGoalKind = Exclude<GoalKind, 'change'>;
/** The unit of a goal's tracked value, for formatting: counts, euros, places, percent. */
export type GoalUnit = 'count' | 'eur' | 'places' | 'percent';
export const GOAL_UNITS: readonly GoalUnit[] = ['count', 'eur', 'places', 'percent'];

/** BA markers instead of numbers: `*` suppressed, `-` nothing, `X` not possible. */
export type ValueFlag = '*' | '-' | 'X';
export const VALUE_FLAGS: readonly ValueFlag[] = ['*', '-', 'X'];

/**
 * A calendar month as 'YYYY-MM'. Made only by the parsers in core/months.ts (isMonth, parseMonth) and its arithmetic.
 */
export type Month = string & { readonly __brand: 'Month' };

export type GoalStatus = 'met' | 'at_risk' | 'missed' | 'no_data';
export const GOAL_STATUSES: readonly GoalStatus[] = ['met', 'at_risk', 'missed', 'no_data'];

/** How an indicator is computed (the `indicators.formula` column). */
export type IndicatorFormula = 'count' | 'rate' | 'stock' | 'published';

/** What an alert mail reports. */
export type AlertKind = 'worse' | 'recovered' | 'revision' | 'missing_data';

/** Status as icon + word: never colour alone. */
export const STATUS_TEXT: Record<GoalStatus, { icon: string; word: string }> = {
  met: { icon: '✓', word: 'im Ziel' },
  at_risk: { icon: '▲', word: 'gefährdet' },
  missed: { icon: '✕', word: 'verfehlt' },
  no_data: { icon: '?', word: 'keine Daten' },
};

export const GENDER_TEXT: Record<Gender, string> = {
  total: 'insgesamt',
  female: 'Frauen',
  male: 'Männer',
};

/** The German words for the BA markers, as shown in tables, dialogs and exports. */
export const FLAG_TEXT: Record<ValueFlag, string> = {
  '*': 'gesperrt (Datenschutz)',
  '-': 'nichts vorhanden',
  X: 'nicht möglich',
};

/** Why an input value is missing (the domain's MissingReason), in German. */
export const MISSING_REASON_TEXT: Record<string, string> = {
  missing: 'fehlt',
  suppressed: FLAG_TEXT['*'],
  no_value: FLAG_TEXT['-'],
  not_possible: FLAG_TEXT.X,
  zero_denominator: 'Nenner ist null',
};

/** The import result's note when real figures replaced the synthetic ones of sample regions. */
export function replacedSampleText(regionIds: readonly string[]): string {
  return `Beispieldaten ersetzt: Die synthetischen Werte von ${regionIds.join(', ')} sind gelöscht; dort zählen nur noch importierte Zahlen.`;
}
