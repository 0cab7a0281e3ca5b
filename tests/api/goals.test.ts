import { describe, expect, it } from 'vitest';
import { createGoalService } from '../../server/goals/service.js';
import { backtestResponse, goalsResponse, seriesResponse } from '../../server/http/responses.js';
import { rows, sql } from '../helpers/db.js';
import { getJson, REGION_A, REGION_B, setup } from './fixture.js';

// Figures below are computed by hand from the fixture rules (see fixture.ts).

describe('GET /api/goals', () => {
  it('defaults to the region with most data, the year and month of its latest data month', async () => {
    const ctx = await setup();
    const { status, body } = await getJson(ctx, '/api/goals');
    expect(status).toBe(200);
    const r = goalsResponse.parse(body);
    expect(r.region).toEqual({
      id: REGION_A,
      name: 'Kreis Segeberg',
      kind: 'jobcenter',
      comparisonType: 'IIb',
      sample: false,
      sampleAsOf: null,
    });
    expect(r.year).toBe(2024);
    expect(r.dataMonth).toBe('2024-12');
    expect(r.loadedAt).toBe('2025-01-20T06:00:00.000Z');
    expect(r.dataVersion).toBe('1');
    // 1 May 2025 is before the release day (25th): expected is May − 4 − 1 = December 2024.
    expect(r.expectedMonth).toBe('2024-12');
    expect(r.stale).toBe(false);
    expect(r.goals.map((g) => g.id)).toEqual([
      'K2-total',
      'K2-female',
      'K2-male',
      'K3-total',
      'K3-female',
      'K3-male',
    ]);
  });

  it('computes K2 (JFW) and K3 (mean LZB) for December exactly', async () => {
    const ctx = await setup();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const k2 = r.goals.find((g) => g.id === 'K2-total');
    // JFW 2024(12) = 100 × Σ INT 2024 (23..34 = 342) / mean ELB Dec23..Nov24 ((1120 + 1125..1175) / 12 = 13770/12 = 1147.5)
    expect(k2?.current).toEqual({ month: '2024-12', value: 34200 / 1147.5 });
    // JFW 2023(12) = 100 × Σ 21..32 (318) / mean(1000, 1010..1110) = 31800 / (12660/12 = 1055)
    expect(k2?.previous.month).toBe('2023-12');
    expect(k2?.previous.value).toBeCloseTo(31800 / 1055, 12);
    // change = 100 × (29.8039.. / 30.1422.. − 1) = −1.1222 %: short of −0.4 % by 0.72 < band 1.0 → at risk
    const change = 100 * (34200 / 1147.5 / (31800 / 1055) - 1);
    expect(k2?.changePct).toBeCloseTo(change, 10);
    expect(k2?.changePct).toBeCloseTo(-1.12224, 4);
    expect(k2?.status).toBe('at_risk');
    expect(k2?.targetChangePct).toBe(-0.4);
    expect(k2?.better).toBe('higher');
    expect(k2?.label).toBe('Integrationsquote insgesamt');
    // In December the forecast is the actual value; no interval, no pace.
    expect(k2?.forecast.value).toBeCloseTo(k2?.current.value ?? Number.NaN, 12);
    expect(k2?.forecast.status).toBe('at_risk');
    expect(k2?.forecast.interval).toBeNull();
    expect(k2?.pace).toBeNull();

    const k3 = r.goals.find((g) => g.id === 'K3-total');
    // mean LZB 2024 = mean(629..618) = 623.5; 2023 = mean(602..624) = 613; change = 100 × 10.5/613 = 1.7129 % ≤ 6.0 → met
    expect(k3?.current.value).toBe(623.5);
    expect(k3?.previous.value).toBe(613);
    expect(k3?.changePct).toBeCloseTo((100 * 10.5) / 613, 10);
    expect(k3?.status).toBe('met');
    // The month's own figure: LZB Dec 2024 = 618, against Dec 2023 = 624: 100 × (618/624 − 1)
    expect(k3?.monthly.value).toBe(618);
    expect(k3?.monthly.changePct).toBeCloseTo(100 * (618 / 624 - 1), 10);

    const k2f = r.goals.find((g) => g.id === 'K2-female');
    // 2024: 100 × 210 / (6852/12 = 571); 2023: 100 × 198 / (6330/12 = 527.5); change −2.019 % vs +1.1 → missed
    expect(k2f?.current.value).toBeCloseTo(21000 / 571, 10);
    expect(k2f?.previous.value).toBeCloseTo(19800 / 527.5, 10);
    expect(k2f?.changePct).toBeCloseTo(100 * (21000 / 571 / (19800 / 527.5) - 1), 10);
    expect(k2f?.status).toBe('missed');
  });

  it('says which month is missing when a value is suppressed', async () => {
    const ctx = await setup();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const k2m = r.goals.find((g) => g.id === 'K2-male');
    expect(k2m?.status).toBe('no_data');
    expect(k2m?.changePct).toBeNull();
    expect(k2m?.missing).toContainEqual({
      indicator: 'INT',
      gender: 'male',
      month: '2024-02',
      reason: 'suppressed',
    });
  });

  it('shows the state as it stood at an earlier data month, with the published BA figures compared', async () => {
    const ctx = await setup();
    const r = goalsResponse.parse((await getJson(ctx, `/api/goals?region=${REGION_A}&month=2024-03`)).body);
    expect(r.dataMonth).toBe('2024-03');
    expect(r.year).toBe(2024);
    const k2 = r.goals.find((g) => g.id === 'K2-total');
    // JFW 2024(3) = 100 × (23+24+25) / mean(1120, 1125, 1130) = 7200 / 1125 = 6.4
    expect(k2?.current.value).toBe(6.4);
    // JFW 2023(3) = 100 × (21+22+23) / mean(1000, 1010, 1020) = 6600 / 1010
    expect(k2?.previous.value).toBeCloseTo(6600 / 1010, 12);
    // change = 100 × (6.4 × 1010 / 6600 − 1) = 100 × (6464/6600 − 1) = −2.0606 % → missed (band 1.0)
    expect(k2?.changePct).toBeCloseTo(100 * (6464 / 6600 - 1), 10);
    expect(k2?.status).toBe('missed');
    // Forecast (yoy3): r_INT = (23+24+25)/(21+22+23) = 72/66, r_ELB = (1125+1130+1135)/(1010+1020+1030);
    // INT Apr..Dec = (24..32 = 252) × r_INT, ELB Apr..Nov = (1040..1110 = 8600) × r_ELB.
    const meanElb = (1120 + 1125 + 1130 + 1135 + (8600 * 3390) / 3060) / 12;
    const jfwDec = (100 * (72 + (252 * 72) / 66)) / meanElb;
    expect(k2?.forecast.value).toBeCloseTo(jfwDec, 10);
    expect(k2?.forecast.changePct).toBeCloseTo(100 * (jfwDec / (31800 / 1055) - 1), 10);
    expect(k2?.forecast.basisMonths).toEqual(['2024-01', '2024-02', '2024-03']);
    // One region, one complete year: too little history for an interval.
    expect(k2?.forecast.interval).toBeNull();
    expect(k2?.forecast.reason).toContain('zu wenig Historie');
    // Pace: target JFW = JFW2023(12) × (1 − 0.4 %); needed = target / 100 × meanElb − 72 over 9 months.
    const needed = (((31800 / 1055) * 0.996) / 100) * meanElb - 72;
    expect(k2?.pace?.kind).toBe('integrations_needed');
    expect(k2?.pace?.total).toBeCloseTo(needed, 9);
    expect(k2?.pace?.perMonth).toBeCloseTo(needed / 9, 9);
    expect(k2?.pace?.previousYearPerMonth).toBeCloseTo(252 / 9, 12);
    // Drivers: integrations 72/66 − 1, ELB mean(1120,1125,1130)/mean(1000,1010,1020) − 1.
    expect(k2?.drivers).toEqual({
      numeratorChangePct: expect.closeTo(100 * (72 / 66 - 1), 10),
      denominatorChangePct: expect.closeTo(100 * (3375 / 3030 - 1), 10),
    });
    // 12-month K2 of March 2024: Σ INT Apr23..Mar24 = (24..32 = 252) + 72 = 324;
    // mean ELB Mar23..Feb24 = (1030..1120 = 10750 + 1125 + 1130) / 12 = 1083.75 → 29.8962 %
    expect(k2?.monthly.value).toBeCloseTo(32400 / 1083.75, 10);
    // Published 29.9 vs 29.8962: within half a unit of the last decimal → not a difference.
    expect(k2?.published).toEqual({ value: 29.9, computed: k2?.monthly.value, differs: false });
    const k3 = r.goals.find((g) => g.id === 'K3-total');
    // K3 published 5.0 vs LZB Mar24 / Mar23 = 627/606: 100 × 21/606 = 3.4653 % → differs
    expect(k3?.published?.value).toBe(5);
    expect(k3?.published?.computed).toBeCloseTo((100 * 21) / 606, 10);
    expect(k3?.published?.differs).toBe(true);
    // No published figure for the female goals.
    expect(r.goals.find((g) => g.id === 'K2-female')?.published).toBeNull();
  });

  it('takes the latest data month within an asked year, and a year without data evaluates to no_data', async () => {
    const ctx = await setup();
    const y2024 = goalsResponse.parse((await getJson(ctx, '/api/goals?year=2024')).body);
    expect(y2024.dataMonth).toBe('2024-12');
    const y2025 = goalsResponse.parse((await getJson(ctx, '/api/goals?year=2025')).body);
    expect(y2025.dataMonth).toBeNull();
    expect(y2025.goals).toEqual([]); // no targets for 2025 in the fixture
  });

  it('answers 400 naming the parameter for bad input, 404 for an unknown region', async () => {
    const ctx = await setup();
    const cases: [string, RegExp][] = [
      ['/api/goals?year=24', /year/],
      ['/api/goals?month=2024-13', /month/],
      ['/api/goals?month=June', /month/],
      // The years the API answers for: a month outside them names nothing it holds.
      ['/api/goals?month=0000-01', /month: must be a month from 2000-01 to 2100-12/],
      ['/api/goals?month=9999-12', /month: must be a month from 2000-01 to 2100-12/],
      ['/api/goals?region=%27%3B%20drop%20table%20observations%3B--', /region/],
      ['/api/goals?year=2023&month=2024-03', /month 2024-03 does not lie in year 2023/],
    ];
    for (const [path, reason] of cases) {
      const { status, body } = await getJson(ctx, path);
      expect(status, path).toBe(400);
      expect(body).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(reason) } });
    }
    const { status, body } = await getJson(ctx, '/api/goals?region=12345');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'region_not_found', message: 'Unknown region: 12345' } });
  });

  it('marks stale data against today for real data and against the as-of month for sample data', async () => {
    // 26 May 2025: on/after the release day, so January 2025 is expected; data end in December.
    const late = await setup({ now: '2025-05-26T10:00:00Z' });
    const r = goalsResponse.parse((await getJson(late, '/api/goals')).body);
    expect(r.expectedMonth).toBe('2025-01');
    expect(r.stale).toBe(true);

    const sample = await setup({ now: '2030-01-01T00:00:00Z' });
    await rows(
      sample.db,
      sql`update regions set sample = 1, sample_as_of = '2024-12' where id = ${REGION_A}`,
    );
    const s = goalsResponse.parse((await getJson(sample, '/api/goals')).body);
    expect(s.region.sample).toBe(true);
    expect(s.region.sampleAsOf).toBe('2024-12');
    expect(s.expectedMonth).toBe('2024-12');
    expect(s.stale).toBe(false); // 2030 does not make the sample stale
  });

  it('turns stale when the calendar passes the release day, without any import', async () => {
    const ctx = await setup();
    let now = new Date('2025-05-24T10:00:00Z'); // before the 25th: December 2024 is expected
    const goals = createGoalService({ db: ctx.db, config: ctx.deps.config, clock: () => now });
    const before = await goals.getGoals({});
    expect(before.expectedMonth).toBe('2024-12');
    expect(before.stale).toBe(false);
    now = new Date('2025-05-26T10:00:00Z'); // the May release (January 2025) is now due
    const after = await goals.getGoals({});
    expect(after.dataVersion).toBe(before.dataVersion);
    expect(after.expectedMonth).toBe('2025-01');
    expect(after.stale).toBe(true);
  });

  it('serves another region by key', async () => {
    const ctx = await setup();
    const r = goalsResponse.parse((await getJson(ctx, `/api/goals?region=${REGION_B}`)).body);
    expect(r.goals).toHaveLength(1);
    // Flat data: JFW 2024 = JFW 2023 → change 0 % vs target +1.0 % (higher) → short by 1.0 = band → missed
    expect(r.goals[0]?.changePct).toBe(0);
    expect(r.goals[0]?.status).toBe('missed');
  });
});

describe('GET /api/goals/:id/series', () => {
  it('returns the 12 monthly points with target path, band edge, forecast and revised months', async () => {
    const ctx = await setup();
    const { status, body } = await getJson(ctx, '/api/goals/K2-total/series?month=2024-03');
    expect(status).toBe(200);
    const r = seriesResponse.parse(body);
    expect(r.goal.id).toBe('K2-total');
    expect(r.dataMonth).toBe('2024-03');
    expect(r.points.map((p) => p.month)).toEqual(
      Array.from({ length: 12 }, (_, k) => `2024-${String(k + 1).padStart(2, '0')}`),
    );
    const mar = r.points[2];
    expect(mar?.current).toBe(6.4);
    const prevMar = 6600 / 1010;
    expect(mar?.previous).toBeCloseTo(prevMar, 12);
    // target path: previous × (1 − 0.4 %); band edge: previous × (1 − 1.4 %)
    expect(mar?.target).toBeCloseTo(prevMar * 0.996, 12);
    expect(mar?.atRiskEdge).toBeCloseTo(prevMar * 0.986, 12);
    expect(mar?.forecast).toBeCloseTo(6.4, 12); // at the data month: the current value
    const jun = r.points[5];
    expect(jun?.current).toBeNull();
    // JFW 2023(6) = 100 × (21..26 = 141) / mean(1000, 1010..1050) = 14100 / (6150/6 = 1025)
    const prevJun = 14100 / 1025;
    expect(jun?.previous).toBeCloseTo(prevJun, 12);
    // Forecast path at June: INT Jan..Mar + Apr..Jun 2023 (24+25+26) × 72/66 over
    // ELB Dec 2023..Feb 2024 + Mar 2024 actual + Apr..May 2023 (1040 + 1050) × 3390/3060.
    const elbJun = (1120 + 1125 + 1130 + 1135 + ((1040 + 1050) * 3390) / 3060) / 6;
    expect(jun?.forecast).toBeCloseTo((100 * (72 + (75 * 72) / 66)) / elbJun, 10);
    expect(r.points[0]?.forecast).toBeNull();
    // INT total Feb 2024 was revised.
    expect(r.points.filter((p) => p.revised).map((p) => p.month)).toEqual(['2024-02']);
  });

  it('answers 404 for an unknown goal and 400 for a malformed id', async () => {
    const ctx = await setup();
    const unknown = await getJson(ctx, '/api/goals/K9-total/series');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'goal_not_found' } });
    const bad = await getJson(ctx, '/api/goals/..%2F..%2Fetc/series');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/id/) } });
  });
});

describe('GET /api/goals/:id/backtest', () => {
  it('reports by origin month the MAE of the forecast and of the naive baseline', async () => {
    const ctx = await setup();
    const { status, body } = await getJson(ctx, '/api/goals/K2-total/backtest?region=01060&year=2024');
    expect(status).toBe(200);
    const r = backtestResponse.parse(body);
    expect(r.goal).toMatchObject({ id: 'K2-total', indicator: 'K2', gender: 'total' });
    expect(r.method).toBe('yoy3');
    expect(r.minErrors).toBe(10);
    expect(r.pool).toEqual({ sample: false, regions: 2 });
    expect(r.rows.map((row) => row.originMonth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Origin March 2024: region A (figures as in the March test above) and region B (constant
    // series: actual, forecast and naive change all 0).
    const prevDec = 31800 / 1055;
    const actual = 100 * (34200 / 1147.5 / prevDec - 1);
    const meanElb = (1120 + 1125 + 1130 + 1135 + (8600 * 3390) / 3060) / 12;
    const forecast = 100 * ((100 * (72 + (252 * 72) / 66)) / meanElb / prevDec - 1);
    const naive = 100 * (6464 / 6600 - 1);
    const mar = r.rows[2];
    expect(mar?.cases).toBe(2);
    expect(mar?.maeForecast).toBeCloseTo(Math.abs(actual - forecast) / 2, 10);
    expect(mar?.maeNaive).toBeCloseTo(Math.abs(actual - naive) / 2, 10);
    // Two cases in all: one other error is fewer than 10, so no interval to cover.
    expect(mar?.covered).toBe(0);
    expect(mar?.coverage).toBeNull();
    // Nor from other years: one backtest year in all.
    expect(r.minYears).toBe(3);
    expect(mar?.yearCovered).toBe(0);
    expect(mar?.yearCoverage).toBeNull();
    // The region's own rows: region A's single case.
    const own = r.regionRows[2];
    expect(own?.cases).toBe(1);
    expect(own?.maeForecast).toBeCloseTo(Math.abs(actual - forecast), 10);
    expect(own?.maeNaive).toBeCloseTo(Math.abs(actual - naive), 10);
  });

  it('answers 404 for an unknown goal and 400 for a bad query', async () => {
    const ctx = await setup();
    expect((await getJson(ctx, '/api/goals/K9-total/backtest')).status).toBe(404);
    const bad = await getJson(ctx, '/api/goals/K2-total/backtest?year=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
  });
});
