/**
 * What is computed once per data version for every region, stored in the database and served
 * from there, so that a fresh server's first request is a read, not a computation:
 * - the region summaries (how much data, latest data month: /api/regions, the default period);
 * - every region's goals at its latest data month (`computeRegionGoals`).
 * Built at import time (the ETL's afterImport) or by the first server that finds them outdated,
 * written in one transaction only when the data version is still the one they were built from.
 * See docs/decisions/003-goal-precompute.md.
 */

import type { Kysely } from 'kysely';
import { yearOf } from '../../core/months.js';
import {
  type GoalSnapshotRow,
  hasGoalSnapshots,
  readGoalSnapshot,
  replaceGoalSnapshots,
} from '../db/repositories/goal-snapshots.js';
import { getDataVersion } from '../db/repositories/meta.js';
import { readRegionWindow } from '../db/repositories/observations.js';
import {
  aggregateRegionSummaries,
  type RegionSummary,
  readRegionSummaries,
  replaceRegionSummaries,
} from '../db/repositories/region-summaries.js';
import type { Database } from '../db/schema.js';
import { yieldToLoop } from '../db/yield.js';
import type { GoalEvaluation, GoalOptions, Month } from '../domain/types.js';
import { type BacktestPools, historyFor, obtainBacktestPools } from './backtest-cache.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { computeRegionGoals, GOAL_FORMAT } from './compute.js';
import { goalWindow } from './period.js';
import { buildRegionSeries, DATA_MONTH_CODES, type RegionSeries } from './region-data.js';

export interface Derived {
  version: string;
  /** Key of the stored goal snapshots (data version, goal format, at-risk band). */
  key: string;
  summaries: ReadonlyMap<string, RegionSummary>;
  /**
   * Resolves to whether the stored goal snapshots of `key` may be served: true once they passed
   * the start-up check (`snapshotsValid`), false when they are missing or failed it. Requests do
   * not serve a stored snapshot before this says so: a deployment that changed the goal rules
   * must not answer with the old rules' goals even for the first few requests.
   */
  storedGoals: Promise<boolean>;
  /** Set when the build could not be stored (the caller may log it). */
  storeError?: unknown;
}

export function snapshotKey(version: string, options: GoalOptions): string {
  return `${version}:${GOAL_FORMAT}:${options.atRiskBandPct}`;
}

/** The series of a region for the goals of `year` (the months of `goalWindow`). */
export async function readGoalSeries(
  db: Kysely<Database>,
  regionId: string,
  year: number,
): Promise<RegionSeries> {
  const { from, to } = goalWindow(year);
  return buildRegionSeries(await readRegionWindow(db, regionId, from, to));
}

/** A region's goals at its latest data month, computed from the database. */
async function computeLatest(
  db: Kysely<Database>,
  catalog: Catalog,
  regionId: string,
  latest: Month,
  options: GoalOptions,
  pools: BacktestPools,
): Promise<GoalEvaluation[]> {
  const year = yearOf(latest);
  const [series, specs, planSpecs] = await Promise.all([
    readGoalSeries(db, regionId, year),
    catalog.specs(regionId, year),
    catalog.planSpecs(regionId, year),
  ]);
  return computeRegionGoals({
    specs,
    planSpecs,
    defs: catalog.defs,
    lookup: series.lookup,
    year,
    dataMonth: latest,
    options,
    history: historyFor(pools, catalog.regions.get(regionId)?.sample === 1, year),
  });
}

/**
 * Stored snapshots were computed by this code when a region's recomputed goals equal the stored
 * ones (a deployment that changed the goal rules without bumping GOAL_FORMAT is caught here).
 */
async function snapshotsValid(
  db: Kysely<Database>,
  key: string,
  summaries: readonly RegionSummary[],
  options: GoalOptions,
  pools: () => Promise<BacktestPools>,
): Promise<boolean> {
  if (!(await hasGoalSnapshots(db, key))) return false;
  const probe = summaries.find((s) => s.latestDataMonth !== null);
  if (!probe?.latestDataMonth) return true;
  const stored = await readGoalSnapshot(db, probe.regionId, key);
  if (!stored) return false;
  const goals = await computeLatest(
    db,
    await loadCatalog(db),
    probe.regionId,
    probe.latestDataMonth,
    options,
    await pools(),
  );
  return stored.body === JSON.stringify(goals);
}

/**
 * Makes sure the summaries and goal snapshots of the current data version are stored, building
 * them when they are outdated. Returns what holds for `version` (the caller's data version);
 * when the data moved on meanwhile, nothing is written and the caller's next call sees the new one.
 */
export async function ensureDerived(
  db: Kysely<Database>,
  options: GoalOptions,
  /** The backtest of the data version (the goal service's cache; default: read or built here). */
  pools?: () => Promise<BacktestPools>,
): Promise<Derived> {
  return (await startDerived(db, options, pools)).complete;
}

/**
 * The summaries of the current data version at once, and the goal snapshots' build behind them
 * (`complete`). Requests need only the summaries: after a big import they must not wait for every
 * region's goals to be built (a region without a stored snapshot is computed on its own meanwhile).
 */
export async function startDerived(
  db: Kysely<Database>,
  options: GoalOptions,
  backtest?: () => Promise<BacktestPools>,
): Promise<{ derived: Derived; complete: Promise<Derived> }> {
  const version = await getDataVersion(db);
  let stored: Promise<BacktestPools> | null = null;
  const pools = backtest ?? (() => (stored ??= obtainBacktestPools(db, version)));
  const key = snapshotKey(version, options);
  let summaries = await readRegionSummaries(db, version);
  const storedSummaries = summaries !== null;
  summaries ??= await aggregateRegionSummaries(db, DATA_MONTH_CODES);
  const all = summaries;
  // Stored snapshots are served once this code would compute the same (a probe of one region,
  // which needs the backtest of every region: about 100 ms); a failed check rebuilds them. The
  // server waits for the check before it listens (server/main.ts).
  const checked: Promise<boolean> =
    storedSummaries && (await hasGoalSnapshots(db, key))
      ? snapshotsValid(db, key, all, options, pools)
      : Promise.resolve(false);
  // A failing check is no reason to fail requests: they compute per region.
  const storedGoals = checked.catch(() => false);
  const derived: Derived = {
    version,
    key,
    summaries: new Map(summaries.map((s) => [s.regionId, s])),
    storedGoals,
  };
  // A check that failed with an error counts as a failed check: the snapshots are built again.
  const complete = storedGoals.then((valid) =>
    valid ? derived : buildSnapshots(db, derived, all, options, pools),
  );
  complete.catch(() => undefined); // awaited by prepare(); no unhandled rejection when nobody asks
  return { derived, complete };
}

async function buildSnapshots(
  db: Kysely<Database>,
  derived: Derived,
  summaries: readonly RegionSummary[],
  options: GoalOptions,
  pools: () => Promise<BacktestPools>,
): Promise<Derived> {
  const { version, key } = derived;
  const [catalog, backtest] = await Promise.all([loadCatalog(db), pools()]);
  const rows: GoalSnapshotRow[] = [];
  for (const [i, s] of summaries.entries()) {
    if (s.latestDataMonth === null) continue; // no data: the clock decides the year, not stored
    // Back to the event loop now and then: the queries are synchronous under the awaits, and a
    // thousand regions after a big import would otherwise hold every request for seconds.
    if (i > 0) await yieldToLoop();
    const goals = await computeLatest(db, catalog, s.regionId, s.latestDataMonth, options, backtest);
    rows.push({
      regionId: s.regionId,
      year: yearOf(s.latestDataMonth),
      dataMonth: s.latestDataMonth,
      body: JSON.stringify(goals),
    });
  }
  const all = summaries;
  let written: boolean;
  try {
    written = await db.transaction().execute(async (trx) => {
      if ((await getDataVersion(trx)) !== version) return false;
      await replaceRegionSummaries(trx, version, all);
      await replaceGoalSnapshots(trx, key, rows);
      return true;
    });
  } catch (err) {
    // Not stored (a read-only database, or another writer held the lock past the busy timeout):
    // the summaries in hand still hold, and goals are computed per region until a later build.
    return { ...derived, storeError: err };
  }
  // Built by this code and stored: from here on requests read them. (Not written when the data
  // moved on meanwhile: rows of this key, if any, are still the ones that failed the check.)
  return written ? { ...derived, storedGoals: Promise.resolve(true) } : derived;
}
