/**
 * Plan goals (cumulative, budget, capacity): path, status, forecast and pace against values
 * computed by hand in the comments.
 */
import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import {
  cumulativeShares,
  evaluatePlanGoal,
  makePlanGoalSpec,
  paceOf,
  planGoalSeries,
  planStatus,
} from '../../server/domain/plan-goals.js';
import type {
  IndicatorDef,
  PathProfile,
  PlanGoalKind,
  PlanGoalSpec,
  Series,
} from '../../server/domain/types.js';
import { lookupOf, series, withCell } from './domain-fixtures.js';

const OPTIONS = { atRiskBandPct: 1 };

function indicator(code: string, unit: string): IndicatorDef {
  return {
    code,
    name: code,
    unit,
    formula: 'count',
    numeratorCode: null,
    denominatorCode: null,
    better: null,
  };
}

function spec(
  code: string,
  kind: PlanGoalKind,
  plan: number,
  over: Partial<Omit<PlanGoalSpec, 'id' | 'indicator' | 'label'>> = {},
): PlanGoalSpec {
  return makePlanGoalSpec(
    indicator(code, kind === 'budget' ? 'eur' : kind === 'capacity' ? 'places' : 'count'),
    {
      kind,
      unit: kind === 'budget' ? 'eur' : kind === 'capacity' ? 'places' : 'count',
      year: 2024,
      plan,
      better: 'higher',
      tolerancePct: 5,
      bandPct: 10,
      profile: { type: 'pro_rata' },
      commitmentsCode: null,
      source: null,
      ...over,
    },
  );
}

// FbW entries. 2023 sums to 240: [10,20,30,20,10,10,10,20,40,30,30,10].
const FBW_2023 = [10, 20, 30, 20, 10, 10, 10, 20, 40, 30, 30, 10];
// 2024 January..June: 12 + 18 + 27 + 24 + 9 + 12 = 102.
const FBW_2024 = [12, 18, 27, 24, 9, 12];
const fbw = (s: Series = series(M('2023-01'), [...FBW_2023, ...FBW_2024])) =>
  lookupOf({ EIN_FBW: { total: s } });

const PRO_RATA: PathProfile = { type: 'pro_rata' };
const LAST_YEAR: PathProfile = { type: 'last_year' };
const EXPLICIT: PathProfile = { type: 'explicit', weights: [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2] };

describe('path: cumulative shares of the year', () => {
  const lastYear = FBW_2023.map((v) => ({ value: v, missing: [] }));
  test.each([
    // pro rata: m / 12
    [PRO_RATA, 3, 3 / 12],
    [PRO_RATA, 6, 0.5],
    [PRO_RATA, 12, 1],
    // last year: 2023 Jan..Jun = 100 of 240; Jan..Sep = 170 of 240
    [LAST_YEAR, 6, 100 / 240],
    [LAST_YEAR, 9, 170 / 240],
    // explicit weights 1×6, 2×6 (sum 18): Jun 6/18, Sep 12/18
    [EXPLICIT, 6, 6 / 18],
    [EXPLICIT, 9, 12 / 18],
  ])('%o at month %i → share %f', (profile, m, share) => {
    const { shares } = cumulativeShares(profile, lastYear);
    expect(shares?.[m - 1]).toBeCloseTo(share, 12);
  });

  test('last year with a suppressed month gives no path, naming the month', () => {
    const withGap = lastYear.map((c, i) =>
      i === 4
        ? {
            value: null,
            missing: [
              {
                indicator: 'EIN_FBW',
                gender: 'total' as const,
                month: M('2023-05'),
                reason: 'suppressed' as const,
              },
            ],
          }
        : c,
    );
    const r = cumulativeShares(LAST_YEAR, withGap);
    expect(r.shares).toBeNull();
    expect(r.missing).toEqual([
      { indicator: 'EIN_FBW', gender: 'total', month: '2023-05', reason: 'suppressed' },
    ]);
  });

  test('an explicit profile needs 12 weights', () => {
    expect(() => cumulativeShares({ type: 'explicit', weights: [1, 2, 3] }, lastYear)).toThrow(/12 weights/);
  });
});

describe('status against the path', () => {
  test.each([
    // deviation, better, tolerance, band → status
    [0, 'higher', 0, 10, 'met'],
    [-5, 'higher', 5, 10, 'met'], // exactly at the tolerance
    [-5.01, 'higher', 5, 10, 'at_risk'],
    [-14.99, 'higher', 5, 10, 'at_risk'],
    [-15, 'higher', 5, 10, 'missed'], // the band edge is missed
    [30, 'higher', 5, 10, 'met'],
    [5, 'lower', 5, 10, 'met'],
    [14.99, 'lower', 5, 10, 'at_risk'],
    [15, 'lower', 5, 10, 'missed'],
    [-50, 'lower', 5, 10, 'met'],
    // both: underspend and overspend both warn
    [-10, 'both', 5, 10, 'at_risk'],
    [10, 'both', 5, 10, 'at_risk'],
    [-20, 'both', 5, 10, 'missed'],
    [20, 'both', 5, 10, 'missed'],
    [3, 'both', 5, 10, 'met'],
    [-3, 'both', 5, 10, 'met'],
    // a path of 0 with something done: beyond every band on the over side
    [Number.POSITIVE_INFINITY, 'higher', 5, 10, 'met'],
    [Number.POSITIVE_INFINITY, 'lower', 5, 10, 'missed'],
  ] as const)('deviation %f, %s, tolerance %f, band %f → %s', (d, better, tol, band, status) => {
    expect(planStatus(d, better, tol, band)).toBe(status);
  });
});

describe('cumulative goal (FbW entries, plan 240, June 2024: 102 so far)', () => {
  test.each([
    // profile, path at June, deviation 100 × (102 / path − 1), status (tolerance 5, band 10)
    [PRO_RATA, 120, -15, 'missed'], // 240 × 6/12
    [LAST_YEAR, 100, 2, 'met'], // 240 × 100/240
    [EXPLICIT, 80, 27.5, 'met'], // 240 × 6/18
  ] as const)('%o: path %f, deviation %f %%, %s', (profile, path, dev, status) => {
    const g = evaluatePlanGoal(spec('EIN_FBW', 'cumulative', 240, { profile }), fbw(), M('2024-06'), OPTIONS);
    expect(g.kind).toBe('cumulative');
    expect(g.unit).toBe('count');
    expect(g.gender).toBe('total');
    expect(g.plan).toBe(240);
    expect(g.current.value).toBe(102);
    expect(g.previous.value).toBe(100); // 2023 Jan..Jun
    expect(g.planToDate).toBeCloseTo(path, 9);
    expect(g.changePct).toBeCloseTo(dev, 9);
    expect(g.status).toBe(status);
  });

  test('a band of 12 turns the pro-rata shortfall of 15 % into gefährdet', () => {
    const g = evaluatePlanGoal(
      spec('EIN_FBW', 'cumulative', 240, { bandPct: 12 }),
      fbw(),
      M('2024-06'),
      OPTIONS,
    );
    expect(g.status).toBe('at_risk');
  });

  test('no band in the targets file: the configured band applies', () => {
    const g = evaluatePlanGoal(spec('EIN_FBW', 'cumulative', 240, { bandPct: null }), fbw(), M('2024-06'), {
      atRiskBandPct: 20,
    });
    expect(g.planRule).toEqual({ profile: 'pro_rata', tolerancePct: 5, bandPct: 20 });
    expect(g.status).toBe('at_risk'); // shortfall 10 beyond the tolerance < 20
  });

  test.each([
    // month, forecast, deviation vs plan, remaining, months left, per month
    // June: ratio (24+9+12)/(20+10+10) = 45/40 = 1.125; rest of 2023 = 140 → 102 + 157.5
    ['2024-06', 259.5, 8.125, 138, 6, 23],
    // February: ratio (12+18)/(10+20) = 1; rest of 2023 = 210 → 30 + 210
    ['2024-02', 240, 0, 210, 10, 21],
    // January: ratio 12/10 = 1.2; rest of 2023 = 230 → 12 + 276
    ['2024-01', 288, 20, 228, 11, 228 / 11],
  ] as const)(
    'forecast (last year’s profile) and pace at %s',
    (month, forecast, dev, remaining, months, perMonth) => {
      const g = evaluatePlanGoal(
        spec('EIN_FBW', 'cumulative', 240, { profile: LAST_YEAR }),
        fbw(),
        M(month),
        OPTIONS,
      );
      expect(g.forecast.method).toBe('yoy3');
      expect(g.forecast.value).toBeCloseTo(forecast, 9);
      expect(g.forecast.changePct).toBeCloseTo(dev, 9);
      expect(g.pace?.kind).toBe('plan_remaining');
      expect(g.pace?.total).toBe(remaining);
      expect(g.pace?.months).toBe(months);
      expect(g.pace?.perMonth).toBeCloseTo(perMonth, 9);
    },
  );

  test.each([
    // June 2024, ytd 102. Last year's path (2023 sums to 240, so the path is 2023's running sum):
    // July 110 → 8 by July.
    [LAST_YEAR, { month: '2024-07', needed: 8 }],
    // weights 1×6, 2×6 (sum 18): July 240 × 8/18 = 106,67 → 4,67 by July, so 5 more entries
    [EXPLICIT, { month: '2024-07', needed: 5 }],
    // an even path asks perMonth each month: no step of its own
    [PRO_RATA, null],
  ] as const)('the path’s next step with profile %o: %o', (profile, step) => {
    const g = evaluatePlanGoal(spec('EIN_FBW', 'cumulative', 240, { profile }), fbw(), M('2024-06'), OPTIONS);
    expect(g.pace?.total).toBe(138);
    expect(g.pace?.perMonth).toBe(23);
    if (step === null) expect(g.pace?.pathNext).toBeNull();
    else {
      expect(g.pace?.pathNext?.month).toBe(step.month);
      expect(g.pace?.pathNext?.needed).toBe(step.needed);
    }
  });

  test.each([
    // 2023's running sum: Jul 110, Aug 130, …, Nov 230, Dec 240
    [125, { month: '2024-08', needed: 5 }], // ahead of July's path: August is the next step
    [102, { month: '2024-07', needed: 8 }],
    [235, { month: '2024-12', needed: 5 }], // only December's path lies above
    [129.98, { month: '2024-08', needed: 1 }], // August's path 130 is 0,02 above: one more, not "0,0"
    [130, { month: '2024-09', needed: 40 }], // on August's path exactly: September's 170 is next
    [240, null], // plan reached
    [250, null], // plan exceeded
  ] as const)('paceOf with last year’s path, ytd %f in June → %o', (ytd, step) => {
    const { shares } = cumulativeShares(
      LAST_YEAR,
      FBW_2023.map((v) => ({ value: v, missing: [] })),
    );
    const pace = paceOf(240, ytd, 6, { path: shares && { year: 2024, shares } });
    expect(pace?.pathNext?.month ?? null).toBe(step?.month ?? null);
    if (step !== null) expect(pace?.pathNext?.needed).toBe(step.needed);
  });

  test('pace: 250 − 166 = 84 over 3 months = 28; exceeded; none in December', () => {
    // beside it: last year's remaining 60 → 20 a month; the forecast 226 → (226 − 166) / 3 = 20
    expect(paceOf(250, 166, 9, { lastYearRest: 60, forecast: 226 })).toEqual({
      kind: 'plan_remaining',
      total: 84,
      perMonth: 28,
      previousYearPerMonth: 20,
      forecastPerMonth: 20,
      months: 3,
      pathNext: null,
    });
    expect(paceOf(10, 12, 6)).toMatchObject({ total: -2, months: 6, perMonth: 0 });
    expect(paceOf(10, 8, 12)).toBeNull();
  });

  test('a month with no data: keine Daten, naming the month, no forecast or pace', () => {
    const s = withCell(series(M('2023-01'), [...FBW_2023, ...FBW_2024]), M('2024-03'), null);
    const g = evaluatePlanGoal(spec('EIN_FBW', 'cumulative', 240), fbw(s), M('2024-06'), OPTIONS);
    expect(g.status).toBe('no_data');
    expect(g.current.value).toBeNull();
    expect(g.changePct).toBeNull();
    expect(g.missing).toEqual([
      { indicator: 'EIN_FBW', gender: 'total', month: '2024-03', reason: 'missing' },
    ]);
    expect(g.forecast.value).toBeNull();
    expect(g.forecast.status).toBe('no_data');
    expect(g.pace).toBeNull();
  });

  test('entries only in September (BaE): before it no forecast, and the reason says the path asks nothing yet', () => {
    // 2023: two entries in September; 2024 so far: none (January to June).
    const bae = series(M('2023-01'), [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const weights = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
    const g = evaluatePlanGoal(
      spec('EIN_BAE', 'cumulative', 2, {
        tolerancePct: 0,
        bandPct: 60,
        profile: { type: 'explicit', weights },
      }),
      lookupOf({ EIN_BAE: { total: bae } }),
      M('2024-06'),
      OPTIONS,
    );
    expect(g.current.value).toBe(0);
    expect(g.planToDate).toBe(0);
    expect(g.forecast.value).toBeNull();
    expect(g.forecast.reason).toBe('Keine Prognose: laut Planpfad ist bis Juni 2024 noch nichts fällig.');
    // The path wants both places in September, not 2 / 6 = 0,33 each month from July.
    expect(g.pace).toMatchObject({ total: 2, months: 6, pathNext: { month: '2024-09', needed: 2 } });
  });

  test('a path learnt from last year: its months April to June were 0, so nothing to scale either', () => {
    const bae = series(M('2023-01'), [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const g = evaluatePlanGoal(
      spec('EIN_BAE', 'cumulative', 2, { tolerancePct: 0, bandPct: 60, profile: LAST_YEAR }),
      lookupOf({ EIN_BAE: { total: bae } }),
      M('2024-06'),
      OPTIONS,
    );
    expect(g.forecast.value).toBeNull();
    expect(g.forecast.reason).toBe(
      'Keine Prognose: die Vergleichsmonate des Vorjahres (April 2023 bis Juni 2023) sind alle 0.',
    );
  });

  test('a seasonal profile needs all of last year: a suppressed month means keine Daten', () => {
    const s = withCell(series(M('2023-01'), [...FBW_2023, ...FBW_2024]), M('2023-05'), '*');
    const g = evaluatePlanGoal(
      spec('EIN_FBW', 'cumulative', 240, { profile: LAST_YEAR }),
      fbw(s),
      M('2024-06'),
      OPTIONS,
    );
    expect(g.status).toBe('no_data');
    expect(g.missing).toEqual([
      { indicator: 'EIN_FBW', gender: 'total', month: '2023-05', reason: 'suppressed' },
    ]);
  });

  test('pro rata: the forecast follows the even path, 102 / (6/12) = 204 (−15 %, the band edge: verfehlt)', () => {
    // The year so far against the path (102 of 120) carried to the year: 240 × 102 / 120.
    const g = evaluatePlanGoal(spec('EIN_FBW', 'cumulative', 240), fbw(), M('2024-06'), OPTIONS);
    expect(g.forecast.method).toBe('plan_path');
    expect(g.forecast.value).toBeCloseTo(204, 9);
    expect(g.forecast.changePct).toBeCloseTo(-15, 9);
    expect(g.forecast.status).toBe('missed');
    expect(g.forecast.basisMonths).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
    ]);
    expect(g.forecast.reason).toBeNull();
  });

  test('chart points: path, year to date, last year, forecast path', () => {
    const pts = planGoalSeries(
      spec('EIN_FBW', 'cumulative', 240, { profile: LAST_YEAR }),
      fbw(),
      2024,
      M('2024-06'),
      OPTIONS,
    );
    expect(pts[2]?.target).toBe(60); // 240 × 60/240, 2023's running sum
    expect(pts[11]?.forecast).toBeCloseTo(259.5, 9);
    expect(pts[6]?.forecast).toBeCloseTo(102 + 1.125 * 10, 9); // July 2023 was 10
  });

  test('chart points of an even path: the forecast path runs along it, 102 × share(k) / share(6)', () => {
    const pts = planGoalSeries(spec('EIN_FBW', 'cumulative', 240), fbw(), 2024, M('2024-06'), OPTIONS);
    expect(pts).toHaveLength(12);
    expect(pts[2]?.target).toBe(60); // 240 × 3/12
    expect(pts[2]?.atRiskEdge).toBeCloseTo(51, 9); // 60 × (1 − 15 %)
    expect(pts[5]?.current).toBe(102);
    expect(pts[5]?.previous).toBe(100);
    expect(pts[5]?.forecast).toBe(102);
    expect(pts[4]?.forecast).toBeNull();
    expect(pts[6]?.current).toBeNull();
    expect(pts[6]?.forecast).toBeCloseTo(119, 9); // 102 × 7/6
    expect(pts[11]?.forecast).toBeCloseTo(204, 9);
    expect(pts[11]?.previous).toBe(240);
  });
});

describe('EQ grants on an explicit profile (audit finding 3: plan 10, weights 0|0|0|0|0|1|1|3|3|1|1|0)', () => {
  // 2023: 0 0 0 0 1 1 1 4 3 1 1 0; 2024: 0 0 0 0 0 1 1 3 3. One grant a month later than last
  // year: the old yoy3 forecast said 0 in May (0/1 × …) and 6 in June while on the plan path.
  const EQ = [0, 0, 0, 0, 1, 1, 1, 4, 3, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 3, 3];
  const eq = spec('EIN_EQ', 'cumulative', 10, {
    tolerancePct: 10,
    bandPct: 20,
    profile: { type: 'explicit', weights: [0, 0, 0, 0, 0, 1, 1, 3, 3, 1, 1, 0] },
  });
  const lookup = lookupOf({ EIN_EQ: { total: series(M('2023-01'), EQ) } });

  test.each([
    // month, ytd, path = 10 × share(m), forecast = ytd / share(m)
    ['2024-06', 1, 1, 10],
    ['2024-07', 2, 2, 10],
    ['2024-08', 5, 5, 10],
    ['2024-09', 8, 8, 10],
  ] as const)(
    '%s: %f so far on a path of %f → forecast %f, voraussichtlich im Ziel',
    (m, ytd, path, forecast) => {
      const g = evaluatePlanGoal(eq, lookup, M(m), OPTIONS);
      expect(g.current.value).toBe(ytd);
      expect(g.planToDate).toBeCloseTo(path, 9);
      expect(g.status).toBe('met');
      expect(g.forecast.method).toBe('plan_path');
      expect(g.forecast.value).toBeCloseTo(forecast, 9);
      expect(g.forecast.changePct).toBeCloseTo(0, 9);
      expect(g.forecast.status).toBe('met');
    },
  );

  test('May: the path asks nothing yet, so nothing to scale: no forecast, and the card says why', () => {
    const g = evaluatePlanGoal(eq, lookup, M('2024-05'), OPTIONS);
    expect(g.status).toBe('met');
    expect(g.forecast.value).toBeNull();
    expect(g.forecast.status).toBe('no_data');
    expect(g.forecast.reason).toBe('Keine Prognose: laut Planpfad ist bis Mai 2024 noch nichts fällig.');
  });

  test('a grant short in July: 1 of 2 → forecast 5 (−50 %, verfehlt), as the current status says', () => {
    const short = lookupOf({ EIN_EQ: { total: series(M('2023-01'), [...EQ.slice(0, 18), 0, 1]) } });
    const g = evaluatePlanGoal(eq, short, M('2024-07'), OPTIONS);
    expect(g.changePct).toBeCloseTo(-50, 9);
    expect(g.status).toBe('missed');
    expect(g.forecast.value).toBeCloseTo(5, 9);
    expect(g.forecast.status).toBe('missed');
  });

  test('chart points in June: the forecast path follows the profile, 1 × share(k) / share(6)', () => {
    const pts = planGoalSeries(eq, lookup, 2024, M('2024-06'), OPTIONS);
    expect(pts.map((p) => p.forecast)).toEqual([null, null, null, null, null, 1, 2, 5, 8, 9, 10, 10]);
  });
});

describe('budget goal with both sides bad (plan 1.200.000 €, tolerance 5 %, band 10 %)', () => {
  const LAST = Array.from({ length: 12 }, () => 100_000);
  const budget = (spend2024: number[], bind: number | null = null) =>
    lookupOf({
      FBW_IST: { total: series(M('2023-01'), [...LAST, ...spend2024]) },
      ...(bind === null ? {} : { FBW_BIND: { total: series(M('2024-03'), [bind]) } }),
    });
  const fbwBudget = spec('FBW_IST', 'budget', 1_200_000, { better: 'both', commitmentsCode: 'FBW_BIND' });

  test.each([
    // spend Jan..Mar, ytd, deviation from the path 300.000 (pro rata), status
    [[80_000, 90_000, 100_000], 270_000, -10, 'at_risk'], // underspend
    [[120_000, 110_000, 130_000], 360_000, 20, 'missed'], // overspend
    [[100_000, 100_000, 110_000], 310_000, 10 / 3, 'met'],
  ] as const)('%o → ytd %f, deviation %f %%, %s', (spend, ytd, dev, status) => {
    const g = evaluatePlanGoal(fbwBudget, budget([...spend]), M('2024-03'), OPTIONS);
    expect(g.unit).toBe('eur');
    expect(g.better).toBe('both');
    expect(g.current.value).toBe(ytd);
    expect(g.planToDate).toBe(300_000);
    expect(g.changePct).toBeCloseTo(dev, 9);
    expect(g.status).toBe(status);
  });

  test('underspend forecast: 270.000 + 0,9 × 900.000 = 1.080.000 (−10 %, gefährdet); commitments beside', () => {
    const g = evaluatePlanGoal(fbwBudget, budget([80_000, 90_000, 100_000], 450_000), M('2024-03'), OPTIONS);
    expect(g.forecast.value).toBeCloseTo(1_080_000, 6);
    expect(g.forecast.changePct).toBeCloseTo(-10, 9);
    expect(g.forecast.status).toBe('at_risk');
    // last year's remaining 9 × 100.000; the forecast's (1.080.000 − 270.000) / 9 = 90.000
    expect(g.pace).toEqual({
      kind: 'plan_remaining',
      total: 930_000,
      perMonth: 930_000 / 9,
      previousYearPerMonth: 100_000,
      forecastPerMonth: expect.closeTo(90_000, 6),
      months: 9,
      pathNext: null,
    });
    expect(g.commitments).toBe(450_000);
  });

  test.each([
    // spend Jan..Mar → ytd, current status (tolerance 5 % on both sides), forecast = ytd × 4
    // against the plan 1.200.000: above it no tolerance (the plan is the money available), the
    // band of 10 % as for the current status; below it the 5 % tolerance as before.
    [[100_000, 100_000, 110_000], 'met', 1_240_000, 10 / 3, 'at_risk'], // was im Ziel
    [[110_000, 110_000, 110_000], 'at_risk', 1_320_000, 10, 'missed'], // the band edge
    [[100_000, 100_000, 100_000], 'met', 1_200_000, 0, 'met'], // on the plan exactly
    [[95_000, 95_000, 95_000], 'met', 1_140_000, -5, 'met'], // underspend within the tolerance
  ] as const)(
    'budget year end above the plan (audit finding 4): spend %o, now %s, forecast %d (%d %%) %s',
    (spend, current, forecast, dev, status) => {
      const g = evaluatePlanGoal(fbwBudget, budget([...spend]), M('2024-03'), OPTIONS);
      expect(g.status).toBe(current);
      expect(g.forecast.value).toBeCloseTo(forecast, 6);
      expect(g.forecast.changePct).toBeCloseTo(dev, 9);
      expect(g.forecast.status).toBe(status);
    },
  );

  test('an entry goal may end above its plan: its tolerance holds on both sides of `both`', () => {
    const g = evaluatePlanGoal(
      spec('EIN_FBW', 'cumulative', 240, { better: 'both' }),
      fbw(),
      M('2024-06'),
      OPTIONS,
    );
    // 102 against the even path 120 carried to the year: 204, −15 %: the under side decides.
    expect(g.forecast.status).toBe('missed');
    expect(planStatus(3, 'both', 5, 10)).toBe('met');
    expect(planStatus(3, 'both', 5, 10, 0)).toBe('at_risk');
    expect(planStatus(-3, 'both', 5, 10, 0)).toBe('met');
  });

  test('without commitments in the export the field is null', () => {
    const g = evaluatePlanGoal(fbwBudget, budget([80_000, 90_000, 100_000]), M('2024-03'), OPTIONS);
    expect(g.commitments).toBeNull();
  });
});

describe('capacity goal (Aktivcenter, 140 places, tolerance 5 %, band 10 %)', () => {
  const occ = (values: number[]) => lookupOf({ BELEGT_AC: { total: series(M('2024-01'), values) } });
  const ac = spec('BELEGT_AC', 'capacity', 140);

  test.each([
    // occupancy Jan.., month, mean, deviation from 140, status
    [[120, 130, 140, 150], '2024-04', 135, (100 * (135 - 140)) / 140, 'met'],
    [[120, 130], '2024-02', 125, (100 * (125 - 140)) / 140, 'at_risk'],
    [[100], '2024-01', 100, (100 * (100 - 140)) / 140, 'missed'],
  ] as const)('%o at %s: mean %f, deviation %f %%, %s', (values, month, mean, dev, status) => {
    const g = evaluatePlanGoal(ac, occ([...values]), M(month), OPTIONS);
    expect(g.unit).toBe('places');
    expect(g.current.value).toBe(mean);
    expect(g.planToDate).toBe(140);
    expect(g.changePct).toBeCloseTo(dev, 9);
    expect(g.status).toBe(status);
    expect(g.monthly.value).toBe(values.at(-1)); // the latest month's occupancy
    expect(g.pace).toBeNull();
    expect(g.forecast.value).toBeNull();
  });

  test('chart: the path is the planned places every month, current the running mean', () => {
    const pts = planGoalSeries(ac, occ([120, 130, 140, 150]), 2024, M('2024-04'), OPTIONS);
    expect(pts.map((p) => p.target)).toEqual(Array.from({ length: 12 }, () => 140));
    expect(pts.slice(0, 5).map((p) => p.current)).toEqual([120, 125, 130, 135, null]);
  });
});
