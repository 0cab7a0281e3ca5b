/**
 * The steering maths (issue 12) against hand-computed values: the yoy3 forecast, the backtest
 * interval and probability, the pace and the drivers. Each expected value is written out as the
 * arithmetic a controller would do with the fixture figures (tests/unit/domain-fixtures.ts).
 */
import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import { SAMPLE_INDICATORS } from '../../scripts/generate-sample.js';
import {
  type BacktestCase,
  backtestRegion,
  backtestReport,
  errorPool,
  intervalEstimate,
  quantile,
  quantileWithout,
} from '../../server/domain/backtest.js';
import { goalDrivers } from '../../server/domain/drivers.js';
import { pointForecast } from '../../server/domain/forecast.js';
import { evaluateGoal, goalSeries, makeGoalSpec } from '../../server/domain/goals.js';
import { goalPace } from '../../server/domain/pace.js';
import { goalQuantity, ytdChange } from '../../server/domain/quantity.js';
import { goalSteering } from '../../server/domain/steering.js';
import type { Better, Gender, GoalSpec, IndicatorDef, Series } from '../../server/domain/types.js';
import { historyFor } from '../../server/goals/backtest-cache.js';
import {
  ELB_2023,
  ELB_2024,
  ELB_DEC_2022,
  INT_2023,
  INT_2024,
  LZB_2023,
  LZB_2024,
  lookupOf,
  series,
  withCell,
} from './domain-fixtures.js';

// The indicators as the initial migration defines them: one definition, the sample generator's.
const { K2, K3 } = SAMPLE_INDICATORS;
const OPTIONS = { atRiskBandPct: 1 };

function spec(indicator: IndicatorDef, target: number, better: Better, gender: Gender = 'female'): GoalSpec {
  return makeGoalSpec(indicator, { gender, year: 2024, targetChangePct: target, better, source: 'test' });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function fixture(patch: { INT?: Series; ELB?: Series; LZB?: Series } = {}) {
  const base = {
    INT: series(M('2022-12'), [20, ...INT_2023, ...INT_2024]),
    ELB: series(M('2022-12'), [ELB_DEC_2022, ...ELB_2023, ...ELB_2024]),
    LZB: series(M('2023-01'), [...LZB_2023, ...LZB_2024]),
  };
  const s = { ...base, ...patch };
  return {
    series: s,
    lookup: lookupOf({ INT: { female: s.INT }, ELB: { female: s.ELB }, LZB: { female: s.LZB } }),
  };
}

// Last year's December values of the fixture.
const JFW_2023_DEC = (100 * sum(INT_2023)) / ((ELB_DEC_2022 + sum(ELB_2023.slice(0, 11))) / 12);
const LZB_2023_MEAN = sum(LZB_2023) / 12;

describe('yoy3 forecast: K2 (JFW of December)', () => {
  // m = 9 (September 2024): basis July..September.
  const rInt9 = (27 + 30 + 36) / (26 + 29 + 34);
  const rElb9 = (1515 + 1510 + 1520) / (1495 + 1490 + 1500);
  const meanElb9 = (1500 + sum(ELB_2024) + (1505 + 1510) * rElb9) / 12; // Dec 2023, Jan..Sep, Oct..Nov forecast
  const jfw9 = (100 * (sum(INT_2024) + (31 + 27 + 18) * rInt9)) / meanElb9;

  // m = 1: basis January only; INT Feb..Dec and ELB Feb..Nov forecast from 2023.
  const rInt1 = 26 / 25;
  const rElb1 = 1520 / 1500;
  const jfw1 =
    (100 * (26 + sum(INT_2023.slice(1)) * rInt1)) / ((1500 + 1520 + sum(ELB_2023.slice(1, 11)) * rElb1) / 12);

  // m = 2: basis January..February.
  const rInt2 = (26 + 30) / (25 + 28);
  const rElb2 = (1520 + 1530) / (1500 + 1510);
  const jfw2 =
    (100 * (26 + 30 + sum(INT_2023.slice(2)) * rInt2)) /
    ((1500 + 1520 + 1530 + sum(ELB_2023.slice(2, 11)) * rElb2) / 12);

  test.each([
    { m: M('2024-09'), basis: [M('2024-07'), M('2024-08'), M('2024-09')], rInt: rInt9, value: jfw9 },
    { m: M('2024-01'), basis: [M('2024-01')], rInt: rInt1, value: jfw1 },
    { m: M('2024-02'), basis: [M('2024-01'), M('2024-02')], rInt: rInt2, value: jfw2 },
  ])('as of $m', ({ m, basis, rInt, value }) => {
    const f = pointForecast(spec(K2, 1.1, 'higher'), fixture().lookup, m);
    expect(f.basisMonths).toEqual(basis);
    expect(f.ratios.INT).toBeCloseTo(rInt, 12);
    expect(f.value).toBeCloseTo(value, 10);
    expect(f.previousValue).toBeCloseTo(JFW_2023_DEC, 10);
    expect(f.changePct).toBeCloseTo(100 * (value / JFW_2023_DEC - 1), 10);
    expect(f.reason).toBeNull();
  });

  test('a suppressed month of last year in the basis: left out of the basis, and named (no December base)', () => {
    // INT August 2023 suppressed: the basis keeps July and September, but last year's December
    // JFW (Σ INT 2023) is unknown, so there is no forecast change; the reason names the month.
    const { lookup } = fixture({ INT: withCell(fixture().series.INT, M('2023-08'), '*') });
    const f = pointForecast(spec(K2, 1.1, 'higher'), lookup, M('2024-09'));
    expect(f.basisMonths).toEqual([M('2024-07'), M('2024-09')]);
    expect(f.ratios.INT).toBeCloseTo((27 + 36) / (26 + 34), 12);
    expect(f.value).toBeNull();
    expect(f.reason).toBe('Keine Prognose: INT Frauen August 2023: gesperrt (Datenschutz).');
  });

  test('a suppressed month of last year that must be carried forward: no forecast, reason named', () => {
    const { lookup } = fixture({ INT: withCell(fixture().series.INT, M('2023-11'), '*') });
    const f = pointForecast(spec(K2, 1.1, 'higher'), lookup, M('2024-09'));
    expect(f.value).toBeNull();
    expect(f.changePct).toBeNull();
    expect(f.reason).toBe('Keine Prognose: INT Frauen November 2023: gesperrt (Datenschutz).');
    const steering = goalSteering(spec(K2, 1.1, 'higher'), lookup, M('2024-09'), OPTIONS);
    expect(steering.forecast).toMatchObject({
      value: null,
      status: 'no_data',
      interval: null,
      probabilityMet: null,
    });
    expect(steering.pace).toBeNull();
  });

  test('a missing month of this year: no forecast, reason names it', () => {
    const { lookup } = fixture({ INT: withCell(fixture().series.INT, M('2024-05'), null) });
    const f = pointForecast(spec(K2, 1.1, 'higher'), lookup, M('2024-09'));
    expect(f.value).toBeNull();
    expect(f.reason).toBe('Keine Prognose: INT Frauen Mai 2024: fehlt.');
  });
});

describe('yoy3 forecast: K3 (mean LZB of January..December)', () => {
  test('as of September: last three months against last year, carried to December', () => {
    const r = (996 + 1002 + 1008) / (930 + 935 + 940);
    const mean = (sum(LZB_2024) + (945 + 950 + 955) * r) / 12;
    const f = pointForecast(spec(K3, 7.8, 'lower'), fixture().lookup, M('2024-09'));
    expect(f.value).toBeCloseTo(mean, 10);
    expect(f.changePct).toBeCloseTo(100 * (mean / LZB_2023_MEAN - 1), 10);
  });

  test('December: the forecast is the actual, no interval, no pace', () => {
    const lzb = series(M('2023-01'), [...LZB_2023, ...LZB_2024, 1014, 1020, 1026]);
    const lookup = lookupOf({ LZB: { female: lzb } });
    const s = spec(K3, 7.8, 'lower');
    const e = evaluateGoal(s, lookup, M('2024-12'), OPTIONS, () => ({
      errors: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      years: 3,
    }));
    const mean = (sum(LZB_2024) + 1014 + 1020 + 1026) / 12;
    expect(e.forecast.value).toBeCloseTo(mean, 10);
    expect(e.forecast.changePct).toBeCloseTo(e.changePct ?? Number.NaN, 10);
    expect(e.forecast.status).toBe(e.status);
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.reason).toContain('Dezember');
    expect(e.pace).toBeNull();
  });
});

describe('constructed series: integrations 10 % above last year for four months after a level half', () => {
  // ELB constant 1000 in both years; INT 30 a month in year t-1; in year t equal January..June,
  // then 33 (+10 %) July..October. Data month October.
  const intLast = Array(12).fill(30) as number[];
  const intNow = [30, 30, 30, 30, 30, 30, 33, 33, 33, 33];
  const lookup = lookupOf({
    INT: { total: series(M('2023-01'), [...intLast, ...intNow]) },
    ELB: { total: series(M('2022-12'), Array(23).fill(1000) as number[]) },
  });
  const s = spec(K2, 0, 'higher', 'total');
  const q = goalQuantity(s, lookup);

  test('current change = (180 + 132) / 300 − 1 = +4 %; forecast = (312 + 2 × 33) / 360 − 1 = +5 %', () => {
    const current = ytdChange(q, M('2024-10'));
    expect(current).toBeCloseTo(100 * ((180 + 4 * 33) / 300 - 1), 10);
    const f = pointForecast(s, lookup, M('2024-10'));
    expect(f.ratios.INT).toBeCloseTo(99 / 90, 12);
    expect(f.changePct).toBeCloseTo(100 * ((180 + 4 * 33 + 2 * 30 * 1.1) / 360 - 1), 10);
    expect(f.changePct ?? 0).toBeGreaterThan((current ?? 0) + 0.5);
    // The naive baseline (the current change persists) stays at the current change: not above it.
    const naive = ytdChange(q, M('2024-10'));
    expect(naive).toBe(current);
  });
});

describe('backtest: quantiles, interval, probability', () => {
  test.each([
    // numpy.quantile(x, p) with the default linear method: h = (n − 1) p.
    { x: [1, 2, 3, 4], p: 0.1, q: 1 + 0.3 * (2 - 1) },
    { x: [1, 2, 3, 4], p: 0.9, q: 3 + 0.7 * (4 - 3) },
    { x: [5], p: 0.9, q: 5 },
    { x: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3], p: 0.1, q: -2 + 0.9 * 0.5 },
    { x: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3], p: 0.9, q: 2 + 0.1 * 1 },
  ])('quantile($x, $p) = $q', ({ x, p, q }) => {
    expect(quantile(x, p)).toBeCloseTo(q, 12);
  });

  test('quantileWithout skips one element: the same as quantile of the shorter list', () => {
    expect(quantileWithout([1, 2, 3, 4, 5], 0.1, 0)).toBeCloseTo(quantile([2, 3, 4, 5], 0.1), 12);
    expect(quantileWithout([1, 2, 3, 4, 5], 0.9, 2)).toBeCloseTo(quantile([1, 2, 4, 5], 0.9), 12);
    expect(quantileWithout([1, 2, 3, 4, 5], 0.9, 4)).toBeCloseTo(quantile([1, 2, 3, 4], 0.9), 12);
  });

  const errors = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3];
  /** The errors as pooled from `years` distinct years. */
  const from = (xs: number[], years = 3) => ({ errors: xs, years });
  test('80 % interval = forecast + q10 .. forecast + q90; probability = share of errors meeting the target', () => {
    // Forecast +1,0 %, target +1,1 % (higher is better): met when 1 + e >= 1.1, e >= 0.1: 5 of 10.
    const est = intervalEstimate(1, from(errors), { targetChangePct: 1.1, better: 'higher' });
    expect(est.interval?.lowPct).toBeCloseTo(1 - 1.55, 12);
    expect(est.interval?.highPct).toBeCloseTo(1 + 2.1, 12);
    expect(est.probabilityMet).toBe(5 / 10);
    // Lower is better, target +6 %: forecast +5 % meets it when 5 + e <= 6, e <= 1: 7 of 10.
    expect(intervalEstimate(5, from(errors), { targetChangePct: 6, better: 'lower' }).probabilityMet).toBe(
      7 / 10,
    );
  });

  test('fewer than 10 errors: no interval, and the goal says "zu wenig Historie"', () => {
    expect(intervalEstimate(1, from(errors.slice(1)), { targetChangePct: 1.1, better: 'higher' })).toEqual({
      interval: null,
      probabilityMet: null,
      cases: 9,
      years: 3,
    });
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), fixture().lookup, M('2024-09'), OPTIONS, () =>
      from(errors.slice(1)),
    );
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.reason).toBe('zu wenig Historie (9 Vergleichsfälle, mindestens 10 nötig).');
    const one = evaluateGoal(spec(K2, 1.1, 'higher'), fixture().lookup, M('2024-09'), OPTIONS, () =>
      from(errors.slice(0, 1), 1),
    );
    expect(one.forecast.reason).toBe(
      'zu wenig Historie (1 Vergleichsfall aus nur einem anderen Jahr; mindestens 10 aus 3 anderen Jahren nötig).',
    );
    const full = evaluateGoal(spec(K2, 1.1, 'higher'), fixture().lookup, M('2024-09'), OPTIONS, () =>
      from(errors),
    );
    const f = full.forecast.changePct ?? Number.NaN;
    expect(full.forecast.interval?.lowPct).toBeCloseTo(f - 1.55, 10);
    expect(full.forecast.reason).toBeNull();
  });

  test('ten errors from two years: no interval (MIN_YEARS = 3)', () => {
    expect(intervalEstimate(1, from(errors, 2), { targetChangePct: 1.1, better: 'higher' })).toEqual({
      interval: null,
      probabilityMet: null,
      cases: 10,
      years: 2,
    });
  });

  test('backtestRegion: one case per origin month 1..11 with actual, forecast and naive change', () => {
    // K3 of 2024 with a full year: LZB 2023 and 2024.
    const lzb2024 = [...LZB_2024, 1014, 1020, 1026];
    const lookup = lookupOf({ LZB: { female: series(M('2023-01'), [...LZB_2023, ...lzb2024]) } });
    const cases = backtestRegion('r1', [spec(K3, 7.8, 'lower')], lookup, [2023, 2024]);
    expect(cases.map((c) => c.originMonth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const actual = 100 * (sum(lzb2024) / sum(LZB_2023) - 1);
    const sep = cases[8];
    const r = (996 + 1002 + 1008) / (930 + 935 + 940);
    expect(sep?.actualPct).toBeCloseTo(actual, 10);
    expect(sep?.forecastPct).toBeCloseTo(
      100 * ((sum(LZB_2024) + (945 + 950 + 955) * r) / sum(LZB_2023) - 1),
      10,
    );
    expect(sep?.naivePct).toBeCloseTo(100 * (sum(LZB_2024) / sum(LZB_2023.slice(0, 9)) - 1), 10);
  });

  test('backtestReport: MAE of forecast and naive baseline, coverage leave-one-out', () => {
    const mk = (year: number, actualPct: number, forecastPct: number, naivePct: number): BacktestCase => ({
      region: 'r',
      year,
      originMonth: 1,
      indicator: 'K2',
      gender: 'total',
      actualPct,
      forecastPct,
      naivePct,
    });
    // 2022: ten cases, errors −2 .. 3 as above (forecast 0); 2023: one case, actual 1, forecast 0.
    const cases = [...errors.map((e) => mk(2022, e, 0, 1)), mk(2023, 1, 0, 4)];
    const [row] = backtestReport(errorPool(cases), 'K2', 'total');
    expect(row?.cases).toBe(11);
    expect(row?.maeForecast).toBeCloseTo((sum(errors.map(Math.abs)) + 1) / 11, 12);
    // Naive: |e − 1| for 2022, |1 − 4| for 2023.
    expect(row?.maeNaive).toBeCloseTo((sum(errors.map((e) => Math.abs(e - 1))) + 3) / 11, 12);
    // Leave one out: each case is judged by the other ten errors (q10 = x0 + 0.9 (x1 − x0),
    // q90 = x8 + 0.1 (x9 − x8) of the remaining ten, all errors −2 −1.5 −1 −0.5 0 0.5 1 1 1.5 2 3):
    // without −2: −1.05 .. 2.1, −2 outside; without −1.5: −1.1 .., outside; without −1 .. 1.5:
    // −1.55 .. 2.1, inside (7 cases); without 2: .. 1.5 + 0.15, outside; without 3: .. 1.55, outside.
    expect(row?.covered).toBe(11);
    expect(row?.coverage).toBeCloseTo(7 / 11, 12);
    // Leave one year out: each year sees only the other one, fewer than 3 years: no coverage.
    expect(row?.yearCovered).toBe(0);
    expect(row?.yearCoverage).toBeNull();
  });

  test('backtestReport: coverage leave one year out, the interval a goal shows', () => {
    const mk = (year: number, e: number, region: string): BacktestCase => ({
      region,
      year,
      originMonth: 1,
      indicator: 'K3',
      gender: 'total',
      actualPct: e,
      forecastPct: 0,
      naivePct: 0,
    });
    // Four regions, four years; every region's error is its year's effect: 2020 0, 2021 1, 2022 2, 2023 3.
    const cases = [2020, 2021, 2022, 2023].flatMap((y) =>
      ['a', 'b', 'c', 'd'].map((r) => mk(y, y - 2020, r)),
    );
    const [row] = backtestReport(errorPool(cases), 'K3', 'total');
    // 2020 against the 12 errors 1 1 1 1 2 2 2 2 3 3 3 3: q10 (h = 1,1) = 1, q90 (h = 9,9) = 3,
    // 0 outside. 2021 against 0 … 0 2 … 2 3 … 3: 0 .. 3, inside; 2022 likewise 0 .. 3, inside;
    // 2023 against 0 … 0 1 … 1 2 … 2: 0 .. 2, 3 outside. 8 of 16.
    expect(row?.yearCovered).toBe(16);
    expect(row?.yearCoverage).toBe(8 / 16);
  });
});

describe('backtest: errors must come from enough distinct years', () => {
  // K2 Frauen as of September 2024 (forecast f from the fixture), target +1,1 % (higher is better).
  // The errors of origin month 9 cluster by year, as the audit found on the sample data: each
  // year's five regions share the year's effect.
  const byYear: Record<number, number[]> = {
    2021: [2.0, 2.1, 2.2, 2.3, 2.4],
    2022: [-1.2, -1.1, -1.0, -0.9, -0.8],
    2023: [0.8, 0.9, 1.0, 1.1, 1.2],
  };
  const caseOf = (year: number, region: number, e: number): BacktestCase => ({
    region: `r${region}`,
    year,
    originMonth: 9,
    indicator: 'K2',
    gender: 'female',
    actualPct: e,
    forecastPct: 0,
    naivePct: 0,
  });
  const evaluate = (years: number[]) => {
    const pool = errorPool(years.flatMap((y) => (byYear[y] ?? []).map((e, r) => caseOf(y, r, e))));
    const pools = { sample: pool, real: pool, regions: { sample: 0, real: 5 } };
    return evaluateGoal(
      spec(K2, 1.1, 'higher'),
      fixture().lookup,
      M('2024-09'),
      OPTIONS,
      historyFor(pools, false, 2024),
    );
  };

  test('5 regions × 2 years = 10 errors: no interval, no probability, the reason names the years', () => {
    const e = evaluate([2022, 2023]);
    expect(e.forecast.changePct).not.toBeNull();
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.probabilityMet).toBeNull();
    expect(e.forecast.reason).toBe(
      'zu wenig Historie (Prognosefehler aus nur 2 anderen Jahren, mindestens 3 nötig).',
    );
  });

  test('its own year does not count: 2021, 2022 and 2024 are two other years for 2024', () => {
    const pool = errorPool([
      ...[2021, 2022].flatMap((y) => (byYear[y] ?? []).map((e, r) => caseOf(y, r, e))),
      ...[0.1, 0.2, 0.3, 0.4, 0.5].map((e, r) => caseOf(2024, r, e)),
    ]);
    const pools = { sample: pool, real: pool, regions: { sample: 0, real: 5 } };
    const e = evaluateGoal(
      spec(K2, 1.1, 'higher'),
      fixture().lookup,
      M('2024-09'),
      OPTIONS,
      historyFor(pools, false, 2024),
    );
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.reason).toBe(
      'zu wenig Historie (Prognosefehler aus nur 2 anderen Jahren, mindestens 3 nötig).',
    );
  });

  test('one other year: "aus nur einem anderen Jahr"', () => {
    const pool = errorPool(
      [...(byYear[2022] ?? []), ...(byYear[2023] ?? [])].map((e, r) => caseOf(2023, r, e)),
    );
    const pools = { sample: pool, real: pool, regions: { sample: 0, real: 10 } };
    const e = evaluateGoal(
      spec(K2, 1.1, 'higher'),
      fixture().lookup,
      M('2024-09'),
      OPTIONS,
      historyFor(pools, false, 2024),
    );
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.reason).toBe(
      'zu wenig Historie (Prognosefehler aus nur einem anderen Jahr, mindestens 3 nötig).',
    );
  });

  test('5 regions × 3 years = 15 errors: interval from the pooled quantiles, probability', () => {
    const e = evaluate([2021, 2022, 2023]);
    const f = e.forecast.changePct ?? Number.NaN;
    // Ascending: −1,2 −1,1 −1,0 −0,9 −0,8 0,8 0,9 1,0 1,1 1,2 2,0 2,1 2,2 2,3 2,4 (n = 15).
    // q10: h = 14 × 0,1 = 1,4 → −1,1 + 0,4 × (−1,0 − (−1,1)) = −1,06.
    // q90: h = 14 × 0,9 = 12,6 → 2,2 + 0,6 × (2,3 − 2,2) = 2,26.
    expect(e.forecast.interval?.lowPct).toBeCloseTo(f - 1.06, 10);
    expect(e.forecast.interval?.highPct).toBeCloseTo(f + 2.26, 10);
    // Met when f + e ≥ 1,1.
    const met = Object.values(byYear)
      .flat()
      .filter((x) => f + x >= 1.1).length;
    expect(e.forecast.probabilityMet).toBe(met / 15);
    expect(e.forecast.reason).toBeNull();
  });
});

describe('pace: what it still takes', () => {
  test('K2 as of September: integrations needed Oct..Dec, per month, last year and forecast', () => {
    const target = 1.1;
    const rInt = (27 + 30 + 36) / (26 + 29 + 34);
    const rElb = (1515 + 1510 + 1520) / (1495 + 1490 + 1500);
    const d = (1500 + sum(ELB_2024) + (1505 + 1510) * rElb) / 12;
    const total = ((JFW_2023_DEC * (1 + target / 100)) / 100) * d - sum(INT_2024);
    const { lookup } = fixture();
    const s = spec(K2, target, 'higher');
    const p = goalPace(s, lookup, pointForecast(s, lookup, M('2024-09')).lookup, M('2024-09'));
    expect(p?.kind).toBe('integrations_needed');
    expect(p?.months).toBe(3);
    expect(p?.total).toBeCloseTo(total, 9);
    expect(p?.perMonth).toBeCloseTo(total / 3, 9);
    expect(p?.previousYearPerMonth).toBeCloseTo((31 + 27 + 18) / 3, 12);
    expect(p?.forecastPerMonth).toBeCloseTo(((31 + 27 + 18) * rInt) / 3, 12);
  });

  test('K3 as of September: the highest mean stock allowed Oct..Dec', () => {
    const target = 7.8;
    const r = (996 + 1002 + 1008) / (930 + 935 + 940);
    const total = 12 * LZB_2023_MEAN * (1 + target / 100) - sum(LZB_2024);
    const e = evaluateGoal(spec(K3, target, 'lower'), fixture().lookup, M('2024-09'), OPTIONS);
    expect(e.pace).toMatchObject({ kind: 'max_mean_stock', months: 3 });
    expect(e.pace?.total).toBeCloseTo(total, 9);
    expect(e.pace?.perMonth).toBeCloseTo(total / 3, 9);
    expect(e.pace?.previousYearPerMonth).toBeCloseTo((945 + 950 + 955) / 3, 12);
    expect(e.pace?.forecastPerMonth).toBeCloseTo(((945 + 950 + 955) * r) / 3, 12);
  });

  test('K3 as of January (m = 1): eleven months left', () => {
    const total = 12 * LZB_2023_MEAN * 1.078 - 960;
    const e = evaluateGoal(spec(K3, 7.8, 'lower'), fixture().lookup, M('2024-01'), OPTIONS);
    expect(e.pace?.months).toBe(11);
    expect(e.pace?.perMonth).toBeCloseTo(total / 11, 9);
  });
});

describe('drivers: why it moved', () => {
  test('K2: integrations vs ELB; (1 + change) = (1 + num) / (1 + den)', () => {
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), fixture().lookup, M('2024-09'), OPTIONS);
    const num = 100 * (sum(INT_2024) / sum(INT_2023.slice(0, 9)) - 1);
    const den =
      100 * ((1500 + sum(ELB_2024.slice(0, 8))) / 9 / ((ELB_DEC_2022 + sum(ELB_2023.slice(0, 8))) / 9) - 1);
    const d = goalDrivers(spec(K2, 1.1, 'higher'), fixture().lookup, M('2024-09'));
    expect(d).toEqual({
      numeratorChangePct: expect.closeTo(num, 10),
      denominatorChangePct: expect.closeTo(den, 10),
    });
    expect(1 + (e.changePct ?? 0) / 100).toBeCloseTo((1 + num / 100) / (1 + den / 100), 12);
    expect(e.drivers).toEqual(d);
  });

  test('K3 insgesamt: women and men in pp of last year total, adding up to the total change', () => {
    // February 2024. Women 100, 100 → 110, 110; men 200, 200 → 190, 196; total = women + men.
    const f = series(M('2023-01'), [100, 100, ...Array(10).fill(100), 110, 110]);
    const m = series(M('2023-01'), [200, 200, ...Array(10).fill(200), 190, 196]);
    const t = series(M('2023-01'), [300, 300, ...Array(10).fill(300), 300, 306]);
    const lookup = lookupOf({ LZB: { female: f, male: m, total: t } });
    const e = evaluateGoal(spec(K3, 6, 'lower', 'total'), lookup, M('2024-02'), OPTIONS);
    // Last year's total mean (Jan..Feb) 300: women (110 − 100) / 300, men (193 − 200) / 300.
    expect(e.drivers).toEqual({
      femalePp: expect.closeTo((100 * 10) / 300, 12),
      malePp: expect.closeTo((100 * -7) / 300, 12),
    });
    expect(e.changePct).toBeCloseTo(100 * (303 / 300 - 1), 12);
    expect(
      ((e.drivers as { femalePp: number }).femalePp ?? 0) + ((e.drivers as { malePp: number }).malePp ?? 0),
    ).toBeCloseTo(e.changePct ?? Number.NaN, 12);
    // Women's and men's own goals have no drivers split.
    expect(evaluateGoal(spec(K3, 7.8, 'lower', 'female'), lookup, M('2024-02'), OPTIONS).drivers).toBeNull();
    // The total of February missing (suppressed, say): the goal has no change, so no parts of one,
    // although women's and men's series are complete.
    const gap = series(M('2023-01'), [300, 300, ...Array(10).fill(300), 300, null]);
    const noTotal = evaluateGoal(
      spec(K3, 6, 'lower', 'total'),
      lookupOf({ LZB: { female: f, male: m, total: gap } }),
      M('2024-02'),
      OPTIONS,
    );
    expect(noTotal.status).toBe('no_data');
    expect(noTotal.drivers).toBeNull();
  });
});

describe('goal chart: forecast path and band', () => {
  test('the path starts at the data month value and ends at the forecast; the band opens to December', () => {
    const s = spec(K3, 7.8, 'lower');
    const { lookup } = fixture();
    const interval = { lowPct: 1, highPct: 3 };
    const pts = goalSeries(s, lookup, 2024, M('2024-09'), OPTIONS, interval);
    const f = pointForecast(s, lookup, M('2024-09'));
    expect(pts[7]?.forecast).toBeNull();
    expect(pts[8]?.forecast).toBe(pts[8]?.current);
    expect(pts[8]?.forecastLow).toBe(pts[8]?.current);
    expect(pts[11]?.forecast).toBeCloseTo(f.value ?? Number.NaN, 10);
    expect(pts[11]?.forecastLow).toBeCloseTo(LZB_2023_MEAN * 1.01, 10);
    expect(pts[11]?.forecastHigh).toBeCloseTo(LZB_2023_MEAN * 1.03, 10);
  });
});
