/**
 * Year-end projection on last year's seasonal shape: the value so far is carried forward with the
 * ratio last year showed between December and the same month.
 *
 * K2:  JFW_t(m) × JFW_{t-1}(12) / JFW_{t-1}(m)
 * K3:  mean_t(Jan..m) × mean_{t-1}(Jan..Dec) / mean_{t-1}(Jan..m)
 *
 * Note for readers of the figures: the projected change against last year's full-year value,
 * 100 × (projection / prev(12) − 1), equals the year-to-date change 100 × (cur(m) / prev(m) − 1)
 * algebraically, so the projected status matches the current status (up to rounding noise). What
 * the projection adds is the projected *level* at year end, which is what management asks for.
 * It is always a projection and must be labelled as one.
 */
import { relativeChange } from './status.js';

/**
 * Carries `currentAtM` forward to month `k` on last year's shape:
 * current(m) × previous(k) / previous(m). Null when an input is unknown or previous(m) is 0.
 * When k is m itself the result is `currentAtM` exactly (no floating-point round trip).
 */
export function projectOnShape(
  currentAtM: number | null,
  previousAtM: number | null,
  previousAtK: number | null,
  sameMonth = false,
): number | null {
  if (currentAtM === null) return null;
  if (sameMonth) return currentAtM;
  if (previousAtM === null || previousAtK === null || previousAtM === 0) return null;
  return currentAtM * (previousAtK / previousAtM);
}

export interface YearEndProjection {
  /** Projected value for December of year t. */
  value: number | null;
  /** Projected change against last year's full-year (December) value, in percent. */
  changePct: number | null;
}

/**
 * Projects the year-end value from the year-to-date value of month m (`currentAtM`), last year's
 * value at the same month (`previousAtM`) and last year's December value (`previousDecember`).
 * In December (`isDecember`) the projection is the actual value.
 */
export function projectYearEnd(
  currentAtM: number | null,
  previousAtM: number | null,
  previousDecember: number | null,
  isDecember: boolean,
): YearEndProjection {
  const value = projectOnShape(currentAtM, previousAtM, previousDecember, isDecember);
  return { value, changePct: relativeChange(value, previousDecember) };
}
