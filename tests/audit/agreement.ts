/**
 * Bookkeeping for the audit: every figure the product answers is compared with the independent
 * value to 1e-9 relative, and each comparison is counted so that the report can say how many
 * figures agreed and by how much they differed at most.
 */

export const REL_TOL = 1e-9;

export interface Tally {
  compared: number;
  maxAbsDiff: number;
  maxRelDiff: number;
  worst: string;
  mismatches: string[];
}

export function newTally(): Tally {
  return { compared: 0, maxAbsDiff: 0, maxRelDiff: 0, worst: '', mismatches: [] };
}

/** Compares a number from the API with the expected one; a non-number is a mismatch. */
export function checkNumber(
  t: Tally,
  label: string,
  actual: number | null | undefined,
  expected: number,
  /** Also accept an absolute difference up to this (for figures printed with fixed decimals). */
  absTol = 0,
): void {
  t.compared++;
  if (typeof actual !== 'number' || !Number.isFinite(actual)) {
    t.mismatches.push(`${label}: expected ${expected}, got ${String(actual)}`);
    return;
  }
  const abs = Math.abs(actual - expected);
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  const rel = scale === 0 ? 0 : abs / scale;
  if (abs > t.maxAbsDiff) {
    t.maxAbsDiff = abs;
    t.worst = label;
  }
  if (rel > t.maxRelDiff) t.maxRelDiff = rel;
  if (rel > REL_TOL && abs > absTol)
    t.mismatches.push(`${label}: expected ${expected}, got ${actual} (abs diff ${abs})`);
}

/** Compares a non-numeric figure (status, month, flag) exactly. */
export function checkExact<T>(t: Tally, label: string, actual: T, expected: T): void {
  t.compared++;
  if (actual !== expected) t.mismatches.push(`${label}: expected ${String(expected)}, got ${String(actual)}`);
}

export function merge(into: Tally, from: Tally): void {
  into.compared += from.compared;
  if (from.maxAbsDiff > into.maxAbsDiff) {
    into.maxAbsDiff = from.maxAbsDiff;
    into.worst = from.worst;
  }
  into.maxRelDiff = Math.max(into.maxRelDiff, from.maxRelDiff);
  into.mismatches.push(...from.mismatches);
}
