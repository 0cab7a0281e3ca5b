/**
 * When a goal's status is worth a mail. Pure: the previous state in, the decision out.
 *
 * - Worse (`met` → `at_risk` → `missed`): mailed.
 * - Recovered (`at_risk`/`missed` → `met`): mailed ("wieder im Ziel").
 * - `missed` → `at_risk` with a new data month: better, but still short of the target: recorded
 *   silently (the next mail comes when it is met again or slips back).
 * - Any status change for the data month already evaluated (a revision of the figures, or a
 *   changed target): mailed as a revision, whichever the direction, because the earlier mail was wrong.
 * - `no_data` is never mailed and never replaces the last known status nor its data month, so
 *   that a suppressed month does not produce a "recovered" mail afterwards and the first figures
 *   of a month are not taken for a revision (missing months have their own check).
 * - No previous state (the first evaluation of a goal in a year): the baseline. Goals that are
 *   `at_risk` or `missed` are mailed (people want to know), `met` goals are not.
 */
import type { AlertKind, GoalStatus, Month } from './types.js';

export interface PriorState {
  status: GoalStatus;
  dataMonth: Month;
}

export type GoalAlertKind = Exclude<AlertKind, 'missing_data'>;

export interface StatusDecision {
  /** The alert to send, or null when the change is not worth a mail. */
  kind: GoalAlertKind | null;
  /** The status announced before (null on the baseline). */
  previousStatus: GoalStatus | null;
  /** What to store as the last status. */
  nextStatus: GoalStatus;
}

const RANK: Record<Exclude<GoalStatus, 'no_data'>, number> = { met: 0, at_risk: 1, missed: 2 };

export function decideStatusChange(
  prior: PriorState | undefined,
  status: GoalStatus,
  dataMonth: Month,
): StatusDecision {
  const known = prior && prior.status !== 'no_data' ? prior.status : null;
  if (status === 'no_data') {
    return { kind: null, previousStatus: known, nextStatus: known ?? 'no_data' };
  }
  if (known === null) {
    return { kind: status === 'met' ? null : 'worse', previousStatus: null, nextStatus: status };
  }
  if (known === status) return { kind: null, previousStatus: known, nextStatus: status };
  if (prior?.dataMonth === dataMonth) return { kind: 'revision', previousStatus: known, nextStatus: status };
  if (RANK[status] > RANK[known]) return { kind: 'worse', previousStatus: known, nextStatus: status };
  if (status === 'met') return { kind: 'recovered', previousStatus: known, nextStatus: status };
  return { kind: null, previousStatus: known, nextStatus: status };
}

/**
 * The data month to store beside the decision's status. A `no_data` evaluation keeps the last
 * known status, and with it that status's month: were the current month stored, the first figures
 * of that month (a plan or finance file arriving after the BA data) would count as a revision of
 * a status no one had announced for it ("nach Korrektur"), and a better-but-still-short change
 * would be mailed.
 */
export function nextStateMonth(prior: PriorState | undefined, status: GoalStatus, dataMonth: Month): Month {
  return status === 'no_data' && prior !== undefined && prior.status !== 'no_data'
    ? prior.dataMonth
    : dataMonth;
}

/**
 * The alert key of a goal change: the same change is never mailed twice. A revision also names the
 * data version that brought it: a second correction back to an announced status of the same month
 * (met, corrected to missed, corrected back to met) is news again, and would otherwise share the
 * key of the first mail and stay silent, leaving the reader believing the goal missed.
 */
export function goalAlertKey(
  regionId: string,
  goalId: string,
  dataMonth: Month,
  status: GoalStatus,
  revisionOf?: { dataVersion: string },
): string {
  const base = `${regionId}|${goalId}|${dataMonth}|${status}`;
  return revisionOf ? `${base}|v${revisionOf.dataVersion}` : base;
}

/** The alert key of a missing data month. */
export function missingAlertKey(regionId: string, month: Month): string {
  return `${regionId}|missing|${month}`;
}
