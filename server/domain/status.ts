/**
 * Whether a goal is met: the relative change against the previous year compared with the planned
 * change of the AIP, in the direction that counts as better.
 */
import { relativeChangeOf } from './kennzahlen.js';
import type { Better } from './types.js';

export type Status = 'met' | 'at_risk' | 'missed';

/**
 * Tolerance in percentage points for comparing a computed change with a target or band edge.
 * A change computed as 100 × (cur − prev) / prev carries rounding noise in the last binary digits
 * (a change a controller computes as exactly +1,1 % may come out as 1.0999999999999999); within
 * this tolerance the two count as equal. It is far below anything the UI shows (0,1 %).
 */
export const STATUS_EPSILON_PCT = 1e-9;

/**
 * The status of a goal from its change against the previous year (both in percent, 1.1 = +1,1 %).
 *
 * - `met`: change >= target when higher is better, change <= target when lower is better
 *   (exactly on the target is met).
 * - `at_risk`: short of the target by less than `bandPct` percentage points.
 * - `missed`: short by `bandPct` or more. Exactly at the band edge counts as **missed**: the band is
 *   the half-open interval (target − band, target) for higher-is-better, so a change that has used
 *   up the whole band is no longer "just short". A band of 0 turns the status into met/missed.
 */
export function goalStatus(
  changePct: number,
  targetChangePct: number,
  better: Better,
  bandPct: number,
): Status {
  if (!Number.isFinite(changePct) || !Number.isFinite(targetChangePct)) {
    throw new RangeError(
      `goalStatus: change and target must be finite numbers (got ${changePct}, ${targetChangePct})`,
    );
  }
  if (!(bandPct >= 0)) throw new RangeError(`goalStatus: band must be >= 0 (got ${bandPct})`);
  // Shortfall: how far the change falls short of the target in the direction that counts.
  const shortfall = better === 'higher' ? targetChangePct - changePct : changePct - targetChangePct;
  if (shortfall <= STATUS_EPSILON_PCT) return 'met';
  if (shortfall < bandPct - STATUS_EPSILON_PCT) return 'at_risk';
  return 'missed';
}

/**
 * The value at which the at-risk band ends, as a change in percent: beyond it the goal is missed.
 * Higher is better: target − band; lower is better: target + band.
 */
export function atRiskEdgePct(targetChangePct: number, better: Better, bandPct: number): number {
  return better === 'higher' ? targetChangePct - bandPct : targetChangePct + bandPct;
}

/** 100 × (current / previous − 1) in percent; null when either is unknown or previous is 0. */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return null;
  return relativeChangeOf(current, previous);
}
