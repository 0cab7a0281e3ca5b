/**
 * The German sentences of the steering figures (forecast, pace, drivers), shared by the
 * dashboard, the wall and the e-mails so that all say the same words. Pure; numbers through the
 * one formatter. The shapes are those of the API's goal object (structural, nothing imported).
 */
import {
  DASH,
  formatChange,
  formatChangePair,
  formatChangeRange,
  formatCount,
  formatCountAtLeast,
  formatCountAtMost,
  formatMonthShort,
  formatPercentPoints,
  formatShare,
} from './format.js';
import { addMonths, type Month } from './months.js';
import { type GoalStatus, STATUS_TEXT } from './vocabulary.js';

export interface ForecastLike {
  changePct: number | null;
  status: GoalStatus;
  interval: { lowPct: number; highPct: number } | null;
  probabilityMet: number | null;
  reason: string | null;
}

export interface PaceLike {
  kind: string;
  total: number;
  perMonth: number;
  previousYearPerMonth: number | null;
  forecastPerMonth: number | null;
  months: number;
}

export type DriversLike =
  | { numeratorChangePct: number; denominatorChangePct: number }
  | { femalePp: number; malePp: number };

/** The label every forecast carries. */
export const FORECAST_LABEL = 'Prognose Dez.';

export interface ForecastParts {
  /** "+1,8 %"; "−1,03 %" beside a target of −1,0 % (as many decimals as tell them apart). */
  change: string;
  /** "+0,9 … +2,6 %", or null without an interval. */
  interval: string | null;
  /** "72 % Zielerreichung", or null. */
  probability: string | null;
  /** "voraussichtlich im Ziel" */
  status: string;
  /** Why there is no forecast or interval ("zu wenig Historie …"), or null. */
  note: string | null;
}

/**
 * The forecast's parts. Its change takes the digits of formatChangePair against the goal's target,
 * as the current change does: a forecast of −1,03 % against −1,0 % is short of it ("gefährdet")
 * and must not read "−1,0 %". `minDigits` as there (the mails show two at least).
 */
export function forecastParts(f: ForecastLike, targetChangePct: number, minDigits = 1): ForecastParts {
  return {
    change: formatChangePair(f.changePct, targetChangePct, minDigits).change,
    interval: f.interval === null ? null : formatChangeRange(f.interval.lowPct, f.interval.highPct),
    probability: f.probabilityMet === null ? null : `${formatShare(f.probabilityMet)} Zielerreichung`,
    status: f.changePct === null ? STATUS_TEXT.no_data.word : `voraussichtlich ${STATUS_TEXT[f.status].word}`,
    note: f.reason,
  };
}

/** "Prognose Dez.: +1,8 % (80 %: +0,9 … +2,6 %) · 72 % Zielerreichung" (without interval: the reason). */
export function forecastLine(f: ForecastLike, targetChangePct: number, minDigits = 1): string {
  const p = forecastParts(f, targetChangePct, minDigits);
  let line = `${FORECAST_LABEL}: ${p.change}`;
  if (p.interval !== null) line += ` (80 %: ${p.interval})`;
  if (p.probability !== null) line += ` · ${p.probability}`;
  else if (f.changePct !== null && p.note !== null) line += ` · ${p.note}`;
  return line;
}

/** "Okt.–Dez." for the months after `dataMonth` to December. */
export function remainingMonthsText(dataMonth: Month, months: number): string {
  const first = formatMonthShort(addMonths(dataMonth, 1));
  return months <= 1 ? first : `${first}–${formatMonthShort(addMonths(dataMonth, months))}`;
}

/**
 * The pace as a sentence; what is still needed is rounded up and what is allowed at most down, so
 * that the number shown meets the target (202.46 integrations → 203; at most 3,584.58 → 3.584). K2: "Für das Ziel fehlen noch 1.020 Integrationen bis Dezember (340 je
 * Monat; Vorjahr Okt.–Dez.: 298 je Monat; Prognose: 310 je Monat)". K3: "Der LZB-Bestand darf
 * Okt.–Dez. im Schnitt höchstens 3.150 betragen (zuletzt 3.292)".
 */
export function paceSentence(p: PaceLike, dataMonth: Month, latestStock: number | null = null): string {
  const span = remainingMonthsText(dataMonth, p.months);
  if (p.kind === 'integrations_needed') {
    if (p.total <= 0) return 'Ziel bereits gesichert, wenn der eLb-Bestand wie erwartet verläuft.';
    const extra = [
      p.previousYearPerMonth === null
        ? null
        : `Vorjahr ${span}: ${formatCount(p.previousYearPerMonth)} je Monat`,
      p.forecastPerMonth === null ? null : `Prognose: ${formatCount(p.forecastPerMonth)} je Monat`,
    ].filter((s): s is string => s !== null);
    return (
      `Für das Ziel fehlen noch ${formatCountAtLeast(p.total)} Integrationen bis Dezember ` +
      `(${[`${formatCountAtLeast(p.perMonth)} je Monat`, ...extra].join('; ')}).`
    );
  }
  if (p.perMonth <= 0) return `Das Ziel ist rechnerisch nicht mehr erreichbar (${span}).`;
  const latest = latestStock === null ? '' : ` (zuletzt ${formatCount(latestStock)})`;
  return `Der LZB-Bestand darf ${span} im Schnitt höchstens ${formatCountAtMost(p.perMonth)} betragen${latest}.`;
}

/**
 * The drivers as a sentence. K2: "Integrationen +3,2 %, eLb-Bestand +5,0 % → Quote −1,7 %".
 * K3 insgesamt: "Frauen +3,3 Prozentpunkte, Männer −2,3 Prozentpunkte → Bestand +1,0 %".
 */
export function driversSentence(d: DriversLike, changePct: number | null): string {
  const total = changePct === null ? DASH : formatChange(changePct);
  if ('numeratorChangePct' in d) {
    return `Integrationen ${formatChange(d.numeratorChangePct)}, eLb-Bestand ${formatChange(d.denominatorChangePct)} → Quote ${total}`;
  }
  const parts = `Frauen ${formatPercentPoints(d.femalePp)}, Männer ${formatPercentPoints(d.malePp)} → Bestand ${total}`;
  // The two contributions add up to the change exactly; rounded separately they may miss the
  // rounded total by a tenth ("+2,9 + +1,4 → +4,4 %"), which the sentence then says.
  const shown = (n: number) =>
    Number(
      formatChange(n)
        .replace(/[^\d,−+]/g, '')
        .replace('−', '-')
        .replace(',', '.'),
    );
  // Said only where the gap is rounding's: where the exact parts add up to the change.
  const adds =
    changePct === null ||
    Math.abs(d.femalePp + d.malePp - changePct) > 1e-6 ||
    Math.abs(shown(d.femalePp) + shown(d.malePp) - shown(changePct)) < 0.05;
  return adds ? parts : `${parts} (Summe weicht durch Runden ab)`;
}

/**
 * The pace in a few words, for the wall's tiles (read from three metres, one line): K2 "Bedarf:
 * 340 Integrationen je Monat", K3 "Ø LZB höchstens 3.150 (zuletzt 3.292)".
 */
export function paceShort(p: PaceLike, latestStock: number | null = null): string {
  if (p.kind === 'integrations_needed') {
    return p.total <= 0
      ? 'Ziel gesichert bei erwartetem eLb-Bestand'
      : `Bedarf: ${formatCountAtLeast(p.perMonth)} Integrationen je Monat`;
  }
  if (p.perMonth <= 0) return 'Ziel rechnerisch nicht mehr erreichbar';
  const latest = latestStock === null ? '' : ` (zuletzt ${formatCount(latestStock)})`;
  return `Ø LZB höchstens ${formatCountAtMost(p.perMonth)}${latest}`;
}
