/** Domain vocabulary shared by the goal maths, the database layer, the API and the web. */

import type {
  Better,
  Gender,
  GoalStatus,
  IndicatorFormula,
  Month,
  ValueFlag,
} from '../../core/vocabulary.js';

import type { Drivers } from './drivers.js';
import type { Pace } from './pace.js';

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
  /** Year-end forecast (yoy3) with its 80 % interval from the backtest. Always labelled "Prognose". */
  forecast: GoalForecast;
  /** What it still takes until December; null in December or without the inputs. */
  pace: Pace | null;
  /** The change split into its parts (K2: integrations vs ELB; K3 insgesamt: women vs men). */
  drivers: Drivers | null;
  /** The BA's published figure for the month, when a file carried one, compared with ours. */
  published: { value: number; computed: number | null; differs: boolean } | null;
}

/** The December forecast of a goal (see server/domain/forecast.ts and backtest.ts). */
export interface GoalForecast {
  method: 'yoy3';
  /** Forecast December value (JFW or mean stock). */
  value: number | null;
  /** Forecast change against last year's December value, in percent. */
  changePct: number | null;
  /** The forecast status, with the same thresholds as the current status. */
  status: GoalStatus;
  /** 80 % interval of the forecast change (percent); null with fewer than 10 backtest errors. */
  interval: { lowPct: number; highPct: number } | null;
  /** Share (0..1) of backtest errors with which the target would be met. */
  probabilityMet: number | null;
  /** The months the year-on-year ratios were taken over. */
  basisMonths: Month[];
  /** German: why there is no forecast or interval, or what the basis left out; null otherwise. */
  reason: string | null;
}

export interface GoalSteering {
  forecast: GoalForecast;
  pace: Pace | null;
  drivers: Drivers | null;
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
  /** The forecast path (yoy3) from the data month to December (null before the data month). */
  forecast: number | null;
  /** The 80 % band around the forecast path (null where there is no interval). */
  forecastLow: number | null;
  forecastHigh: number | null;
  revised: boolean;
}
