/**
 * The backtest of the whole database, computed once per data version (it reads every region and
 * runs the forecast for every past year and origin month: seconds for a national load, far too
 * much per request). Regions are processed one at a time with a yield to the event loop between
 * them, so requests keep being answered while it runs.
 *
 * Sample regions and real regions are pooled apart: synthetic history must not set the interval
 * of real figures, nor the other way round.
 */

import type { Kysely } from 'kysely';
import { month } from '../../core/months.js';
import { GENDERS } from '../../core/vocabulary.js';
import { listIndicators } from '../db/repositories/indicators.js';
import { readRegionWindow } from '../db/repositories/observations.js';
import { listAllRegions } from '../db/repositories/regions.js';
import type { Database } from '../db/schema.js';
import { type BacktestCase, backtestRegion, type ErrorPool, errorPool } from '../domain/backtest.js';
import { goalId } from '../domain/goals.js';
import type { QuantitySpec } from '../domain/quantity.js';
import type { ForecastHistory } from '../domain/steering.js';
import { buildRegionSeries } from './region-data.js';

export interface BacktestPools {
  sample: ErrorPool;
  real: ErrorPool;
  /** How many regions went into each pool. */
  regions: { sample: number; real: number };
}

export interface BacktestCache {
  /** The pools of data version `version` (computed on first use, then kept until it moves on). */
  pools(version: string): Promise<BacktestPools>;
}

/** Every month a region can have. */
const ALL = { from: month('0000-01'), to: month('9999-12') };

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every backtest case of the database, pooled by sample flag. */
export async function computeBacktestPools(db: Kysely<Database>): Promise<BacktestPools> {
  const [indicators, regions] = await Promise.all([listIndicators(db), listAllRegions(db)]);
  const specs: QuantitySpec[] = [];
  for (const indicator of indicators) {
    if (indicator.formula !== 'rate' && indicator.formula !== 'stock') continue;
    for (const gender of GENDERS) specs.push({ id: goalId(indicator.code, gender), indicator, gender });
  }
  const cases: { sample: BacktestCase[]; real: BacktestCase[] } = { sample: [], real: [] };
  const counts = { sample: 0, real: 0 };
  for (const region of regions) {
    // The whole history of the region: every past year is a backtest year.
    const series = buildRegionSeries(await readRegionWindow(db, region.id, ALL.from, ALL.to));
    const years = [...new Set(series.months.map((m) => Number(m.slice(0, 4))))];
    const kind = region.sample === 1 ? 'sample' : 'real';
    counts[kind]++;
    for (const c of backtestRegion(region.id, specs, series.lookup, years)) cases[kind].push(c);
    await yieldToLoop();
  }
  return { sample: errorPool(cases.sample), real: errorPool(cases.real), regions: counts };
}

/**
 * The errors a goal's interval is built from: the pool of its kind of region (sample or real),
 * without the goal's own year.
 */
export function historyFor(pools: BacktestPools, sample: boolean, year: number): ForecastHistory {
  const pool = sample ? pools.sample : pools.real;
  return (indicator, gender, originMonth) => pool.errors(indicator, gender, originMonth, year);
}

export function createBacktestCache(db: Kysely<Database>): BacktestCache {
  let cached: { version: string; pools: Promise<BacktestPools> } | null = null;
  return {
    pools(version) {
      if (cached?.version !== version) {
        const pools = computeBacktestPools(db);
        cached = { version, pools };
        pools.catch(() => {
          if (cached?.pools === pools) cached = null;
        });
      }
      return cached.pools;
    },
  };
}
