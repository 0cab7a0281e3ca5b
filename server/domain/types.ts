/** Domain vocabulary shared by the goal maths, the database layer, the API and the web. */

import type {
  Better,
  Gender,
  GoalStatus,
  IndicatorFormula,
  Month,
  ValueFlag,
} from '../../core/vocabulary.js';

export { GENDERS } from '../../core/vocabulary.js';
export type { Better, Gender, GoalStatus, IndicatorFormula, Month, ValueFlag };

/** One stored value: a number, or NULL with the BA marker that stood in its place. */
export interface Obs {
  value: number | null;
  flag: ValueFlag | null;
  /** True when an import changed this value after it was first loaded. */
  revised?: boolean;
}
/** One indicator for one region and gender, by month. A month absent from the map is missing. */
export type Series = ReadonlyMap<Month, Obs>;
/** Gives the series of a base indicator (e.g. 'INT', 'ELB', 'LZB') for a gender. */
export type SeriesLookup = (indicatorCode: string, gender: Gender) => Series;

export type MissingReason = 'missing' | 'suppressed' | 'no_value' | 'not_possible' | 'zero_denominator';
/** Why a value could not be computed: which input month was missing or flagged. */
export interface MissingPoint {
  indicator: string;
  gender: Gender;
  month: Month;
  reason: MissingReason;
}

/** A computed value, or null with the inputs that were missing. */
export interface Computed {
  value: number | null;
  missing: MissingPoint[];
}

/** How an indicator is computed (a row of the `indicators` table). */
export interface IndicatorDef {
  code: string;
  name: string;
  unit: string;
  formula: IndicatorFormula;
  numeratorCode: string | null;
  denominatorCode: string | null;
  better: Better | null;
}

/** One target of the year: a row of the `targets` table joined with its indicator. */
export interface GoalSpec {
  /** `${indicator}-${gender}`, e.g. 'K2-female': stable within a region and year. */
  id: string;
  indicator: IndicatorDef;
  gender: Gender;
  year: number;
  targetChangePct: number;
  better: Better;
  /** German, e.g. 'Integrationsquote Frauen'. */
  label: string;
  source: string | null;
}

export interface GoalOptions {
  /** Width of the at-risk band in percentage points of change short of the target. */
  atRiskBandPct: number;
}

/** The state of one goal at one data month. Percent values are unrounded numbers (1.1 = +1.1 %). */
export interface GoalEvaluation {
  id: string;
  indicator: string;
  gender: Gender;
  label: string;
  better: Better;
  targetChangePct: number;
  /** K2: JFW of year t at month m. K3: mean LZB stock Jan..m of year t. */
  current: { month: Month; value: number | null };
  /** The same quantity for the same month of year t-1. */
  previous: { month: Month; value: number | null };
  /** 100 × (current / previous − 1). */
  changePct: number | null;
  status: GoalStatus;
  /** Inputs that were missing or flagged (non-empty exactly when status is 'no_data'). */
  missing: MissingPoint[];
  /** The month's own figure: K2 the 12-month rate, K3 the LZB stock; with its change vs m−12. */
  monthly: { value: number | null; changePct: number | null };
  /** Year-end projection on last year's seasonal shape. Always labelled as a projection. */
  projection: { month: Month; value: number | null; changePct: number | null; status: GoalStatus };
  /** The BA's published figure for the month, when a file carried one, compared with ours. */
  published: { value: number; computed: number | null; differs: boolean } | null;
}

/** One month of a goal's chart. */
export interface GoalSeriesPoint {
  month: Month;
  current: number | null;
  previous: number | null;
  /** previous × (1 + target/100): where this year has to be to meet the target. */
  target: number | null;
  /** Edge of the at-risk band: beyond it the goal is missed. */
  atRiskEdge: number | null;
  /** Projection for months after the data month (null up to the data month, except at it). */
  projection: number | null;
  revised: boolean;
}
