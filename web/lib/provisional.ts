/** How provisional (hochgerechnete) BA values are shown: approximate, rounded, and said in words. */
import { formatCount } from '../../core/format';

export const PROVISIONAL_WORD = 'vorläufig';

/** 3730.59 → "≈ 3.731 (vorläufig)". */
export function formatProvisionalCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? formatCount(n) : `≈ ${formatCount(n)} (${PROVISIONAL_WORD})`;
}

/** The footnote beside a figure computed from provisional values. */
export const PROVISIONAL_FOOTNOTE =
  'Vorläufig: enthält hochgerechnete Werte der BA am aktuellen Rand; endgültige Werte folgen.';
