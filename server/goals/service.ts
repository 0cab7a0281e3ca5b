/**
 * The goal service: answers goals, goal series, month tables, comparisons and the region list
 * from the database, computing each once per data version. An import or a target change bumps
 * `meta.data_version` in its transaction; the next request sees the new version and starts from
 * empty caches, so nothing is served stale.
 *
 * The pieces: `snapshot.ts` (every region's goals at its latest data month, stored once per
 * version: a cold request is a read), `compute.ts` (the one function that makes a region's goal
 * objects), `period.ts` (which year and month a query means, which months it reads), `peers.ts`
 * (the Vergleichstyp comparison), `cache.ts` (bounded caches per version).
 */
import { isMonth, makeMonth, yearOf } from '../../core/months.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { readGoalSnapshot } from '../db/repositories/goal-snapshots.js';
import { createDataVersionReader } from '../db/repositories/meta.js';
import { createRegionObservationsReader } from '../db/repositories/observations.js';
import type { RegionSummary } from '../db/repositories/region-summaries.js';
import { type RegionInfo, type RegionListItem, toRegionInfo } from '../db/repositories/regions.js';
import type { Region } from '../db/schema.js';
import { yieldToLoop } from '../db/yield.js';
import { type BacktestRow, backtestReport, MIN_ERRORS, MIN_YEARS } from '../domain/backtest.js';
import type { LzbShareComparison } from '../domain/comparison.js';
import { DomainError } from '../domain/errors.js';
import { expectedDataMonth, isStale, sampleExpectedMonth } from '../domain/staleness.js';
import type { GoalEvaluation, GoalOptions, GoalSeriesPoint, GoalSpec, Month } from '../domain/types.js';
import { type JsonAnswer, jsonAnswer, jsonTextAnswer, parseAnswer } from './answer.js';
import { type BacktestCache, createBacktestCache, historyFor } from './backtest-cache.js';
import { createTurnVersionReader, LIMITS, lru, memo, once, versionedState } from './cache.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { computeGoalSeries, computeRegionGoals, type RegionGoalInput } from './compute.js';
import { computeMonthRows, type MonthRow, monthRowCodes } from './month-rows.js';
import { compareWithPeers, ownFigures, type PeerTable, readPeerTable } from './peers.js';
import { type PeriodQuery, queryYear, resolvePeriod } from './period.js';
import { buildRegionSeries, type RegionSeries } from './region-data.js';
import { type Derived, readGoalSeries, startDerived } from './snapshot.js';

export interface GoalQuery extends PeriodQuery {
  region?: string | undefined;
}

export interface ComparisonQuery {
  region?: string | undefined;
  month?: Month | undefined;
}

export interface GoalsResult {
  region: RegionInfo;
  year: number;
  /** The data month the goals are evaluated at (Datenstand); null when the year has no data yet. */
  dataMonth: Month | null;
  /** When the region's data were last loaded (ISO-8601). */
  loadedAt: string | null;
  dataVersion: string;
  /** The month the BA should have published by now (sample data: the sample's as-of month). */
  expectedMonth: Month | null;
  /** True when the region's latest data month is older than `expectedMonth`. */
  stale: boolean;
  goals: GoalEvaluation[];
}

export interface SeriesResult {
  region: RegionInfo;
  year: number;
  dataMonth: Month | null;
  goal: GoalEvaluation;
  points: GoalSeriesPoint[];
}

export interface ComparisonResult extends LzbShareComparison {
  region: RegionInfo;
  comparisonType: string | null;
  /** The month compared (default: the region's latest data month); null without data. */
  month: Month | null;
  own: { lzb: number | null; elb: number | null };
  /** The other regions of the same Vergleichstyp with their share (null when not computable). */
  peers: { id: string; name: string; sharePct: number | null }[];
}

export interface MonthsResult {
  region: RegionInfo;
  rows: MonthRow[];
}

/** The backtest report of one goal: how good the forecast has been, by origin month. */
export interface BacktestResult {
  region: RegionInfo;
  year: number;
  goal: { id: string; label: string; indicator: string; gender: GoalSpec['gender'] };
  method: 'yoy3';
  /** Errors needed for an interval. */
  minErrors: number;
  /** Distinct years (besides the goal's own) the errors must come from. */
  minYears: number;
  /** Whose history: the sample regions' or the real regions', and how many regions. */
  pool: { sample: boolean; regions: number };
  /** Over every region of the pool. */
  rows: BacktestRow[];
  /** The asked region's own cases only (intervals still from the whole pool). */
  regionRows: BacktestRow[];
}

export interface RegionsResult {
  defaultRegion: string | null;
  regions: RegionListItem[];
}

/** The freshness of a region's data. */
export interface Freshness {
  latestDataMonth: Month | null;
  expectedMonth: Month | null;
  stale: boolean;
}

export interface LoadedRegion {
  region: Region;
  info: RegionInfo;
  freshness: Freshness;
  /** Latest `loaded_at` of the region's observations. */
  loadedAt: string | null;
}

export interface GoalService {
  getGoals(q: GoalQuery): Promise<GoalsResult>;
  /** `getGoals` serialised once per data version (what the route sends). */
  goalsAnswer(q: GoalQuery): Promise<JsonAnswer<GoalsResult>>;
  getSeries(q: GoalQuery & { id: string }): Promise<SeriesResult>;
  seriesAnswer(q: GoalQuery & { id: string }): Promise<JsonAnswer<SeriesResult>>;
  getMonths(q: { region?: string | undefined }): Promise<MonthsResult>;
  /** The forecast's backtest report for a goal (pooled over the regions of the same kind). */
  /**
   * The backtest report of a goal's forecast (over the pool of its kind of data and over its own
   * region), serialised once per data version, region, year and goal.
   */
  backtestAnswer(q: GoalQuery & { id: string }): Promise<JsonAnswer<BacktestResult>>;
  /** The region's LZB share (total) against the mean of the other regions of its Vergleichstyp. */
  getComparison(q: ComparisonQuery): Promise<ComparisonResult>;
  comparisonAnswer(q: ComparisonQuery): Promise<JsonAnswer<ComparisonResult>>;
  /** Every region with how much data it has, and the default region (from the summaries). */
  getRegions(): Promise<RegionsResult>;
  /** The region's metadata and freshness (used by the health and export endpoints). */
  getRegionData(regionId: string | undefined): Promise<LoadedRegion>;
  /** The region shown when none is asked for: the one with the most observations. */
  defaultRegionId(): Promise<string | undefined>;
  dataVersion(): string;
  /**
   * Builds (or checks) the stored goals of the current data version now, so that no request
   * waits for them: after an import, and at start-up. Resolves with the store error, if any.
   */
  prepare(): Promise<unknown>;
  /**
   * Resolves once the stored goals of the current data version are known to be servable or not
   * (the check of `prepare`, about 100 ms on a national database), without waiting for a build.
   */
  storedGoalsChecked(): Promise<boolean>;
  /**
   * Puts every region's goals at its latest data month into the answer cache, from the stored
   * snapshots only (404 regions in about 65–90 ms on SQLite; one query per region on PostgreSQL):
   * the first request for a region's goals after a start or an import is then a memory read. Reads
   * one region at a time and goes back to the event loop between regions, so requests are served
   * in between; once per data version (a second call gets the first call's promise). Never
   * computes goals: it stops when the stored goals may not be served, at the first region without
   * a stored row, and when the data version moves on or this process's import starts (`stopped`
   * says which). When every region's goals are read, the comparison of each region at its latest
   * month is made as its first request would make it, from the observations (one peer-table query
   * per Vergleichstyp, plus one per region outside a type's table; about 45 ms for 404 regions).
   */
  preloadLatestGoals(): Promise<PreloadResult>;
}

export interface GoalServiceDeps {
  db: Db;
  config: Pick<Config, 'AT_RISK_BAND_PCT' | 'BA_RELEASE_DAY' | 'BA_LAG_MONTHS'>;
  /** Today, for the staleness of real data (default: the system clock). */
  clock?: () => Date;
  /**
   * Read the data version from SQLite at most once per event-loop turn (the HTTP server sets
   * this: the requests read from the sockets in one turn share one read). Writes through this
   * process's connection (imports, target changes, which the alert evaluation must see at once)
   * are still seen immediately, because SQLite's total_changes() moves; a commit by another
   * process (the ETL command line) is seen from the next turn on, which no request received
   * before it could have noticed anyway. Default false: every call reads the version.
   */
  versionOncePerTurn?: boolean;
  /** The backtest per data version (default: one computed from `db`). */
  backtests?: BacktestCache;
  /** True while requests should keep the data version they have (an import in this process's worker). */
  holdVersion?: () => boolean;
}

/** Everything cached for one data version (and one expected month). */
interface State {
  version: string;
  derived: () => Promise<Derived>;
  /** The goal snapshots' build of this version (resolves when stored, or with storeError). */
  built: () => Promise<Derived>;
  /** Whether stored goal snapshots may be served: checked at start, or built and stored since. */
  storedGoals: () => Promise<boolean>;
  catalog: () => Promise<Catalog>;
  defaultRegion: () => Promise<string | undefined>;
  regions: () => Promise<RegionsResult>;
  windows: ReturnType<typeof lru<RegionSeries>>;
  queries: ReturnType<typeof lru<JsonAnswer<GoalsResult>>>;
  results: ReturnType<typeof lru<JsonAnswer<GoalsResult>>>;
  series: ReturnType<typeof lru<JsonAnswer<SeriesResult>>>;
  backtests: ReturnType<typeof lru<JsonAnswer<BacktestResult>>>;
  months: ReturnType<typeof lru<MonthsResult>>;
  peerTables: ReturnType<typeof lru<PeerTable>>;
  comparisons: ReturnType<typeof lru<JsonAnswer<ComparisonResult>>>;
}

/**
 * The Jobcenter chosen at set-up once it has data; else the region with the most observations
 * (ties: the lowest id), else the first region.
 */
function mostData(summaries: ReadonlyMap<string, RegionSummary>, catalog: Catalog): string | undefined {
  if (catalog.home !== null && (summaries.get(catalog.home)?.observations ?? 0) > 0) return catalog.home;
  let best: RegionSummary | undefined;
  for (const s of summaries.values()) {
    if (s.observations === 0) continue;
    if (
      !best ||
      s.observations > best.observations ||
      (s.observations === best.observations && s.regionId < best.regionId)
    )
      best = s;
  }
  return best?.regionId ?? catalog.regions.keys().next().value;
}

const HOUR_MS = 3_600_000;

/** What the reads of a state share: the database, the goal options, the backtests and the calendar. */
interface Reader {
  kdb: Db['db'];
  options: GoalOptions;
  backtests: BacktestCache;
  expectedNow: () => Month;
  today: () => Month;
}

/** The empty caches of one data version; derived data are computed on first use. */
function newState(version: string, kdb: Db['db'], options: GoalOptions, backtests: BacktestCache): State {
  const catalog = once(() => loadCatalog(kdb));
  // Set once the snapshots were checked or built and stored: by `built` before it resolves (so
  // that requests after `prepare()` read them), and behind the build when nobody awaits it.
  let stored = false;
  const settle = async (d: Derived) => {
    if (await d.storedGoals) stored = true;
    return d;
  };
  const started = once(async () => {
    const start = await startDerived(kdb, options, () => backtests.pools(version));
    start.complete.then(settle, () => undefined);
    return start;
  });
  const derived = once(async () => (await started()).derived);
  const s: State = {
    version,
    derived,
    built: once(async () => settle(await (await started()).complete)),
    storedGoals: async () => stored || (await (await derived()).storedGoals),
    catalog,
    defaultRegion: once(async () => mostData((await derived()).summaries, await catalog())),
    regions: once(async () => listRegionItems(s)),
    windows: lru(LIMITS.windows),
    queries: lru(LIMITS.queries),
    results: lru(LIMITS.results),
    series: lru(LIMITS.series),
    backtests: lru(LIMITS.backtests),
    months: lru(LIMITS.months),
    peerTables: lru(LIMITS.peerTables),
    comparisons: lru(LIMITS.comparisons),
  };
  return s;
}

/**
 * The month the BA should have published by now. Computed at most once per hour (it changes
 * once a month): the time-zone arithmetic costs more than serving a cached result, and this
 * runs on every request, so the check is one comparison of milliseconds.
 */
function expectedMonthClock(
  clock: () => Date,
  config: Pick<Config, 'BA_RELEASE_DAY' | 'BA_LAG_MONTHS'>,
): () => Month {
  let expectedCache: { until: number; month: Month } | null = null;
  return () => {
    const now = clock();
    const t = now.getTime();
    if (expectedCache === null || t >= expectedCache.until || t < expectedCache.until - HOUR_MS) {
      const month = expectedDataMonth(now, {
        releaseDay: config.BA_RELEASE_DAY,
        lagMonths: config.BA_LAG_MONTHS,
      });
      expectedCache = { until: (Math.floor(t / HOUR_MS) + 1) * HOUR_MS, month };
    }
    return expectedCache.month;
  };
}

function freshness(r: Reader, region: Region, latest: Month | null): Freshness {
  let expected: Month | null;
  if (region.sample === 1) {
    // Sample data are judged against the month they claim to be current, not today's date.
    const asOf = region.sample_as_of;
    expected = asOf !== null && isMonth(asOf) ? sampleExpectedMonth(asOf) : latest;
  } else {
    expected = r.expectedNow();
  }
  return {
    latestDataMonth: latest,
    expectedMonth: expected,
    stale: expected !== null && isStale(latest, expected),
  };
}

async function listRegionItems(s: State): Promise<RegionsResult> {
  const [{ summaries }, catalog, defaultRegion] = await Promise.all([
    s.derived(),
    s.catalog(),
    s.defaultRegion(),
  ]);
  const regions = [...catalog.regions.values()].map((r) => {
    const sum = summaries.get(r.id);
    return {
      ...toRegionInfo(r),
      aliases: [...catalog.aliases].filter(([, id]) => id === r.id).map(([alias]) => alias),
      observations: sum?.observations ?? 0,
      firstMonth: sum?.firstMonth ?? null,
      lastMonth: sum?.lastMonth ?? null,
      latestDataMonth: sum?.latestDataMonth ?? null,
    };
  });
  return { defaultRegion: defaultRegion ?? null, regions };
}

async function loadRegion(
  r: Reader,
  s: State,
  regionId: string | undefined,
): Promise<LoadedRegion & { summary: RegionSummary | undefined }> {
  const key = regionId ?? (await s.defaultRegion());
  if (key === undefined)
    throw new DomainError('no_data', 'No region has been loaded yet: import data first.');
  const [catalog, derived] = await Promise.all([s.catalog(), s.derived()]);
  // Any key of a region finds it: `t11522` and `01060` alike.
  const id = catalog.regions.has(key) ? key : (catalog.aliases.get(key.toLowerCase()) ?? key);
  const region = catalog.regions.get(id);
  if (!region) throw new DomainError('region_not_found', `Unknown region: ${id}`);
  const summary = derived.summaries.get(id);
  const latest = (summary?.latestDataMonth ?? null) as Month | null;
  return {
    region,
    info: toRegionInfo(region),
    freshness: freshness(r, region, latest),
    loadedAt: summary?.loadedAt ?? null,
    summary,
  };
}

/** The region's series for the goals of `year` (the goal window, not the whole history). */
function goalSeriesOf(r: Reader, s: State, regionId: string, year: number): Promise<RegionSeries> {
  return memo(s.windows, `${regionId}|${year}`, () => readGoalSeries(r.kdb, regionId, year));
}

async function goalInput(
  r: Reader,
  s: State,
  regionId: string,
  year: number,
  dataMonth: Month | null,
): Promise<RegionGoalInput> {
  const [catalog, series, pools] = await Promise.all([
    s.catalog(),
    goalSeriesOf(r, s, regionId, year),
    r.backtests.pools(s.version),
  ]);
  const [specs, planSpecs] = await Promise.all([
    catalog.specs(regionId, year),
    catalog.planSpecs(regionId, year),
  ]);
  const history = historyFor(pools, catalog.regions.get(regionId)?.sample === 1, year);
  return {
    specs,
    planSpecs,
    defs: catalog.defs,
    lookup: series.lookup,
    year,
    dataMonth,
    options: r.options,
    history,
  };
}

/**
 * The JSON of the goals at the region's latest data month: the stored snapshot's text when there is
 * one (served as stored, not parsed and serialised again).
 */
async function latestGoalsJson(
  r: Reader,
  s: State,
  regionId: string,
  year: number,
  latest: Month,
): Promise<string> {
  return (
    (await storedGoalsJson(r, s, regionId, year, latest)) ??
    JSON.stringify(computeRegionGoals(await goalInput(r, s, regionId, year, latest)))
  );
}

/**
 * The JSON of the region's stored goals for `year` at `latest`, or null when no stored row may
 * serve them (not checked yet or being rebuilt, another version's build, another month or year).
 */
async function storedGoalsJson(
  r: Reader,
  s: State,
  regionId: string,
  year: number,
  latest: Month,
): Promise<string | null> {
  const derived = await s.derived();
  if (derived.version !== s.version || !(await s.storedGoals())) return null;
  const row = await readGoalSnapshot(r.kdb, regionId, derived.key);
  return row && row.dataMonth === latest && row.year === year ? row.body : null;
}

/** The key of a goals query as asked (defaults unresolved), in the state's `queries` cache. */
function queryKey(q: GoalQuery): string {
  return `${q.region ?? ''}|${q.year ?? ''}|${q.month ?? ''}`;
}

/** The key of a region's goals for `year` at `dataMonth`, in the state's `results` cache. */
function resultKey(regionId: string, year: number, dataMonth: Month | null): string {
  return `${regionId}|${year}|${dataMonth ?? ''}`;
}

/**
 * The answer `value` with `goalsJson` (the JSON of its goals) as its last member: the same bytes
 * as JSON.stringify of the whole result, without parsing the stored goals to serialise them again.
 */
function goalsAnswerOf(value: Omit<GoalsResult, 'goals'>, goalsJson: string): JsonAnswer<GoalsResult> {
  const head = JSON.stringify(value);
  return jsonTextAnswer<GoalsResult>(`${head.slice(0, -1)},"goals":${goalsJson}}`);
}

async function computeGoals(r: Reader, s: State, q: GoalQuery): Promise<JsonAnswer<GoalsResult>> {
  const loaded = await loadRegion(r, s, q.region);
  const latest = loaded.freshness.latestDataMonth;
  const year = queryYear(q, latest, r.today());
  const onLatest =
    latest !== null && yearOf(latest) === year && (q.month === undefined || q.month === latest);
  let dataMonth = latest;
  if (!onLatest) {
    const series = await goalSeriesOf(r, s, loaded.region.id, year);
    ({ dataMonth } = resolvePeriod(
      q,
      latest,
      (y) => series.dataMonths.filter((m) => yearOf(m) === y),
      r.today(),
    ));
  }
  return memo(s.results, resultKey(loaded.region.id, year, dataMonth), async () => {
    const goalsJson =
      onLatest && dataMonth !== null
        ? await latestGoalsJson(r, s, loaded.region.id, year, dataMonth)
        : JSON.stringify(computeRegionGoals(await goalInput(r, s, loaded.region.id, year, dataMonth)));
    return goalsAnswerOf(goalsHead(s, loaded, year, dataMonth), goalsJson);
  });
}

/** Everything of a goals answer but its goals. */
function goalsHead(
  s: State,
  loaded: LoadedRegion,
  year: number,
  dataMonth: Month | null,
): Omit<GoalsResult, 'goals'> {
  return {
    region: loaded.info,
    year,
    dataMonth,
    loadedAt: loaded.loadedAt,
    dataVersion: s.version,
    expectedMonth: loaded.freshness.expectedMonth,
    stale: loaded.freshness.stale,
  };
}

/**
 * What `preloadLatestGoals` read: the regions whose stored goals are in memory, the regions whose
 * comparison at their latest month is, and why it stopped before the last region (null: it did not).
 */
export interface PreloadResult {
  regions: number;
  comparisons: number;
  stopped: 'not servable' | 'not stored' | 'version moved' | null;
}

/**
 * The answer a request for the region's goals (no year, no month) gets, made from its stored
 * snapshot only, with the cache keys it is kept under; null when no stored row may serve it (the
 * request would compute). Never computes goals.
 */
async function storedGoalsAnswer(
  r: Reader,
  s: State,
  regionId: string,
): Promise<{ query: string; result: string; answer: JsonAnswer<GoalsResult> } | null> {
  const loaded = await loadRegion(r, s, regionId);
  const latest = loaded.freshness.latestDataMonth;
  if (latest === null) return null;
  const year = queryYear({}, latest, r.today());
  if (yearOf(latest) !== year) return null;
  const body = await storedGoalsJson(r, s, regionId, year, latest);
  if (body === null) return null;
  return {
    query: queryKey({ region: regionId }),
    result: resultKey(regionId, year, latest),
    answer: goalsAnswerOf(goalsHead(s, loaded, year, latest), body),
  };
}

/**
 * Reads every region's stored goals into the state's answer caches, one region at a time, from
 * the stored snapshots only (GoalService.preloadLatestGoals); when all are read, the comparison of
 * every region at its latest month follows (one peer-table read per Vergleichstyp, each region's
 * answer made from it: what the first request for it would do). Comparisons do not depend on the
 * stored goals, but when the goals stop early (their rows are being replaced, the version moves)
 * the comparisons are left to the requests as well. It goes back to the event loop before each
 * region: on SQLite every awaited query continues as a microtask, so without that the whole read
 * would hold requests, timers and a version move by another process off until its end.
 */
async function preloadStoredGoals(r: Reader, s: State, stillCurrent: () => boolean): Promise<PreloadResult> {
  if (!(await s.storedGoals())) return { regions: 0, comparisons: 0, stopped: 'not servable' };
  const { summaries } = await s.derived();
  let regions = 0;
  for (const summary of summaries.values()) {
    if (summary.latestDataMonth === null) continue;
    if (regions >= Math.min(LIMITS.results, LIMITS.queries)) break;
    await yieldToLoop();
    // A new data version, or this process's import running: its rows are being replaced.
    if (!stillCurrent()) return { regions, comparisons: 0, stopped: 'version moved' };
    const stored = await storedGoalsAnswer(r, s, summary.regionId);
    // A missing row: the snapshots are being replaced (or were never complete); requests compute.
    if (stored === null) return { regions, comparisons: 0, stopped: 'not stored' };
    // A request may have answered the region meanwhile: its answer stays.
    if (s.results.get(stored.result) === undefined)
      s.results.set(stored.result, Promise.resolve(stored.answer));
    if (s.queries.get(stored.query) === undefined)
      s.queries.set(stored.query, Promise.resolve(stored.answer));
    regions++;
  }
  let comparisons = 0;
  for (const summary of summaries.values()) {
    if (summary.latestDataMonth === null) continue;
    if (comparisons >= LIMITS.comparisons) break;
    await yieldToLoop();
    if (!stillCurrent()) return { regions, comparisons, stopped: 'version moved' };
    const loaded = await loadRegion(r, s, summary.regionId);
    await comparisonOf(r, s, loaded, loaded.freshness.latestDataMonth);
    comparisons++;
  }
  return { regions, comparisons, stopped: null };
}

/** The 12 chart points of goal `id` in the period of `result`. */
async function computeSeries(r: Reader, s: State, result: GoalsResult, id: string): Promise<SeriesResult> {
  const goal = result.goals.find((g) => g.id === id);
  const input = await goalInput(r, s, result.region.id, result.year, result.dataMonth);
  const spec = input.specs.find((g) => g.id === id) ?? input.planSpecs.find((g) => g.id === id);
  if (!goal || !spec) {
    const known = result.goals.map((g) => g.id).join(', ') || 'none';
    throw new DomainError(
      'goal_not_found',
      `No goal ${id} for region ${result.region.id} in ${result.year} (goals: ${known})`,
    );
  }
  return {
    region: result.region,
    year: result.year,
    dataMonth: result.dataMonth,
    goal,
    points: computeGoalSeries(spec, input, goal.forecast.interval),
  };
}

/** The backtest of a goal's forecast: over the pool of its kind of data, and over its own region. */
async function backtestOf(
  { goal, region, year }: SeriesResult,
  backtests: BacktestCache,
  version: string,
): Promise<BacktestResult> {
  const sample = region.sample;
  const [pools, pool] = await Promise.all([
    backtests.pools(version),
    backtests.casePool(version, sample, goal.indicator, goal.gender),
  ]);
  return {
    region,
    year,
    goal: { id: goal.id, label: goal.label, indicator: goal.indicator, gender: goal.gender },
    method: 'yoy3',
    minErrors: MIN_ERRORS,
    minYears: MIN_YEARS,
    pool: { sample, regions: sample ? pools.regions.sample : pools.regions.real },
    rows: backtestReport(pool, goal.indicator, goal.gender),
    regionRows: backtestReport(pool, goal.indicator, goal.gender, (c) => c.region === region.id),
  };
}

/** The comparison answer of a region at `month`, made once per data version (cached). */
function comparisonOf(
  r: Reader,
  s: State,
  loaded: LoadedRegion,
  month: Month | null,
): Promise<JsonAnswer<ComparisonResult>> {
  return memo(s.comparisons, `${loaded.region.id}|${month ?? ''}`, async () =>
    jsonAnswer(await computeComparison(r.kdb, s, loaded, month)),
  );
}

/** The region's figures beside those of its comparison type's peers in `month`. */
async function computeComparison(
  kdb: Db['db'],
  s: State,
  loaded: LoadedRegion,
  month: Month | null,
): Promise<ComparisonResult> {
  const type = loaded.region.comparison_type;
  let table: PeerTable | null = null;
  if (type !== null && month !== null) {
    const regions = (await s.catalog()).regions.values();
    const peers = { type, sample: loaded.region.sample };
    table = await memo(s.peerTables, `${type}|${peers.sample}|${month}`, () =>
      readPeerTable(kdb, regions, peers, month),
    );
  }
  const own = await ownFigures(kdb, loaded.region.id, month, table);
  return {
    region: loaded.info,
    comparisonType: type,
    month,
    ...compareWithPeers(loaded.region.id, own, table),
  };
}

export function createGoalService({
  db,
  config,
  clock = () => new Date(),
  versionOncePerTurn = false,
  backtests = createBacktestCache(db.db),
  holdVersion = () => false,
}: GoalServiceDeps): GoalService {
  const kdb = db.db;
  const readVersion = versionOncePerTurn ? createTurnVersionReader(db) : createDataVersionReader(db);
  const readHistory = createRegionObservationsReader(db);
  const options: GoalOptions = { atRiskBandPct: config.AT_RISK_BAND_PCT };

  const expectedNow = expectedMonthClock(clock, config);
  function today(): Month {
    const d = clock();
    return makeMonth(d.getUTCFullYear(), d.getUTCMonth() + 1);
  }
  const r: Reader = { kdb, options, backtests, expectedNow, today };

  const stateOf = versionedState((version) => newState(version, kdb, options, backtests));
  /** The read ahead of each state (`preloadLatestGoals`): once per data version, forgotten if it fails. */
  const preloads = new WeakMap<State, () => Promise<PreloadResult>>();

  /**
   * The state of the current data version. Reading the version costs one prepared statement (a
   * few microseconds), so every request checks it and an import by any process is seen at once
   * (with `versionOncePerTurn`, once per event-loop turn). "Stale" depends on the calendar too:
   * when the month the BA should have published moves on, the cached results go as well.
   */
  let last: State | null = null;
  const current = (): State => {
    // While this process's import worker runs, requests keep the data version they had: the
    // import appears all at once when it is done, with its summaries and goals stored.
    if (last !== null && holdVersion()) return last;
    last = stateOf(readVersion(), expectedNow());
    return last;
  };

  /**
   * The goals for a query as asked (defaults unresolved), serialised: a repeated request is one
   * map lookup. The caches hold answers (bytes), not objects; `getGoals` parses one.
   */
  function goalsAnswer(q: GoalQuery): Promise<JsonAnswer<GoalsResult>> {
    const s = current();
    return memo(s.queries, queryKey(q), () => computeGoals(r, s, q));
  }
  const getGoals = async (q: GoalQuery) => parseAnswer(await goalsAnswer(q));

  function seriesAnswer(q: GoalQuery & { id: string }): Promise<JsonAnswer<SeriesResult>> {
    const s = current();
    const key = `${q.region ?? ''}|${q.year ?? ''}|${q.month ?? ''}|${q.id}`;
    return memo(s.series, key, async () => jsonAnswer(await computeSeries(r, s, await getGoals(q), q.id)));
  }
  const getSeries = async (q: GoalQuery & { id: string }) => parseAnswer(await seriesAnswer(q));

  /**
   * A goal's backtest report, serialised once per data version and query: the report runs over
   * the whole pool of backtest cases of the goal's kind (about 30 ms on the national database),
   * and every visit to a goal's page asks for it.
   */
  function backtestAnswer(q: GoalQuery & { id: string }): Promise<JsonAnswer<BacktestResult>> {
    const s = current();
    // One answer per what the report depends on, as the series resolved it (a query with or
    // without the default region, any month of the year); a repeated query finds it by its own
    // key, without reading the series again.
    return memo(s.backtests, `query|${queryKey(q)}|${q.id}`, async () => {
      const series = await getSeries(q);
      const key = `answer|${series.region.id}|${series.year}|${series.goal.id}`;
      return memo(s.backtests, key, async () => jsonAnswer(await backtestOf(series, backtests, s.version)));
    });
  }

  async function getMonths(q: { region?: string | undefined }): Promise<MonthsResult> {
    const s = current();
    const loaded = await loadRegion(r, s, q.region);
    return memo(s.months, loaded.region.id, async () => {
      const defs = (await s.catalog()).defs;
      const codes = monthRowCodes(defs.get('K2'), defs.get('K3'));
      const series = buildRegionSeries(await readHistory(loaded.region.id));
      return { region: loaded.info, rows: computeMonthRows(series, codes) };
    });
  }

  async function comparisonAnswer(q: ComparisonQuery): Promise<JsonAnswer<ComparisonResult>> {
    const s = current();
    const loaded = await loadRegion(r, s, q.region);
    return comparisonOf(r, s, loaded, q.month ?? loaded.freshness.latestDataMonth);
  }

  return {
    getGoals,
    goalsAnswer,
    getComparison: async (q) => parseAnswer(await comparisonAnswer(q)),
    comparisonAnswer,
    getSeries,
    seriesAnswer,
    getMonths,
    backtestAnswer,
    getRegions: () => current().regions(),
    getRegionData: (regionId) => loadRegion(r, current(), regionId),
    defaultRegionId: () => current().defaultRegion(),
    dataVersion: () => current().version,
    prepare: async () => (await current().built()).storeError,
    storedGoalsChecked: async () => current().storedGoals(),
    preloadLatestGoals: () => {
      const s = current();
      let read = preloads.get(s);
      if (read === undefined) {
        read = once(() => preloadStoredGoals(r, s, () => !holdVersion() && current() === s));
        preloads.set(s, read);
      }
      return read();
    },
  };
}
