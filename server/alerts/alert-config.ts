/**
 * Who gets which alerts, and which goals are muted: ALERT_RECIPIENTS (everybody follows
 * everything) plus the optional JSON file ALERT_CONFIG_FILE (per-region and per-goal lists, mutes),
 * validated with zod at start-up. See docs/alerts.md and data/alerts.example.json.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isGoalId, isIndicatorCode } from '../../core/goal-id.js';
import { MUTE_REASON_MAX } from '../../core/limits.js';
import { ONE_LINE_RE } from '../../core/text.js';

/** A goal id ('K2-female'), an indicator code ('K2': every gender) or 'missing' (missing-data alerts). */
export const goalRefSchema = z.string().refine((s) => s === 'missing' || isIndicatorCode(s) || isGoalId(s), {
  message: 'must be a goal id like "K2-female", an indicator like "K2" (all genders) or "missing"',
});

function isRealDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** A calendar day 'YYYY-MM-DD' that exists. */
export const daySchema = z
  .string()
  .refine(isRealDay, { message: 'must be a date YYYY-MM-DD, e.g. 2024-12-31' });

const regionIdSchema = z.string().trim().min(1, 'must not be empty');

export const recipientSchema = z
  .object({
    email: z.email('must be an e-mail address').max(254, 'at most 254 characters'),
    // Greeted by name in every mail: one line, no control characters.
    name: z
      .string()
      .trim()
      .min(1)
      .max(200, 'at most 200 characters')
      .regex(ONE_LINE_RE, 'must not contain control characters (line breaks, tabs)')
      .optional(),
    /** Region ids followed; absent: every region. */
    regions: z.array(regionIdSchema).min(1, 'leave out "regions" to follow every region').optional(),
    /** Goals followed ('K2-female', 'K3'); absent: every goal. Missing-data alerts reach everyone following the region. */
    goals: z.array(goalRefSchema).min(1, 'leave out "goals" to follow every goal').optional(),
  })
  .strict();

export const muteSchema = z
  .object({
    goal: goalRefSchema,
    region: regionIdSchema.optional(),
    /** Last muted day (inclusive). */
    until: daySchema,
    reason: z
      .string()
      .trim()
      .min(1)
      .max(MUTE_REASON_MAX, `at most ${MUTE_REASON_MAX} characters`)
      .regex(ONE_LINE_RE, 'must not contain control characters (line breaks, tabs)')
      .optional(),
  })
  .strict();

export const alertConfigFileSchema = z
  .object({
    $comment: z.string().optional(),
    recipients: z.array(recipientSchema).default([]),
    mutes: z.array(muteSchema).default([]),
  })
  .strict();

export type AlertConfigFile = z.output<typeof alertConfigFileSchema>;
export type MuteInput = z.output<typeof muteSchema>;
export type RecipientInput = z.output<typeof recipientSchema>;

export class AlertConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid alert configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AlertConfigError';
  }
}

/** Parses the alert configuration file; throws an AlertConfigError naming the file and every bad field. */
export function parseAlertConfig(text: string, file: string): AlertConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AlertConfigError(file, [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = alertConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AlertConfigError(
      file,
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Reads and validates ALERT_CONFIG_FILE. */
export function loadAlertConfigFile(file: string): AlertConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    throw new AlertConfigError(file, [code === 'ENOENT' ? 'file not found' : `cannot read: ${String(err)}`]);
  }
  return parseAlertConfig(text, file);
}

/** A recipient with what they follow; `null` means everything. */
export interface Recipient {
  email: string;
  name: string | null;
  regions: ReadonlySet<string> | null;
  goals: ReadonlySet<string> | null;
}

/**
 * Merges ALERT_RECIPIENTS (follow everything) with the file's recipients and those added through
 * the API (`stored`). An address listed more than once (case-insensitively) follows the union of
 * its entries.
 */
export function resolveRecipients(
  envRecipients: readonly string[],
  file: AlertConfigFile | null,
  stored: readonly {
    email: string;
    name: string | null;
    regions: string[] | null;
    goals: string[] | null;
  }[] = [],
): Recipient[] {
  const byEmail = new Map<
    string,
    { email: string; name: string | null; regions: Set<string> | null; goals: Set<string> | null }
  >();
  const add = (email: string, name: string | null, regions: string[] | null, goals: string[] | null) => {
    const key = email.toLowerCase();
    const prev = byEmail.get(key);
    if (!prev) {
      byEmail.set(key, {
        email,
        name,
        regions: regions ? new Set(regions) : null,
        goals: goals ? new Set(goals) : null,
      });
      return;
    }
    prev.name ??= name;
    prev.regions = prev.regions === null || regions === null ? null : new Set([...prev.regions, ...regions]);
    prev.goals = prev.goals === null || goals === null ? null : new Set([...prev.goals, ...goals]);
  };
  for (const email of envRecipients) add(email, null, null, null);
  for (const r of file?.recipients ?? []) add(r.email, r.name ?? null, r.regions ?? null, r.goals ?? null);
  for (const r of stored) add(r.email, r.name, r.regions, r.goals);
  return [...byEmail.values()];
}

/** What an alert is about, for filters and mutes. */
export interface AlertSubject {
  regionId: string;
  /** The goal id ('K2-female'), or null for a missing-data alert. */
  goalId: string | null;
  /** The indicator code ('K2'), or null for a missing-data alert. */
  indicator: string | null;
}

function goalMatches(ref: string, s: AlertSubject): boolean {
  if (s.goalId === null) return ref === 'missing';
  return ref === s.goalId || ref === s.indicator;
}

/** Whether a recipient follows an alert. Missing-data alerts reach everyone following the region. */
export function follows(r: Recipient, s: AlertSubject): boolean {
  if (r.regions !== null && !r.regions.has(s.regionId)) return false;
  if (s.goalId === null || r.goals === null) return true;
  for (const ref of r.goals) if (goalMatches(ref, s)) return true;
  return false;
}

export interface Mute {
  goal: string;
  regionId: string | null;
  until: string;
  reason: string | null;
}

/** The mute that silences an alert on `today` ('YYYY-MM-DD', Europe/Berlin), if any. */
export function findMute(mutes: readonly Mute[], s: AlertSubject, today: string): Mute | null {
  for (const m of mutes) {
    if (m.until < today) continue;
    if (m.regionId !== null && m.regionId !== s.regionId) continue;
    if (goalMatches(m.goal, s)) return m;
  }
  return null;
}

export { berlinDay } from '../../core/months.js';
