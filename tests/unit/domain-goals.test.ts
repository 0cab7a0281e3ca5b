import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import { SAMPLE_INDICATORS } from '../../scripts/generate-sample.js';
import {
  comparePublished,
  evaluateGoal,
  goalLabel,
  goalSeries,
  makeGoalSpec,
} from '../../server/domain/goals.js';
import type {
  Better,
  Gender,
  GoalSpec,
  IndicatorDef,
  Month,
  Obs,
  Series,
} from '../../server/domain/types.js';
import {
  ELB_2023,
  ELB_2024,
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

function spec(
  indicator: IndicatorDef,
  targetChangePct: number,
  better: Better,
  gender: Gender = 'female',
): GoalSpec {
  return makeGoalSpec(indicator, { gender, year: 2024, targetChangePct, better, source: 'test' });
}

// Women, December 2022 .. December 2024 (October-December 2024 added for the year-end tests).
const INT = series(M('2022-12'), [20, ...INT_2023, ...INT_2024, 33, 29, 20]);
const ELB = series(M('2022-12'), [1480, ...ELB_2023, ...ELB_2024, 1525, 1530, 1520]);
const LZB = series(M('2023-01'), [...LZB_2023, ...LZB_2024, 1010, 1012, 1014]);
const data = (over: Partial<Record<'INT' | 'ELB' | 'LZB', Series>> = {}) =>
  lookupOf({
    INT: { female: over.INT ?? INT },
    ELB: { female: over.ELB ?? ELB },
    LZB: { female: over.LZB ?? LZB },
  });

// JFW 2023 of December, written out: INT Jan..Dec 2023 over mean ELB Dec 2022..Nov 2023.
const JFW_2023_DEC =
  (100 * (25 + 28 + 35 + 33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18)) /
  ((1480 + 1500 + 1510 + 1520 + 1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510) / 12);

describe('evaluateGoal: K2 (rate, higher is better)', () => {
  test.each<{ name: string; month: Month; current: number; previous: number }>([
    {
      name: 'January: JFW over one month, December of the previous year as denominator',
      month: M('2024-01'),
      current: (100 * 26) / 1500,
      previous: (100 * 25) / 1480,
    },
    {
      name: 'March',
      month: M('2024-03'),
      current: (100 * (26 + 30 + 36)) / ((1500 + 1520 + 1530) / 3),
      previous: (100 * (25 + 28 + 35)) / ((1480 + 1500 + 1510) / 3),
    },
  ])('$name', ({ month, current, previous }) => {
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), data(), month, OPTIONS);
    expect(e.current.month).toBe(month);
    expect(e.previous.month).toBe(`2023-${month.slice(5)}`);
    expect(e.current.value).toBeCloseTo(current, 12);
    expect(e.previous.value).toBeCloseTo(previous, 12);
    expect(e.changePct).toBeCloseTo(100 * (current / previous - 1), 10);
    expect(e.missing).toEqual([]);
    // Both changes are clearly above +1.1 %: (26/1500)/(25/1480) − 1 = +2.6 %, March +3.2 %.
    expect(e.status).toBe('met');
  });

  test('the target direction decides: the same figures against a +5 % target are missed', () => {
    // March change is 100 × ((92 / 1516.67) / (88 / 1496.67) − 1) ≈ +3.17 %; 5 − 3.17 > 1.
    expect(evaluateGoal(spec(K2, 5, 'higher'), data(), M('2024-03'), OPTIONS).status).toBe('missed');
    // Against +4 % it is short by less than 1 point.
    expect(evaluateGoal(spec(K2, 4, 'higher'), data(), M('2024-03'), OPTIONS).status).toBe('at_risk');
  });

  test('monthly: the 12-month K2 and its change, null when last year lacks the inputs', () => {
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2024-03'), OPTIONS);
    expect(e.monthly.value).toBeCloseTo(
      (100 * (33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18 + 26 + 30 + 36)) /
        ((1520 + 1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510 + 1500 + 1520 + 1530) / 12),
      12,
    );
    // K2 of March 2023 needs INT from April 2022: not in the fixture.
    expect(e.monthly.changePct).toBeNull();
    // December 2024 against December 2023 has everything.
    const dec = evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2024-12'), OPTIONS);
    const k2Dec2024 =
      (100 * (26 + 30 + 36 + 35 + 31 + 28 + 27 + 30 + 36 + 33 + 29 + 20)) /
      ((1500 + 1520 + 1530 + 1540 + 1535 + 1525 + 1520 + 1515 + 1510 + 1520 + 1525 + 1530) / 12);
    expect(dec.monthly.value).toBeCloseTo(k2Dec2024, 12);
    expect(dec.monthly.changePct).toBeCloseTo(100 * (k2Dec2024 / JFW_2023_DEC - 1), 10);
  });

  test('forecast (yoy3) as of March: basis January..March, status with the same thresholds', () => {
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2024-03'), OPTIONS);
    const rInt = (26 + 30 + 36) / (25 + 28 + 35);
    const rElb = (1520 + 1530 + 1540) / (1500 + 1510 + 1520);
    const ints = 26 + 30 + 36 + (33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18) * rInt;
    const elbs = 1500 + 1520 + 1530 + 1540 + (1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510) * rElb;
    const value = (100 * ints) / (elbs / 12);
    expect(e.forecast).toMatchObject({
      method: 'yoy3',
      basisMonths: [M('2024-01'), M('2024-02'), M('2024-03')],
    });
    expect(e.forecast.value).toBeCloseTo(value, 10);
    expect(e.forecast.changePct).toBeCloseTo(100 * (value / JFW_2023_DEC - 1), 10);
    expect(e.forecast.status).toBe('met');
    // Without backtest history: no interval, and the reason says so.
    expect(e.forecast.interval).toBeNull();
    expect(e.forecast.reason).toContain('zu wenig Historie');
  });

  test('December: the forecast equals the actual value', () => {
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2024-12'), OPTIONS);
    expect(e.current.value).not.toBeNull();
    expect(e.forecast.value).toBeCloseTo(e.current.value ?? Number.NaN, 12);
    expect(e.forecast.changePct).toBeCloseTo(e.changePct ?? Number.NaN, 10);
    expect(e.forecast.status).toBe(e.status);
    expect(e.previous.value).toBeCloseTo(JFW_2023_DEC, 12);
  });
});

describe('evaluateGoal: K3 (stock, lower is better)', () => {
  // Mean LZB Jan..Sep 2024 = 984, Jan..Sep 2023 = 920: change = 100 × (984 / 920 − 1) ≈ +6.96 %.
  const current = (960 + 966 + 972 + 978 + 984 + 990 + 996 + 1002 + 1008) / 9;
  const previous = (900 + 905 + 910 + 915 + 920 + 925 + 930 + 935 + 940) / 9;
  test.each<{ target: number; expected: string }>([
    { target: 7.8, expected: 'met' }, // +6.96 <= +7.8
    { target: 6.0, expected: 'at_risk' }, // 0.96 points above the target, band 1
    { target: 5.9, expected: 'missed' }, // 1.06 points above
  ])('target +$target % → $expected', ({ target, expected }) => {
    const e = evaluateGoal(spec(K3, target, 'lower'), data(), M('2024-09'), OPTIONS);
    expect(e.current.value).toBeCloseTo(current, 12);
    expect(e.previous.value).toBeCloseTo(previous, 12);
    expect(e.changePct).toBeCloseTo(100 * (current / previous - 1), 10);
    expect(e.status).toBe(expected);
    expect(e.monthly.value).toBe(1008);
    expect(e.monthly.changePct).toBeCloseTo(100 * (1008 / 940 - 1), 10);
  });

  test('forecast: Jan..Sep actual, Oct..Dec last year × r; December equals the actual', () => {
    const r = (996 + 1002 + 1008) / (930 + 935 + 940);
    const e = evaluateGoal(spec(K3, 7.8, 'lower'), data(), M('2024-09'), OPTIONS);
    expect(e.forecast.value).toBeCloseTo((9 * current + (945 + 950 + 955) * r) / 12, 10);
    const dec = evaluateGoal(spec(K3, 7.8, 'lower'), data(), M('2024-12'), OPTIONS);
    expect(dec.current.value).toBeCloseTo(
      (960 + 966 + 972 + 978 + 984 + 990 + 996 + 1002 + 1008 + 1010 + 1012 + 1014) / 12,
      12,
    );
    expect(dec.forecast.value).toBeCloseTo(dec.current.value ?? Number.NaN, 12);
  });
});

describe('evaluateGoal: missing inputs', () => {
  test('a suppressed month last year → no_data naming the month', () => {
    const e = evaluateGoal(
      spec(K2, 1.1, 'higher'),
      data({ INT: withCell(INT, M('2023-02'), '*') }),
      M('2024-03'),
      OPTIONS,
    );
    expect(e.status).toBe('no_data');
    expect(e.changePct).toBeNull();
    expect(e.previous.value).toBeNull();
    expect(e.current.value).not.toBeNull();
    expect(e.missing).toEqual([
      { indicator: 'INT', gender: 'female', month: M('2023-02'), reason: 'suppressed' },
    ]);
    expect(e.forecast).toMatchObject({ value: null, changePct: null, status: 'no_data' });
    expect(e.forecast.reason).toBe('Keine Prognose: INT Frauen Februar 2023: gesperrt (Datenschutz).');
  });

  test('a missing LZB month this year → no_data naming the month', () => {
    const e = evaluateGoal(
      spec(K3, 6, 'lower'),
      data({ LZB: withCell(LZB, M('2024-04'), null) }),
      M('2024-09'),
      OPTIONS,
    );
    expect(e.status).toBe('no_data');
    expect(e.missing).toEqual([
      { indicator: 'LZB', gender: 'female', month: M('2024-04'), reason: 'missing' },
    ]);
  });

  test('a gap after the data month does not matter', () => {
    const e = evaluateGoal(
      spec(K3, 7.8, 'lower'),
      data({ LZB: withCell(LZB, M('2024-10'), '*') }),
      M('2024-09'),
      OPTIONS,
    );
    expect(e.status).toBe('met');
  });

  test('a goal is evaluated only at a month of its year; count/published indicators are no goals', () => {
    expect(() => evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2023-12'), OPTIONS)).toThrow(/2024/);
    const published: IndicatorDef = {
      ...K2,
      code: 'K2_BA',
      formula: 'published',
      numeratorCode: 'K2',
      denominatorCode: null,
    };
    expect(() => evaluateGoal(spec(published, 1, 'higher'), data(), M('2024-03'), OPTIONS)).toThrow(
      /formula/,
    );
    const broken: IndicatorDef = { ...K2, denominatorCode: null };
    expect(() => evaluateGoal(spec(broken, 1, 'higher'), data(), M('2024-03'), OPTIONS)).toThrow(
      /denominator/,
    );
  });
});

describe('goalSeries', () => {
  const jfw2024 = (months: number) => {
    const ints = INT_2024.slice(0, months).reduce((a, b) => a + b, 0);
    const elbs = [1500, ...ELB_2024].slice(0, months).reduce((a, b) => a + b, 0);
    return (100 * ints) / (elbs / months);
  };

  test('K2: current up to the data month, previous all year, target and band edge, forecast after', () => {
    const pts = goalSeries(spec(K2, 1.1, 'higher'), data(), 2024, M('2024-03'), OPTIONS);
    expect(pts.map((p) => p.month)).toEqual([
      M('2024-01'),
      M('2024-02'),
      M('2024-03'),
      M('2024-04'),
      M('2024-05'),
      M('2024-06'),
      M('2024-07'),
      M('2024-08'),
      M('2024-09'),
      M('2024-10'),
      M('2024-11'),
      M('2024-12'),
    ]);
    expect(pts.map((p) => p.current === null)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(pts[0]?.current).toBeCloseTo((100 * 26) / 1500, 12);
    expect(pts[1]?.current).toBeCloseTo((100 * (26 + 30)) / ((1500 + 1520) / 2), 12);
    expect(pts[2]?.current).toBeCloseTo(jfw2024(3), 12);
    expect(pts[11]?.previous).toBeCloseTo(JFW_2023_DEC, 12);
    for (const p of pts) {
      expect(p.previous).not.toBeNull();
      expect(p.target).toBeCloseTo((p.previous ?? 0) * (1 + 1.1 / 100), 12);
      expect(p.atRiskEdge).toBeCloseTo((p.previous ?? 0) * (1 + (1.1 - 1) / 100), 12);
    }
    expect(pts[0]?.forecast).toBeNull();
    expect(pts[1]?.forecast).toBeNull();
    expect(pts[2]?.forecast).toBeCloseTo(pts[2]?.current ?? Number.NaN, 12);
    // The year-end point of the chart matches the evaluation's forecast.
    const e = evaluateGoal(spec(K2, 1.1, 'higher'), data(), M('2024-03'), OPTIONS);
    expect(pts[11]?.forecast).toBeCloseTo(e.forecast.value ?? Number.NaN, 12);
    // Without an interval there is no band.
    expect(pts.every((p) => p.forecastLow === null && p.forecastHigh === null)).toBe(true);
  });

  test('K3 (lower is better): the band edge lies above the target', () => {
    const pts = goalSeries(spec(K3, 7.8, 'lower'), data(), 2024, M('2024-09'), OPTIONS);
    const prevJan = 900;
    expect(pts[0]?.target).toBeCloseTo(prevJan * (1 + 7.8 / 100), 12);
    expect(pts[0]?.atRiskEdge).toBeCloseTo(prevJan * (1 + (7.8 + 1) / 100), 12);
    expect(pts[8]?.current).toBeCloseTo((960 + 966 + 972 + 978 + 984 + 990 + 996 + 1002 + 1008) / 9, 12);
    expect(pts[8]?.forecast).toBeCloseTo(pts[8]?.current ?? Number.NaN, 12);
    expect(pts[9]?.current).toBeNull();
  });

  test('a revised month is flagged on its point; the value used is the revised one', () => {
    const revisedInt = withCell(INT, M('2024-02'), 40, true);
    const pts = goalSeries(spec(K2, 1.1, 'higher'), data({ INT: revisedInt }), 2024, M('2024-03'), OPTIONS);
    expect(pts.map((p) => p.revised)).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(pts[2]?.current).toBeCloseTo((100 * (26 + 40 + 36)) / ((1500 + 1520 + 1530) / 3), 12);
    // A revised denominator month flags its own month too.
    const revisedElb = withCell(ELB, M('2024-01'), 1521, true);
    const pts2 = goalSeries(spec(K2, 1.1, 'higher'), data({ ELB: revisedElb }), 2024, M('2024-03'), OPTIONS);
    expect(pts2.filter((p) => p.revised).map((p) => p.month)).toEqual([M('2024-01')]);
  });

  test('a data month in a later year: the whole year is actual, no forecast', () => {
    const pts = goalSeries(spec(K2, 1.1, 'higher'), data(), 2024, M('2025-02'), OPTIONS);
    expect(pts.every((p) => p.current !== null && p.forecast === null)).toBe(true);
  });
});

describe('comparePublished', () => {
  const obs = (value: number | null): Obs =>
    value === null ? { value: null, flag: '*' } : { value, flag: null };
  test.each<{
    name: string;
    computed: number | null;
    published: Obs | undefined;
    decimals?: number;
    expected: unknown;
  }>([
    {
      name: 'within rounding',
      computed: 24.96,
      published: obs(25),
      expected: { value: 25, computed: 24.96, differs: false },
    },
    {
      name: 'exactly half a unit is rounding',
      computed: 24.95,
      published: obs(25),
      expected: { value: 25, computed: 24.95, differs: false },
    },
    {
      name: 'beyond rounding',
      computed: 24.94,
      published: obs(25),
      expected: { value: 25, computed: 24.94, differs: true },
    },
    {
      name: 'above, beyond rounding',
      computed: 25.051,
      published: obs(25),
      expected: { value: 25, computed: 25.051, differs: true },
    },
    {
      name: 'two decimals',
      computed: 6.956,
      published: obs(6.96),
      decimals: 2,
      expected: { value: 6.96, computed: 6.956, differs: false },
    },
    {
      name: 'no computed value',
      computed: null,
      published: obs(25),
      expected: { value: 25, computed: null, differs: false },
    },
    { name: 'nothing published', computed: 25, published: undefined, expected: null },
    { name: 'a marker published', computed: 25, published: obs(null), expected: null },
  ])('$name', ({ computed, published, decimals, expected }) => {
    expect(comparePublished(computed, published, decimals)).toEqual(expected);
  });
});

describe('labels', () => {
  test.each<{ indicator: IndicatorDef; gender: Gender; expected: string }>([
    { indicator: K2, gender: 'female', expected: 'Integrationsquote Frauen' },
    { indicator: K2, gender: 'total', expected: 'Integrationsquote insgesamt' },
    { indicator: K3, gender: 'male', expected: 'Bestand Langzeitleistungsbeziehende Männer' },
  ])('$expected', ({ indicator, gender, expected }) => {
    expect(goalLabel(indicator, gender)).toBe(expected);
    expect(
      makeGoalSpec(indicator, { gender, year: 2024, targetChangePct: 1, better: 'higher', source: null }),
    ).toMatchObject({
      id: `${indicator.code}-${gender}`,
      label: expected,
    });
  });
});
