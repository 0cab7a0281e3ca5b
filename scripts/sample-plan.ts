/**
 * The SYNTHETIC sample series of the AIP plan goals beyond Tabelle 3 (issue 16), for Kreis
 * Segeberg, January 2023 to September 2024: entries (FbW, FbW abschlussorientiert, EQ,
 * Einzelförderungen, BaE) and occupied places (Aktivcenter, Maßnahmeplätze, Produktionsschule,
 * AsA) as canonical CSV, spending and commitments of the Eingliederungstitel and of FbW as a
 * finance export. Invented figures in plausible magnitudes,
 * labelled Beispieldaten by the manifest; not figures of the Jobcenter.
 *
 * Shapes: FbW entries peak in early spring and after the summer; FbW spending follows the entries
 * of the months before (courses are paid as they run); EQ starts with the training year (August,
 * September). Deterministic (no randomness: a fixed wobble), so a re-run is byte-identical.
 * 2024 is shaped so that, at September 2024, the plan goals show all three statuses.
 */
import { readFile } from 'node:fs/promises';
import { formatNumber } from '../core/format.js';
import { makeMonth, monthRange, month as toMonth } from '../core/months.js';
import { planTargetColumns } from '../etl/plan-targets.js';
import { parseTargets } from '../etl/targets.js';
import { toPlanGoalSpec } from '../server/db/repositories/plan-targets.js';
import { evaluatePlanGoal } from '../server/domain/plan-goals.js';
import { buildSeriesLookup, type ObservationRow } from '../server/domain/series.js';
import type { GoalEvaluation, IndicatorDef, Month } from '../server/domain/types.js';

export const PLAN_FILES = {
  counts: 'segeberg-plan-sample.csv',
  finance: 'segeberg-finanzen-sample.csv',
} as const;
const REGION = { id: '01060', name: 'Kreis Segeberg' } as const;
const FIRST: Month = toMonth('2023-01');

/** The plan indicators as the migration 2026-11-30T0500_i16_plan_goals defines them. */
const UNITS: Record<string, 'count' | 'eur' | 'places'> = {
  EIN_FBW: 'count',
  EIN_FBW_ABS: 'count',
  EIN_EQ: 'count',
  EIN_EF: 'count',
  EGT_IST: 'eur',
  EGT_BIND: 'eur',
  FBW_IST: 'eur',
  FBW_BIND: 'eur',
  PLAETZE_AC: 'places',
  BELEGT_AC: 'places',
  BELEGT_MN: 'places',
  BELEGT_JA: 'places',
  // Migration 2026-12-03T0600_i16b_training_goals.
  EIN_BAE: 'count',
  BELEGT_ASA: 'places',
};
const COMMITMENTS: Record<string, string> = { EGT_IST: 'EGT_BIND', FBW_IST: 'FBW_BIND' };

/** A small deterministic wobble around 1 (±amp), different per series and month. */
function wobble(seed: number, k: number, amp = 0.04): number {
  return 1 + amp * Math.sin(k * 2.3 + seed * 1.7);
}

/** FbW entries by month of year: early spring and after the summer (sums to 100). */
const FBW_SHAPE = [6, 10, 11, 8, 6, 5, 5, 11, 14, 11, 8, 5];
/** EQ starts: with the training year. */
const EQ_2023 = [0, 0, 0, 0, 1, 1, 1, 4, 3, 1, 1, 0];
const EQ_2024 = [0, 0, 0, 0, 0, 1, 1, 3, 3];
/** BaE entries: all with the training year's start on 1 September. */
const BAE_2023 = [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0];
const BAE_2024 = [0, 0, 0, 0, 0, 0, 0, 0, 2];
/** EGT spending by month of year: few bookings in January, year-end payments (sums to 100). */
const EGT_SHAPE = [5, 7, 8, 8, 8, 8, 8, 8, 9, 9, 10, 12];

/** Counts of a year from an annual total and a monthly shape, rounded, with a wobble. */
function spread(total: number, shape: readonly number[], seed: number, months: number): number[] {
  const sum = shape.reduce((a, b) => a + b, 0);
  return shape.slice(0, months).map((w, i) => Math.max(0, Math.round(((total * w) / sum) * wobble(seed, i))));
}

/** FbW spending follows the entries of the two months before (courses are paid as they run). */
function fbwSpendShape(): number[] {
  return FBW_SHAPE.map(
    (_, i) => 4 + 0.6 * (FBW_SHAPE[(i + 11) % 12] ?? 0) + 0.4 * (FBW_SHAPE[(i + 10) % 12] ?? 0),
  );
}

export interface PlanSample {
  /** Entries and places (canonical CSV rows, gender total). */
  counts: ObservationRow[];
  /** Finance export rows: month, budget line, spending, commitments. */
  finance: { month: Month; line: string; amount: number; commitments: number }[];
}

function yearSeries(first: number[], second: number[]): Map<Month, number> {
  const out = new Map<Month, number>();
  first.forEach((v, i) => {
    out.set(makeMonth(2023, i + 1), v);
  });
  second.forEach((v, i) => {
    out.set(makeMonth(2024, i + 1), v);
  });
  return out;
}

export function generatePlanSample(): PlanSample {
  const counts = new Map<string, Map<Month, number>>([
    ['EIN_FBW', yearSeries(spread(270, FBW_SHAPE, 1, 12), spread(250 * 0.92, FBW_SHAPE, 1, 9))],
    ['EIN_FBW_ABS', yearSeries(spread(60, FBW_SHAPE, 2, 12), spread(55 * 1.03, FBW_SHAPE, 2, 9))],
    ['EIN_EQ', yearSeries(EQ_2023, EQ_2024)],
    [
      'EIN_EF',
      yearSeries(spread(1100, Array(12).fill(1), 3, 12), spread(1000 * 0.84, Array(12).fill(1), 3, 9)),
    ],
    ['PLAETZE_AC', yearSeries(Array(12).fill(140), Array(9).fill(140))],
    [
      'BELEGT_AC',
      yearSeries(
        [124, 128, 131, 133, 134, 132, 127, 129, 135, 137, 136, 130],
        [128, 132, 136, 138, 139, 137, 133, 135, 140],
      ),
    ],
    [
      'BELEGT_MN',
      yearSeries(
        [281, 286, 290, 288, 284, 279, 270, 276, 289, 294, 292, 280],
        [262, 268, 270, 265, 260, 255, 250, 258, 266],
      ),
    ],
    [
      'BELEGT_JA',
      yearSeries([26, 27, 28, 29, 29, 28, 26, 27, 29, 30, 30, 28], [27, 28, 29, 29, 30, 30, 28, 29, 30]),
    ],
    ['EIN_BAE', yearSeries(BAE_2023, BAE_2024)],
    [
      'BELEGT_ASA',
      yearSeries([31, 32, 33, 34, 34, 33, 30, 31, 35, 36, 37, 36], [33, 35, 36, 37, 38, 37, 35, 34, 37]),
    ],
  ]);
  const rows: ObservationRow[] = [];
  for (const [indicator, series] of counts) {
    for (const [month, value] of series) rows.push({ indicator, gender: 'total', month, value, flag: null });
  }

  const finance: PlanSample['finance'] = [];
  const budgets = [
    { line: 'Eingliederungstitel', shape: EGT_SHAPE, y2023: 8_000_000, y2024: 6_400_000 * 1.01, seed: 4 },
    { line: 'FbW', shape: fbwSpendShape(), y2023: 2_000_000, y2024: 1_600_000 * 0.88, seed: 5 },
  ];
  for (const b of budgets) {
    const sum = b.shape.reduce((a, c) => a + c, 0);
    for (const month of monthRange(FIRST, toMonth('2024-09'))) {
      const year = Number(month.slice(0, 4));
      const k = Number(month.slice(5, 7)) - 1;
      const total = year === 2023 ? b.y2023 : b.y2024;
      const amount = Math.round(((total * (b.shape[k] ?? 0)) / sum) * wobble(b.seed, k, 0.03) * 100) / 100;
      // Commitments: the part of the year's money tied up in running courses and grants.
      const commitments = Math.round(total * 0.45 * (1 - k / 14) * 100) / 100;
      finance.push({ month, line: b.line, amount, commitments });
    }
  }
  return { counts: rows, finance };
}

/** The finance rows as the observations the importer makes of them (via data/finance-mapping.json). */
export function financeObservations(sample: PlanSample): ObservationRow[] {
  const code = (line: string, what: 'spend' | 'bind') =>
    line === 'FbW' ? (what === 'spend' ? 'FBW_IST' : 'FBW_BIND') : what === 'spend' ? 'EGT_IST' : 'EGT_BIND';
  return sample.finance.flatMap((f) => [
    {
      indicator: code(f.line, 'spend'),
      gender: 'total' as const,
      month: f.month,
      value: f.amount,
      flag: null,
    },
    {
      indicator: code(f.line, 'bind'),
      gender: 'total' as const,
      month: f.month,
      value: f.commitments,
      flag: null,
    },
  ]);
}

export function planCountsCsv(sample: PlanSample): string {
  const lines = ['region;region_name;month;indicator;gender;value;flag'];
  for (const r of sample.counts)
    lines.push([REGION.id, REGION.name, r.month, r.indicator, 'total', String(r.value), ''].join(';'));
  return `${lines.join('\n')}\n`;
}

/** The finance export as a finance system writes it: German months and amounts with decimal comma. */
export function financeCsv(sample: PlanSample): string {
  const lines = ['Monat;Haushaltsstelle;Betrag;Bindungen'];
  for (const f of sample.finance) {
    const month = `${f.month.slice(5, 7)}.${f.month.slice(0, 4)}`;
    lines.push([month, f.line, formatNumber(f.amount, 2), formatNumber(f.commitments, 2)].join(';'));
  }
  return `${lines.join('\n')}\n`;
}

/** Evaluates the plan rows of a targets file over the sample with the product's own maths. */
export async function evaluatePlanTargets(
  targetsFile: string,
  sample: PlanSample,
  month: Month,
  atRiskBandPct: number,
): Promise<GoalEvaluation[]> {
  const entries = new Map<string, { code: string; better: null; unit: string }>(
    Object.entries(UNITS).map(([code, unit]) => [code, { code, better: null, unit }]),
  );
  entries.set('K2', { code: 'K2', better: null, unit: 'percent' });
  entries.set('K3', { code: 'K3', better: null, unit: 'count' });
  const { plan } = parseTargets(await readFile(targetsFile, 'utf8'), entries);
  const lookup = buildSeriesLookup([...sample.counts, ...financeObservations(sample)]);
  return plan.map((t) => {
    const def: IndicatorDef = {
      code: t.indicator,
      name: t.indicator,
      unit: UNITS[t.indicator] ?? 'count',
      formula: 'count',
      numeratorCode: null,
      denominatorCode: null,
      better: null,
    };
    const spec = toPlanGoalSpec(
      {
        id: 0,
        region_id: t.region,
        year: t.year,
        indicator_code: t.indicator,
        ...planTargetColumns(t),
        updated_at: '',
        updated_by: null,
        commitments_code: COMMITMENTS[t.indicator] ?? null,
      },
      def,
    );
    return evaluatePlanGoal(spec, lookup, month, { atRiskBandPct });
  });
}
