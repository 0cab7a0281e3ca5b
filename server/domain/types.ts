/** Domain vocabulary shared by the goal maths, the database layer, the API and the web. */

import type {
  Better,
  Direction,
  Gender,
  GoalKind,
  GoalStatus,
  GoalUnit,
  IndicatorFormula,
  Month,
  PlanGoalKind,
  ValueFlag,
} from '../../core/vocabulary.js';

export type * from '../../core/vocabulary.js';
export { GENDERS } from '../../core/vocabulary.js';

/** One stored value: a number, or NULL with the BA marker that stood in its place. */
export interface Obs {
  value: number | null;
  flag: ValueFlag | null;
  /** True when an import changed this value after it was first loaded. */
  revised?: boolean;
  /** True when the BA marked the value provisional (hochgerechnet); a final value follows. */
  provisional?: boolean;
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
  /** Plan goals may be `both` (a budget: under- and overspend are bad). */
  better: Direction;
  /** Change goals: the planned change. Plan goals: 0 (the path itself; see `planRule`). */
  targetChangePct: number;
  /** How the goal is tracked; `change` for Tabelle 3 (see core/vocabulary.ts). */
  kind: GoalKind;
  /** Unit of `current.value`, `plan` and `planToDate`, from the indicator ('percent' for K2's JFW, 'count' for K3's stock, 'eur', 'places'). */
  unit: GoalUnit;
  /** How the indicator is computed ('rate' for K2, 'stock' for K3, 'count' for the plan series). */
  formula: IndicatorFormula;
  /** The change at which the at-risk band ends: beyond it the goal is missed (plan goals: the deviation from the path, on the under side for `both`). */
  atRiskEdgePct: number;
  /** Plan goals: the annual plan (e.g. 250 entries, 6,400,000 €, 140 places); null for change goals. */
  plan: number | null;
  /** Plan goals: the path at the data month (what the plan asks for by then); null for change goals. */
  planToDate: number | null;
  /** Plan goals: how the path and the status are set; null for change goals. */
  planRule: PlanRule | null;
  /** Budget goals: the commitments (Bindungen) of the data month, when the finance export gave them. */
  commitments: number | null;
  /** K2: JFW of year t at month m. K3: mean LZB stock Jan..m of year t. */
  current: { month: Month; value: number | null };
  /** The current value rests on a provisional input (BA projection): shown marked "vorläufig". */
  provisional: boolean;
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
  /**
   * What it still takes until December; null in December or without the inputs. Plan goals
   * (kind `plan_remaining`): what is left of the annual plan, per remaining month.
   */
  pace: Pace | null;
  /** The change split into its parts (K2: integrations vs ELB; K3 insgesamt: women vs men). */
  drivers: Drivers | null;
  /** The BA's published figure for the month, when a file carried one, compared with ours. */
  published: { value: number; computed: number | null; differs: boolean } | null;
}

/** How a plan goal's path is shaped over the year. */
export type PathProfile =
  | { type: 'pro_rata' }
  | { type: 'last_year' }
  /** 12 monthly weights (any scale; normalised to shares of the year). */
  | { type: 'explicit'; weights: readonly number[] };

export interface PlanRule {
  profile: PathProfile['type'];
  /** Deviation from the path (percent of the path) still counted as im Ziel, on the bad side(s). */
  tolerancePct: number;
  /** Width of the gefährdet band beyond the tolerance, in percent of the path. */
  bandPct: number;
}

/** One plan goal of a year: a row of `plan_targets` joined with its indicator. */
export interface PlanGoalSpec {
  /** `${indicator}-total`, e.g. 'EIN_FBW-total'. */
  id: string;
  indicator: IndicatorDef;
  kind: PlanGoalKind;
  unit: GoalUnit;
  year: number;
  /** The annual plan: a count, euros, or places. */
  plan: number;
  better: Direction;
  tolerancePct: number;
  /** Null: the configured default band (AT_RISK_BAND_PCT). */
  bandPct: number | null;
  profile: PathProfile;
  /** Budget goals: the indicator holding the commitments (Bindungen), e.g. 'EGT_BIND'. */
  commitmentsCode: string | null;
  label: string;
  source: string | null;
}

/** The December forecast of a goal (see server/domain/forecast.ts and backtest.ts). */
export interface GoalForecast {
  /**
   * `yoy3`: last year's months scaled by this year's ratio to them; `plan_path` (plan goals with
   * an even or explicit path): the year so far carried to the year along that path.
   */
  method: 'yoy3' | 'plan_path';
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
  /** The months the ratios were taken over (yoy3: the year-on-year ratio; plan_path: ytd / path). */
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
  /** 100 × (current / previous − 1): the month's change against last year. */
  changePct: number | null;
  /** 100 × (forecast / previous − 1). */
  forecastChangePct: number | null;
  revised: boolean;
  /** The year-to-date value rests on a provisional input (a BA projection at the current edge). */
  provisional: boolean;
}

/** What moved a goal's change: for K2 its numerator and denominator, for K3 the genders (see drivers.ts). */
export type Drivers =
  | { numeratorChangePct: number; denominatorChangePct: number }
  | { femalePp: number; malePp: number };

/** How much is still allowed or needed per month to the year's end (see pace.ts). */
/** `plan_remaining`: a plan goal's annual plan minus the year so far (server/domain/plan-goals.ts). */
export type PaceKind = 'integrations_needed' | 'max_mean_stock' | 'plan_remaining';

export interface Pace<K extends string = PaceKind> {
  kind: K;
  /** K2: integrations still needed m+1..Dec. K3: stock-months allowed over m+1..Dec. */
  total: number;
  /** total / months: integrations needed per month, or the highest mean stock allowed. */
  perMonth: number;
  /** Last year's figure per month over the same months (integrations, or the mean stock). */
  previousYearPerMonth: number | null;
  /** The forecast's figure per month over the same months. */
  forecastPerMonth: number | null;
  /** Months left: 12 − m. */
  months: number;
  /**
   * Plan goals whose path follows a profile (last year's months, or the targets file's): the first
   * month after m whose path lies above the year so far, and how much is still needed by then.
   * Null for the other kinds, an even path (there `perMonth` is what the path asks), or a plan
   * already reached.
   */
  pathNext: PathStep | null;
}

/** A month of a plan path and what is still needed to reach the path by then. */
export interface PathStep {
  month: Month;
  needed: number;
}
