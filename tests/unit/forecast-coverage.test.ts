/**
 * Acceptance of issue 12 on the national bench data (bench/api-data.ts, 404 regions, 808
 * region-years; noise process documented in bench/forecast.ts): the 80 % interval of the yoy3
 * forecast holds the actual December change in 80 % ± 7 % of the backtest cases of every origin
 * month, and the report of every goal has cases in every origin month.
 */
import { expect, test } from 'vitest';
import { benchForecast } from '../../bench/forecast.js';

test('80 % interval covers 80 % ± 7 % of the backtest cases per origin month', async () => {
  const r = await benchForecast();
  expect(r.regions).toBe(404);
  expect(r.regionYears).toBeGreaterThanOrEqual(200);
  expect(r.rows.map((row) => row.originMonth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  for (const row of r.rows) {
    expect(row.covered).toBeGreaterThanOrEqual(200);
    expect(Math.abs(row.coverage - 0.8)).toBeLessThanOrEqual(0.07);
    expect(Math.abs(row.minGoalCoverage - 0.8)).toBeLessThanOrEqual(0.07);
    expect(Math.abs(row.maxGoalCoverage - 0.8)).toBeLessThanOrEqual(0.07);
  }
  expect(r.ok).toBe(true);
}, 60_000);
