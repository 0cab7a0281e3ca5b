/**
 * How an alert mute ("Stummschaltung") is shown on the Hinweise page: what it silences in the
 * dashboard's German goal names, the region, where it comes from and whether it still holds
 * (icon + word, never colour alone). The names come from the API (`label` of GET /api/goals,
 * `name` of GET /api/indicators); nothing here builds a goal's name from its id.
 */
import { formatDate } from '../../core/format';
import { berlinDay } from '../../core/months';
import { groupGoals } from './goal-view';
import type { StateView } from './status';

/** German names by id: goals ('K2-female' → 'Integrationsquote Frauen') and indicators ('K2' → 'Integrationsquote'). */
export interface GoalNames {
  goals: ReadonlyMap<string, string>;
  indicators: ReadonlyMap<string, string>;
}

/** The names the API gave: each goal's `label`, each indicator's `name`. */
export function goalNames(
  goals: readonly { id: string; label: string }[] | undefined,
  indicators: readonly { code: string; name: string }[] | undefined,
): GoalNames {
  return {
    goals: new Map((goals ?? []).map((g) => [g.id, g.label])),
    indicators: new Map((indicators ?? []).map((i) => [i.code, i.name])),
  };
}

/** The goal reference of the missing-data check (server/alerts/alert-config.ts, goalRefSchema). */
export const MISSING_DATA_REF = 'missing';
export const MISSING_DATA_TEXT = 'Fehlende Daten';

/** A mute of a whole indicator (every gender): "Integrationsquote (ganze Kennzahl)". */
export function wholeIndicatorText(name: string): string {
  return `${name} (ganze Kennzahl)`;
}

/**
 * What a mute silences, in German: a goal by its label, an indicator by its name, "Fehlende Daten"
 * for the missing-data check; a reference the API does not name (a goal of another year) as itself.
 */
export function muteGoalText(ref: string, names: GoalNames): string {
  if (ref === MISSING_DATA_REF) return MISSING_DATA_TEXT;
  const goal = names.goals.get(ref);
  if (goal !== undefined) return goal;
  const indicator = names.indicators.get(ref);
  return indicator === undefined ? ref : wholeIndicatorText(indicator);
}

/** The region of a mute: its name, "alle" for every region, the key itself when it is unknown. */
export function muteRegionText(regionId: string | null, regionNames: ReadonlyMap<string, string>): string {
  if (regionId === null) return 'alle';
  return regionNames.get(regionId) ?? regionId;
}

/** The last muted day, inclusive: '2024-12-31' → '31.12.2024'. */
export function muteUntilText(until: string): string {
  // A calendar day, not an instant: noon UTC is the same day in Berlin all year.
  return formatDate(`${until}T12:00:00Z`);
}

export const MUTE_SOURCE_TEXT: Record<'file' | 'api', string> = {
  file: 'Konfigurationsdatei',
  api: 'Oberfläche',
};

/** Whether a mute still holds today (the server's `active`): icon, word and tone. */
export function muteStateView(active: boolean): StateView {
  return active
    ? { icon: '●', word: 'aktiv', tone: 'warn' }
    : { icon: '○', word: 'abgelaufen', tone: 'none' };
}

/** One group of the goal select: an indicator's goals (or the missing-data check). */
export interface GoalOptionGroup {
  label: string;
  options: (readonly [value: string, text: string])[];
}

/**
 * The choices of the goal select: per indicator its goals, led by the whole indicator when it has
 * more than one goal; then the missing-data check.
 */
export function muteGoalOptions(
  goals: readonly { id: string; indicator: string; gender: string; label: string }[],
  names: GoalNames,
): GoalOptionGroup[] {
  const groups: GoalOptionGroup[] = groupGoals(goals).map((g) => {
    const name = names.indicators.get(g.indicator) ?? g.indicator;
    const whole = g.goals.length > 1 ? [[g.indicator, wholeIndicatorText(name)] as const] : [];
    return { label: name, options: [...whole, ...g.goals.map((goal) => [goal.id, goal.label] as const)] };
  });
  return [...groups, { label: 'Datenlieferung', options: [[MISSING_DATA_REF, MISSING_DATA_TEXT]] }];
}

/**
 * Why the form refuses a last muted day before today (Berlin) without asking the server, in
 * German; null for today or later. The server checks the same (a 400).
 */
export function pastUntilText(until: string, now: Date): string | null {
  const today = berlinDay(now);
  if (until === '' || until >= today) return null;
  return `Das Datum „bis“ (${muteUntilText(until)}) liegt in der Vergangenheit: bitte heute (${muteUntilText(today)}) oder später wählen, oder die Stummschaltung aufheben.`;
}
