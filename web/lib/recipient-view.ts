/**
 * How an alert recipient ("Empfänger") is shown and entered on the Hinweise page: the regions and
 * goals followed in the names the mutes use (mute-view.ts), where an entry comes from, when and by
 * whom it was added, the request body of the form, and an address refused before it is sent.
 */
import { regexes } from 'zod/v4/core';

import { formatDate } from '../../core/format';
import { actorText } from '../../core/people';
import {
  type GoalNames,
  type GoalOptionGroup,
  MUTE_SOURCE_TEXT,
  muteGoalText,
  muteRegionText,
} from './mute-view';

export type RecipientSource = 'env' | 'file' | 'api';

export const RECIPIENT_SOURCE_TEXT: Record<RecipientSource, string> = {
  env: 'Umgebungsvariable',
  ...MUTE_SOURCE_TEXT,
};

/** Where an entry that cannot be removed on the page is changed. */
export const RECIPIENT_FIXED_TEXT: Record<Exclude<RecipientSource, 'api'>, string> = {
  env: 'Nur in der Umgebungsvariable ALERT_RECIPIENTS änderbar',
  file: 'Nur in der Konfigurationsdatei änderbar',
};

/** The regions followed: "alle" (null), else their names in the order given. */
export function recipientRegionsText(
  regions: readonly string[] | null,
  regionNames: ReadonlyMap<string, string>,
): string {
  return regions === null ? 'alle' : regions.map((id) => muteRegionText(id, regionNames)).join(', ');
}

/** The goals followed: "alle" (null), else their German names (a whole indicator, "Fehlende Daten"). */
export function recipientGoalsText(goals: readonly string[] | null, names: GoalNames): string {
  return goals === null ? 'alle' : goals.map((ref) => muteGoalText(ref, names)).join(', ');
}

/** When and by whom an entry was added on the page ("03.12.2026 von Frau Admin"); '–' for the others. */
export function recipientCreatedText(createdAt: string | null, createdBy: string | null): string {
  if (createdAt === null) return '–';
  const day = formatDate(createdAt);
  return createdBy ? `${day} von ${actorText(createdBy)}` : day;
}

/** The person in a message: "Name <address>", or the address alone. */
export function recipientWho(r: { email: string; name: string | null }): string {
  return r.name ? `${r.name} <${r.email}>` : r.email;
}

/** What the list says while nobody is listed: where the mails go instead. */
export function noRecipientsText(fallback: string | null): string {
  return fallback === null
    ? 'Noch keine Empfänger eingetragen: Hinweise werden festgehalten, aber nicht per E-Mail versendet.'
    : `Noch keine Empfänger eingetragen: Ohne SMTP-Server werden die Hinweise als Dateien im Postausgang abgelegt, adressiert an ${fallback}.`;
}

/** The longest address and name the server takes (recipientSchema). */
export const EMAIL_MAX = 254;
export const NAME_MAX = 200;

/**
 * Why the form refuses an address without asking the server, in German; null when it is one.
 * The test is the server's own (zod's e-mail pattern, as `z.email()` in recipientSchema uses it).
 */
export function emailProblem(email: string): string | null {
  const address = email.trim();
  if (address === '') return 'Bitte eine E-Mail-Adresse eingeben.';
  if (address.length > EMAIL_MAX) return `Eine E-Mail-Adresse hat höchstens ${EMAIL_MAX} Zeichen.`;
  if (!regexes.email.test(address)) {
    return `„${address}“ ist keine gültige E-Mail-Adresse (Beispiel: vorname.nachname@jobcenter.de).`;
  }
  return null;
}

/**
 * The form's fields: regions and goals chosen so far (none: all), and what each select shows but
 * was not taken into its list yet (`regionPick`, `goalPick`).
 */
export interface RecipientFields {
  email: string;
  name: string;
  regions: readonly string[];
  goals: readonly string[];
  regionPick: string;
  goalPick: string;
}

export const EMPTY_RECIPIENT: RecipientFields = {
  email: '',
  name: '',
  regions: [],
  goals: [],
  regionPick: '',
  goalPick: '',
};

/** The chosen items plus a pick shown in the select but not added yet (it was meant), once each. */
function withPick(chosen: readonly string[], pick: string): string[] {
  return pick === '' || chosen.includes(pick) ? [...chosen] : [...chosen, pick];
}

/**
 * The request body: the address trimmed; a blank name and an empty choice (= all) left out. A
 * region or goal chosen in its select without pressing "hinzufügen" counts as added: left out, the
 * person would get the hints of every region instead of the one shown.
 */
export function recipientInput(f: RecipientFields): {
  email: string;
  name?: string;
  regions?: string[];
  goals?: string[];
} {
  const name = f.name.trim();
  const regions = withPick(f.regions, f.regionPick);
  const goals = withPick(f.goals, f.goalPick);
  return {
    email: f.email.trim(),
    ...(name ? { name } : {}),
    ...(regions.length > 0 ? { regions } : {}),
    ...(goals.length > 0 ? { goals } : {}),
  };
}

/** The choices of a select not chosen yet, group by group (a group left empty is left out). */
export function remainingOptions(
  groups: readonly GoalOptionGroup[],
  chosen: readonly string[],
): GoalOptionGroup[] {
  const taken = new Set(chosen);
  return groups
    .map((g) => ({ label: g.label, options: g.options.filter(([value]) => !taken.has(value)) }))
    .filter((g) => g.options.length > 0);
}
