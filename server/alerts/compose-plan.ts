/**
 * The rows of an alert about a plan goal (cumulative, budget, capacity): the figures against
 * the plan instead of the change against last year. Numbers through the shared de-DE formatter.
 */
import { formatChange, formatGoalValue, formatMonth, formatPace, STATUS_TEXT } from '../../core/format.js';
import type { GoalEvaluation, Month } from './types.js';

const word = (s: GoalEvaluation['status']) => `${STATUS_TEXT[s].icon} ${STATUS_TEXT[s].word}`;
/** A forecast's status reads as one, as for the Tabelle 3 goals: "✓ voraussichtlich im Ziel". */
const forecastWord = (s: GoalEvaluation['status']) =>
  s === 'no_data' ? word(s) : `${STATUS_TEXT[s].icon} voraussichtlich ${STATUS_TEXT[s].word}`;

/** Label/value rows for a plan goal; `dataMonth` and `link` as in the change goal's rows. */
export function planGoalRows(
  g: GoalEvaluation,
  dataMonth: Month,
  link: string,
): { label: string; value: string }[] {
  const v = (n: number | null) => formatGoalValue(n, g.unit);
  const through = `Januar bis ${formatMonth(g.current.month)}`;
  const rows = [
    { label: 'Status', value: word(g.status) },
    {
      label: g.kind === 'capacity' ? `Ø Belegung ${through}` : `Ist ${through}`,
      value: v(g.current.value),
    },
    { label: `Plan bis ${formatMonth(g.current.month)}`, value: v(g.planToDate) },
    { label: 'Abweichung vom Plan', value: formatChange(g.changePct, 1) },
    { label: 'Jahresplan', value: v(g.plan) },
  ];
  if (g.kind === 'budget' && g.commitments !== null)
    rows.push({ label: 'Bindungen', value: v(g.commitments) });
  if (g.kind === 'capacity')
    rows.push({ label: `Belegung ${formatMonth(g.current.month)}`, value: v(g.monthly.value) });
  if (g.forecast.value !== null) {
    rows.push({
      label: `Prognose Dezember ${g.current.month.slice(0, 4)}`,
      value: `${v(g.forecast.value)} (${formatChange(g.forecast.changePct, 1)} zum Plan, ${forecastWord(g.forecast.status)}) – Prognose, keine Ist-Zahl`,
    });
  }
  if (g.pace !== null) rows.push({ label: 'Noch zu erreichen', value: formatPace(g.pace, g.unit, g.label) });
  rows.push({ label: 'Datenstand', value: formatMonth(dataMonth) }, { label: 'Details', value: link });
  return rows;
}
