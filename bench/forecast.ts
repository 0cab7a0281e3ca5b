/**
 * Forecast quality on the national bench data: the backtest of the yoy3 forecast (issue 12) over
 * every region and complete year of `bench/api-data.ts`, reported per origin month: how often the
 * 80 % interval held the actual December change (goal: 80 % ± 7 %), and the mean absolute error of
 * the forecast against the naive "current change persists" baseline.
 *
 * The data's noise process (see api-data.ts): per region a size of 2.000–30.000 ELB and a linear
 * trend of ±0,2 % a month; every month independent uniform noise of ±1 % on the ELB of women and
 * men, an LZB share of 62–66 % (women) and 60–64 % (men) of the ELB, and integrations of 1,6 %
 * (women) and 2,5 % (men) of the ELB × a fixed season × uniform noise of ±10 %. January 2021 to
 * September 2024. Complete years with a complete previous year: K3 2022 and 2023 (808
 * region-years); K2 2023 only (404: the JFW of 2022 needs the ELB of December 2020). Each case is
 * judged by the interval from every other case's error (leave one out). With errors from two
 * years (K2 one) these data give no live interval and no leave-one-year-out coverage (ADR 016:
 * errors from three other years); the figure is the quantile method's calibration under iid noise.
 *
 * Run alone: `npx tsx bench/forecast.ts`.
 */
import { pathToFileURL } from 'node:url';
import { GENDERS } from '../core/vocabulary.js';
import { openDatabase } from '../server/db/connection.js';
import { backtestReport, ORIGIN_MONTHS } from '../server/domain/backtest.js';
import { computeBacktestPools } from '../server/goals/backtest-cache.js';
import { loadNationalData } from './api-data.js';

export interface ForecastBenchRow {
  originMonth: number;
  /** Backtest cases with an interval, over all K2/K3 goals. */
  covered: number;
  /** Share (0..1) of them whose actual change lay inside the 80 % interval. */
  coverage: number;
  /** Lowest and highest coverage of a single goal (indicator and gender). */
  minGoalCoverage: number;
  maxGoalCoverage: number;
  maeForecast: number;
  maeNaive: number;
}

export interface ForecastBenchResult {
  regions: number;
  regionYears: number;
  seconds: number;
  rows: ForecastBenchRow[];
  /** True when every origin month's coverage lies within 80 % ± 7 %. */
  ok: boolean;
}

const GOALS = [
  ['K2', 'rate'],
  ['K3', 'stock'],
] as const;

export async function benchForecast(
  options: { log?: (s: string) => void } = {},
): Promise<ForecastBenchResult> {
  const db = await openDatabase(':memory:');
  try {
    loadNationalData(db);
    const t0 = performance.now();
    const pools = await computeBacktestPools(db.db);
    const seconds = (performance.now() - t0) / 1000;
    const reports = GOALS.flatMap(([code]) => GENDERS.map((g) => backtestReport(pools.real, code, g)));
    const rows = ORIGIN_MONTHS.map((m, i): ForecastBenchRow => {
      const goalRows = reports.map((r) => r[i]).filter((r) => r !== undefined);
      const covered = goalRows.reduce((a, r) => a + r.covered, 0);
      const inside = goalRows.reduce((a, r) => a + (r.coverage ?? 0) * r.covered, 0);
      const cases = goalRows.reduce((a, r) => a + r.cases, 0);
      const coverages = goalRows.flatMap((r) => (r.coverage === null ? [] : [r.coverage]));
      return {
        originMonth: m,
        covered,
        coverage: covered === 0 ? 0 : inside / covered,
        minGoalCoverage: Math.min(...coverages),
        maxGoalCoverage: Math.max(...coverages),
        maeForecast: goalRows.reduce((a, r) => a + (r.maeForecast ?? 0) * r.cases, 0) / cases,
        maeNaive: goalRows.reduce((a, r) => a + (r.maeNaive ?? 0) * r.cases, 0) / cases,
      };
    });
    const regionYears = new Set(
      [...pools.real.cases('K2', 'total', 1), ...pools.real.cases('K3', 'total', 1)].map(
        (c) => `${c.region}|${c.year}`,
      ),
    ).size;
    const ok = rows.every((r) => Math.abs(r.coverage - 0.8) <= 0.07);
    const log = options.log;
    if (log) {
      log(`backtest: ${pools.regions.real} regions, ${regionYears} region-years, ${seconds.toFixed(2)} s`);
      log('origin | cases | coverage 80 % | goal min..max | MAE yoy3 | MAE naive');
      for (const r of rows) {
        log(
          `${String(r.originMonth).padStart(6)} | ${String(r.covered).padStart(5)} | ${(100 * r.coverage).toFixed(1).padStart(12)} % | ` +
            `${(100 * r.minGoalCoverage).toFixed(0)}..${(100 * r.maxGoalCoverage).toFixed(0)} % | ` +
            `${r.maeForecast.toFixed(3)} pp | ${r.maeNaive.toFixed(3)} pp`,
        );
      }
    }
    return { regions: pools.regions.real, regionYears, seconds, rows, ok };
  } finally {
    db.sqlite.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchForecast({ log: (s) => process.stdout.write(`${s}\n`) });
  process.stdout.write(`coverage within 80 % ± 7 % in every origin month: ${r.ok ? 'yes' : 'NO'}\n`);
}
