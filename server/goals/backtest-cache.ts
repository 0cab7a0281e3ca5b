/**
 * The backtest of the whole database, computed once per data version and stored
 * (`backtest_cases`): it reads every region and runs the forecast for every past year and origin
 * month, seconds for a national load, far too much per request or per server start. The first
 * process that needs the pools of a new version computes them (one region at a time, yielding to
 * the event loop between regions, writing the cases in chunks under its own build key) and
 * publishes the build in `meta.backtest_build`; every later process reads them. In memory a
 * server keeps only the errors (8 bytes + a 2-byte year per case); the report reads the cases it
 * needs from the table. A stored build is checked against this code by recomputing one region:
 * a deployment that changed the forecast without bumping BACKTEST_FORMAT is rebuilt.
 *
 * Sample regions and real regions are pooled apart: synthetic history must not set the interval
 * of real figures, nor the other way round.
 */

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { month } from '../../core/months.js';
import { GENDERS } from '../../core/vocabulary.js';
import {
  deleteBacktestBuild,
  insertBacktestPools,
  publishBacktestBuild,
  readBacktestBuild,
  readBacktestErrors,
  readBacktestPool,
  type StoredPool,
  type StoredPoolErrors,
} from '../db/repositories/backtest-pools.js';
import { listIndicators } from '../db/repositories/indicators.js';
import { backtestBaseOf, getDataVersion } from '../db/repositories/meta.js';
import { readRegionWindow } from '../db/repositories/observations.js';
import { listAllRegions } from '../db/repositories/regions.js';
import type { Database, Region } from '../db/schema.js';
import { yieldToLoop } from '../db/yield.js';
import {
  type BacktestCase,
  backtestRegion,
  type CasePool,
  type ErrorPool,
  errorPool,
  errorPoolOf,
} from '../domain/backtest.js';
import { goalId } from '../domain/goals.js';
import type { QuantitySpec } from '../domain/quantity.js';
import type { ForecastHistory } from '../domain/steering.js';
import type { Gender } from '../domain/types.js';
import { buildRegionSeries } from './region-data.js';

/** Version of the backtest's rules (forecast method, cases); part of the build key. */
export const BACKTEST_FORMAT = '1';

export interface BacktestPools {
  sample: ErrorPool;
  real: ErrorPool;
  /** How many regions went into each pool. */
  regions: { sample: number; real: number };
}

/** The pools with every case kept (the report; `computeBacktestPools`). */
export interface BacktestCasePools extends BacktestPools {
  sample: CasePool;
  real: CasePool;
}

export interface BacktestCache {
  /** The pools of data version `version` (read or computed on first use, then kept). */
  pools(version: string): Promise<BacktestPools>;
  /** One pool with its cases (sample or real, one indicator and gender), for the report. */
  casePool(version: string, sample: boolean, indicator: string, gender: Gender): Promise<CasePool>;
}

/** Every month a region can have. */
const ALL = { from: month('0000-01'), to: month('9999-12') };

/** The quantities the backtest runs for: every rate and stock indicator, every gender. */
async function backtestSpecs(db: Kysely<Database>): Promise<QuantitySpec[]> {
  const specs: QuantitySpec[] = [];
  for (const indicator of await listIndicators(db)) {
    if (indicator.formula !== 'rate' && indicator.formula !== 'stock') continue;
    for (const gender of GENDERS) specs.push({ id: goalId(indicator.code, gender), indicator, gender });
  }
  return specs;
}

/** One region's cases, from its whole history: every past year is a backtest year. */
async function regionCases(
  db: Kysely<Database>,
  regionId: string,
  specs: readonly QuantitySpec[],
): Promise<BacktestCase[]> {
  const series = buildRegionSeries(await readRegionWindow(db, regionId, ALL.from, ALL.to));
  const years = [...new Set(series.months.map((m) => Number(m.slice(0, 4))))];
  return backtestRegion(regionId, specs, series.lookup, years);
}

const kindOf = (region: Region) => (region.sample === 1 ? 'sample' : 'real');

function regionCounts(regions: readonly Region[]): BacktestPools['regions'] {
  const counts = { sample: 0, real: 0 };
  for (const r of regions) counts[kindOf(r)]++;
  return counts;
}

/** Every backtest case of the database with the cases kept, pooled by sample flag (not stored). */
export async function computeBacktestPools(db: Kysely<Database>): Promise<BacktestCasePools> {
  const [specs, regions] = await Promise.all([backtestSpecs(db), listAllRegions(db)]);
  const cases: { sample: BacktestCase[]; real: BacktestCase[] } = { sample: [], real: [] };
  for (const region of regions) {
    for (const c of await regionCases(db, region.id, specs)) cases[kindOf(region)].push(c);
    await yieldToLoop();
  }
  return { sample: errorPool(cases.sample), real: errorPool(cases.real), regions: regionCounts(regions) };
}

/** Collects the cases of one kind of region per key, in the order they are computed. */
class PoolCollector {
  readonly pools = new Map<string, StoredPool>();
  constructor(readonly sample: boolean) {}

  add(c: BacktestCase): void {
    const key = `${c.indicator}|${c.gender}|${c.originMonth}`;
    let p = this.pools.get(key);
    if (!p) {
      p = {
        sample: this.sample,
        indicator: c.indicator,
        gender: c.gender,
        originMonth: c.originMonth,
        years: [],
        errors: [],
        regions: [],
        actual: [],
        forecast: [],
        naive: [],
      };
      this.pools.set(key, p);
    }
    p.years.push(c.year);
    p.errors.push(c.actualPct - c.forecastPct);
    p.regions.push(c.region);
    p.actual.push(c.actualPct);
    p.forecast.push(c.forecastPct);
    p.naive.push(c.naivePct);
  }
}

/** JSON keeps every finite double exactly; anything else cannot be stored. */
const storable = (pools: Iterable<StoredPool>) => {
  for (const p of pools) {
    for (const xs of [p.actual, p.forecast, p.naive, p.errors]) if (!xs.every(Number.isFinite)) return false;
  }
  return true;
};

/**
 * Computes the pools of the current data (labelled `version`) and stores them under a new build
 * key, published when the data version is still `version` and no other build of it was published
 * meanwhile. Only the errors stay in memory afterwards.
 */
async function buildAndStore(
  db: Kysely<Database>,
  /** The backtest base of the data version asked for (`backtestBaseOf`). */
  version: string,
  /** The stored build of `version` this one replaces (one found invalid), '' when none. */
  replacing = '',
): Promise<BacktestPools> {
  const [specs, regions] = await Promise.all([backtestSpecs(db), listAllRegions(db)]);
  const collectors = { sample: new PoolCollector(true), real: new PoolCollector(false) };
  for (const region of regions) {
    const collector = collectors[kindOf(region)];
    for (const c of await regionCases(db, region.id, specs)) collector.add(c);
    await yieldToLoop();
  }
  const all = [...collectors.sample.pools.values(), ...collectors.real.pools.values()];
  if (storable(all)) {
    const buildKey = `${version}:${BACKTEST_FORMAT}:${randomUUID()}`;
    // Not stored (a read-only database, a lock held too long): the pools still serve this process.
    await store(db, { version, buildKey, replacing }, all).catch(() =>
      deleteBacktestBuild(db, buildKey).catch(() => {}),
    );
  }
  return poolsOf(all, regions);
}

function poolsOf(all: readonly StoredPoolErrors[], regions: readonly Region[]): BacktestPools {
  return {
    sample: errorPoolOf(all.filter((p) => p.sample)),
    real: errorPoolOf(all.filter((p) => !p.sample)),
    regions: regionCounts(regions),
  };
}

async function store(
  db: Kysely<Database>,
  { version, buildKey, replacing }: { version: string; buildKey: string; replacing: string },
  pools: readonly StoredPool[],
): Promise<void> {
  await insertBacktestPools(db, buildKey, pools);
  const published = await db.transaction().execute(async (trx) => {
    // Published while the data it was computed from are current (a target change since keeps them).
    if ((await backtestBaseOf(trx, await getDataVersion(trx))) !== version) return false;
    // Another process published a build of this version first: its cases are the same.
    const current = await readBacktestBuild(trx);
    if (current !== replacing && current.startsWith(`${version}:${BACKTEST_FORMAT}:`)) return false;
    await publishBacktestBuild(trx, buildKey);
    return true;
  });
  if (!published) await deleteBacktestBuild(db, buildKey);
}

/** The stored build of base `base` made by this code's rules ('' when there is none). */
async function storedBuild(db: Kysely<Database>, base: string): Promise<string> {
  const build = await readBacktestBuild(db);
  return build.startsWith(`${base}:${BACKTEST_FORMAT}:`) ? build : '';
}

/**
 * True when this code computes what is stored for one region (the first with cases, whose cases
 * open every pool): stored builds from code with other forecast rules are not served.
 */
async function storedBuildValid(
  db: Kysely<Database>,
  stored: readonly StoredPoolErrors[],
  regions: readonly Region[],
): Promise<boolean> {
  const specs = await backtestSpecs(db);
  for (const region of regions) {
    await yieldToLoop();
    const collector = new PoolCollector(region.sample === 1);
    for (const c of await regionCases(db, region.id, specs)) collector.add(c);
    if (collector.pools.size === 0) continue;
    const ofKind = new Map(
      stored
        .filter((p) => p.sample === collector.sample)
        .map((p) => [`${p.indicator}|${p.gender}|${p.originMonth}`, p]),
    );
    // The region's cases open each of its pools (regions are computed in the same order).
    return [...collector.pools].every(([key, mine]) => {
      const p = ofKind.get(key);
      return (
        p !== undefined && mine.errors.every((e, i) => e === p.errors[i] && mine.years[i] === p.years[i])
      );
    });
  }
  return stored.length === 0;
}

/**
 * The pools of data version `version`: the stored build of its base (itself, or the version before
 * a change of targets only) when there is a valid one, else computed and stored.
 */
export async function obtainBacktestPools(
  db: Kysely<Database>,
  version: string,
  base?: string,
): Promise<BacktestPools> {
  const of = base ?? (await backtestBaseOf(db, version));
  const build = await storedBuild(db, of);
  if (build !== '') {
    const [stored, regions] = await Promise.all([readBacktestErrors(db, build), listAllRegions(db)]);
    if (await storedBuildValid(db, stored, regions)) return poolsOf(stored, regions);
  }
  return buildAndStore(db, of, build);
}

/** One pool with its cases, from the stored build of `version` (computed when there is none). */
async function readCasePool(
  db: Kysely<Database>,
  version: string,
  sample: boolean,
  indicator: string,
  gender: Gender,
): Promise<CasePool> {
  const build = await storedBuild(db, await backtestBaseOf(db, version));
  if (build === '') {
    const pools = await computeBacktestPools(db);
    return sample ? pools.sample : pools.real;
  }
  const cases: BacktestCase[] = [];
  for (const p of await readBacktestPool(db, build, { sample, indicator, gender })) {
    for (const [i, year] of p.years.entries()) {
      cases.push({
        region: p.regions[i] ?? '',
        year,
        originMonth: p.originMonth,
        indicator,
        gender,
        actualPct: p.actual[i] ?? Number.NaN,
        forecastPct: p.forecast[i] ?? Number.NaN,
        naivePct: p.naive[i] ?? Number.NaN,
      });
    }
  }
  return errorPool(cases);
}

/**
 * The errors a goal's interval is built from: the pool of its kind of region (sample or real),
 * without the goal's own year.
 */
export function historyFor(pools: BacktestPools, sample: boolean, year: number): ForecastHistory {
  const pool = sample ? pools.sample : pools.real;
  return (indicator, gender, originMonth) => pool.pooled(indicator, gender, originMonth, year);
}

/** Report pools kept per version (each one indicator and gender with its cases). */
const CASE_POOLS = 4;

export function createBacktestCache(db: Kysely<Database>): BacktestCache {
  /** A later version on the same backtest base (a change of targets only) keeps the pools. */
  let cached: { version: string; base: Promise<string>; pools: Promise<BacktestPools> } | null = null;
  let reports: { version: string; pools: Map<string, Promise<CasePool>> } | null = null;
  return {
    pools(version) {
      if (cached?.version !== version) {
        const previous = cached;
        const base = backtestBaseOf(db, version);
        const pools = base.then(async (b) =>
          previous !== null && (await previous.base.catch(() => null)) === b
            ? previous.pools
            : obtainBacktestPools(db, version, b),
        );
        cached = { version, base, pools };
        pools.catch(() => {
          if (cached?.pools === pools) cached = null;
        });
      }
      return cached.pools;
    },
    async casePool(version, sample, indicator, gender) {
      // The pools first: they store the build the cases are read from.
      await this.pools(version);
      if (reports?.version !== version) reports = { version, pools: new Map() };
      const map = reports.pools;
      const key = `${sample}|${indicator}|${gender}`;
      let p = map.get(key);
      if (!p) {
        p = readCasePool(db, version, sample, indicator, gender);
        if (map.size >= CASE_POOLS) map.delete(map.keys().next().value ?? '');
        map.set(key, p);
        const made = p;
        made.catch(() => {
          if (map.get(key) === made) map.delete(key);
        });
      }
      return p;
    },
  };
}
