/**
 * The goal service: loads a region's series from the database, asks the domain for the goals,
 * and caches every result by data version. An import or a target change bumps
 * `meta.data_version` in its transaction; the next request sees the new version and starts from an
 * empty cache, so results are computed once per version and never served stale.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { listIndicators } from '../db/repositories/indicators.js';
import { createDataVersionReader } from '../db/repositories/meta.js';
import { createRegionObservationsReader, type RegionObservations } from '../db/repositories/observations.js';
import {
  listAllRegions,
  type RegionInfo,
  regionWithMostData,
  toRegionInfo,
} from '../db/repositories/regions.js';
import { listTargets } from '../db/repositories/targets.js';
import type { Region, Target } from '../db/schema.js';
import { type LzbShareComparison, lzbShareComparison, lzbSharePct } from '../domain/comparison.js';
import { comparePublished, evaluateGoal, goalSeries, makeGoalSpec } from '../domain/goals.js';
import { addMonths, isMonth, makeMonth, yearOf } from '../domain/months.js';
import { expectedDataMonth, isStale, sampleExpectedMonth } from '../domain/staleness.js';
import type {
  GoalEvaluation,
  GoalOptions,
  GoalSeriesPoint,
  GoalSpec,
  IndicatorDef,
  Month,
} from '../domain/types.js';
import { ApiError } from '../errors.js';
import { LruMap } from './lru.js';
import { computeMonthRows, type MonthRow, monthRowCodes } from './month-rows.js';
import { buildRegionSeries, type RegionSeries } from './region-data.js';

export interface GoalQuery {
  region?: string | undefined;
  year?: number | undefined;
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

/** The freshness of a region's data. */
export interface Freshness {
  latestDataMonth: Month | null;
  expectedMonth: Month | null;
  stale: boolean;
}

export interface GoalService {
  getGoals(q: GoalQuery): Promise<GoalsResult>;
  getSeries(q: GoalQuery & { id: string }): Promise<SeriesResult>;
  getMonths(q: { region?: string | undefined }): Promise<MonthsResult>;
  /** The region's LZB share (total) against the mean of the other regions of its Vergleichstyp. */
  getComparison(q: { region?: string | undefined; month?: Month | undefined }): Promise<ComparisonResult>;
  /** The region's series and metadata (used by the comparison and health endpoints). */
  getRegionData(regionId: string | undefined): Promise<LoadedRegion>;
  /** The region shown when none is asked for: the one with the most observations. */
  defaultRegionId(): Promise<string | undefined>;
  dataVersion(): string;
}

export interface LoadedRegion {
  region: Region;
  info: RegionInfo;
  series: RegionSeries;
  freshness: Freshness;
}

/** What `memo` needs of a cache: a Map, or an LruMap where memory must stay bounded. */
interface PromiseCache<T> {
  get(key: string): Promise<T> | undefined;
  set(key: string, value: Promise<T>): unknown;
  delete(key: string): boolean;
}

/**
 * Cache bounds per data version. A region's series are the large part (about 100 kB for 45
 * months); results are a few kB. All 404 Jobcenters' goals stay cached; walking every month of
 * every region does not grow memory without bound.
 */
const LIMITS = { regions: 64, results: 2048 } as const;

interface Catalog {
  defs: Map<string, IndicatorDef>;
  /** Every region by id (one query per data version). */
  regions: Map<string, Region>;
  read: (regionId: string) => RegionObservations | Promise<RegionObservations>;
}

interface CacheState {
  version: string;
  defaultRegion: Promise<string | undefined> | null;
  catalog: Promise<Catalog> | null;
  targets: Map<number, Promise<Map<string, Target[]>>>;
  regions: PromiseCache<LoadedRegion>;
  specs: PromiseCache<GoalSpec[]>;
  goals: PromiseCache<GoalsResult>;
  queries: PromiseCache<GoalsResult>;
  series: PromiseCache<SeriesResult>;
  months: PromiseCache<MonthsResult>;
  comparisons: PromiseCache<ComparisonResult>;
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
}

export function createGoalService({
  db,
  config,
  clock = () => new Date(),
  versionOncePerTurn = false,
}: GoalServiceDeps): GoalService {
  const readVersion = versionOncePerTurn ? createTurnVersionReader(db) : createDataVersionReader(db);
  const readObservations = createRegionObservationsReader(db);
  const options: GoalOptions = { atRiskBandPct: config.AT_RISK_BAND_PCT };
  let state: CacheState = emptyState(readVersion());

  function emptyState(version: string): CacheState {
    return {
      version,
      defaultRegion: null,
      catalog: null,
      targets: new Map(),
      regions: new LruMap(LIMITS.regions),
      specs: new Map(),
      goals: new LruMap(LIMITS.results),
      queries: new LruMap(LIMITS.results),
      series: new LruMap(LIMITS.results),
      months: new LruMap(LIMITS.regions),
      comparisons: new LruMap(LIMITS.results),
    };
  }

  /**
   * The cache of the current data version: a fresh one when the version moved on. Reading the
   * version costs one prepared statement (a few microseconds: SQLite takes and releases its WAL
   * read lock), so every request checks it and an import by any process is seen at once (with
   * `versionOncePerTurn`, once per event-loop turn).
   */
  /** The expected month the cached results were computed against. */
  let stateExpected: Month | null = null;
  function current(): CacheState {
    const version = readVersion();
    // "Stale" depends on the calendar too: when the month the BA should have published moves on,
    // the cached results (and their ETags) must go, or a wall left alone for weeks never turns stale.
    const expected = expectedNow();
    if (version !== state.version || expected !== stateExpected) {
      state = emptyState(version);
      stateExpected = expected;
    }
    return state;
  }

  /**
   * Memoises a promise in `map`; a rejected promise is dropped so that a transient failure is not
   * cached for the rest of the version.
   */
  function memo<T>(map: PromiseCache<T>, key: string, make: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit) return hit;
    const p = make();
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
    return p;
  }

  let expectedCache: { hour: string; month: Month } | null = null;
  /**
   * The month the BA should have published by now. Computed at most once per hour (it changes
   * once a month), because the time-zone arithmetic costs more than evaluating a region's goals.
   */
  function expectedNow(): Month {
    const now = clock();
    const hour = now.toISOString().slice(0, 13);
    if (expectedCache?.hour !== hour) {
      const month = expectedDataMonth(now, {
        releaseDay: config.BA_RELEASE_DAY,
        lagMonths: config.BA_LAG_MONTHS,
      });
      expectedCache = { hour, month };
    }
    return expectedCache.month;
  }

  function freshness(region: Region, series: RegionSeries): Freshness {
    const latest = series.latestDataMonth;
    let expected: Month | null;
    if (region.sample === 1) {
      // Sample data are judged against the month they claim to be current, not today's date.
      const asOf = region.sample_as_of;
      expected = asOf !== null && isMonth(asOf) ? sampleExpectedMonth(asOf) : latest;
    } else {
      expected = expectedNow();
    }
    return {
      latestDataMonth: latest,
      expectedMonth: expected,
      stale: expected !== null && isStale(latest, expected),
    };
  }

  async function defaultRegionId(s = current()): Promise<string | undefined> {
    s.defaultRegion ??= regionWithMostData(db.db);
    return s.defaultRegion;
  }

  /** Indicators, regions and the prepared series reader of the current version. */
  function catalog(s: CacheState): Promise<Catalog> {
    s.catalog ??= Promise.all([listIndicators(db.db), listAllRegions(db.db)]).then(
      ([indicators, regions]) => ({
        defs: new Map(indicators.map((i) => [i.code, i])),
        regions: new Map(regions.map((r) => [r.id, r])),
        read: readObservations,
      }),
    );
    return s.catalog;
  }

  async function loadRegion(s: CacheState, regionId: string | undefined): Promise<LoadedRegion> {
    const id = regionId ?? (await defaultRegionId(s));
    if (id === undefined)
      throw new ApiError(404, 'no_data', 'No region has been loaded yet: import data first.');
    return memo(s.regions, id, async () => {
      const cat = await catalog(s);
      const region = cat.regions.get(id);
      if (!region) throw new ApiError(404, 'region_not_found', `Unknown region: ${id}`);
      const series = buildRegionSeries(await cat.read(id));
      return { region, info: toRegionInfo(region), series, freshness: freshness(region, series) };
    });
  }

  async function indicators(s: CacheState): Promise<Map<string, IndicatorDef>> {
    return (await catalog(s)).defs;
  }

  /** The targets of a year for every region (one query), by region. */
  function targetsOfYear(s: CacheState, year: number): Promise<Map<string, Target[]>> {
    let p = s.targets.get(year);
    if (!p) {
      p = listTargets(db.db, { year }).then((rows) => {
        const byRegion = new Map<string, Target[]>();
        for (const t of rows) {
          const list = byRegion.get(t.region_id) ?? [];
          list.push(t);
          byRegion.set(t.region_id, list);
        }
        return byRegion;
      });
      s.targets.set(year, p);
    }
    return p;
  }

  function specs(s: CacheState, regionId: string, year: number): Promise<GoalSpec[]> {
    return memo(s.specs, `${regionId}|${year}`, async () => {
      const [defs, byRegion] = await Promise.all([indicators(s), targetsOfYear(s, year)]);
      const out: GoalSpec[] = [];
      for (const t of byRegion.get(regionId) ?? []) {
        const def = defs.get(t.indicator_code);
        if (!def) continue; // FK guarantees it exists; kept for type narrowing
        out.push(
          makeGoalSpec(def, {
            gender: t.gender,
            year: t.year,
            targetChangePct: t.target_change_pct,
            better: t.better,
            source: t.source,
          }),
        );
      }
      return out;
    });
  }

  /** Resolves year and data month from the query and the region's data. */
  function resolvePeriod(q: GoalQuery, data: RegionSeries): { year: number; dataMonth: Month | null } {
    if (q.month !== undefined) {
      const y = yearOf(q.month);
      if (q.year !== undefined && q.year !== y) {
        throw new ApiError(
          400,
          'bad_request',
          `Invalid query parameter: month ${q.month} does not lie in year ${q.year}`,
        );
      }
      return { year: y, dataMonth: q.month };
    }
    if (q.year !== undefined) {
      const year = q.year;
      const inYear = data.dataMonths.filter((m) => yearOf(m) === year);
      return { year, dataMonth: inYear.at(-1) ?? null };
    }
    const latest = data.latestDataMonth;
    return { year: latest === null ? yearOf(monthOfClock()) : yearOf(latest), dataMonth: latest };
  }

  function monthOfClock(): Month {
    const d = clock();
    return makeMonth(d.getUTCFullYear(), d.getUTCMonth() + 1);
  }

  /** The BA's own figure for the goal's indicator, compared with ours (see comparePublished). */
  function withPublished(
    ev: GoalEvaluation,
    spec: GoalSpec,
    defs: Map<string, IndicatorDef>,
    data: RegionSeries,
  ): GoalEvaluation {
    for (const def of defs.values()) {
      if (def.formula !== 'published' || def.numeratorCode !== spec.indicator.code) continue;
      const obs = data.lookup(def.code, spec.gender).get(ev.current.month);
      // The BA publishes K2 as the 12-month rate and K3 as the change of the stock in percent.
      const computed = spec.indicator.formula === 'rate' ? ev.monthly.value : ev.monthly.changePct;
      const published = comparePublished(computed, obs);
      if (published) return { ...ev, published };
    }
    return ev;
  }

  /**
   * The goals for a query as asked (defaults unresolved): a repeated request is one map lookup,
   * without touching the region's series (which may have been evicted from the LRU).
   */
  function getGoals(q: GoalQuery): Promise<GoalsResult> {
    const s = current();
    return memo(s.queries, `${q.region ?? ''}|${q.year ?? ''}|${q.month ?? ''}`, () => computeGoals(s, q));
  }

  async function computeGoals(s: CacheState, q: GoalQuery): Promise<GoalsResult> {
    const loaded = await loadRegion(s, q.region);
    const { year, dataMonth } = resolvePeriod(q, loaded.series);
    return memo(s.goals, `${loaded.region.id}|${year}|${dataMonth ?? ''}`, async () => {
      const [goalSpecs, defs] = await Promise.all([specs(s, loaded.region.id, year), indicators(s)]);
      const at = dataMonth ?? makeMonth(year, 1);
      const goals = goalSpecs.map((spec) =>
        withPublished(evaluateGoal(spec, loaded.series.lookup, at, options), spec, defs, loaded.series),
      );
      return {
        region: loaded.info,
        year,
        dataMonth,
        loadedAt: loaded.series.loadedAt,
        dataVersion: s.version,
        expectedMonth: loaded.freshness.expectedMonth,
        stale: loaded.freshness.stale,
        goals,
      };
    });
  }

  async function getSeries(q: GoalQuery & { id: string }): Promise<SeriesResult> {
    const s = current();
    const result = await getGoals(q);
    const key = `${result.region.id}|${result.year}|${result.dataMonth ?? ''}|${q.id}`;
    return memo(s.series, key, async () => {
      const goal = result.goals.find((g) => g.id === q.id);
      const spec = (await specs(s, result.region.id, result.year)).find((g) => g.id === q.id);
      if (!goal || !spec) {
        const known = result.goals.map((g) => g.id).join(', ') || 'none';
        throw new ApiError(
          404,
          'goal_not_found',
          `No goal ${q.id} for region ${result.region.id} in ${result.year} (goals: ${known})`,
        );
      }
      const loaded = await loadRegion(s, result.region.id);
      // Without a data month in the year, every month of the year counts as not yet known.
      const at = result.dataMonth ?? addMonths(makeMonth(result.year, 1), -1);
      return {
        region: result.region,
        year: result.year,
        dataMonth: result.dataMonth,
        goal,
        points: goalSeries(spec, loaded.series.lookup, result.year, at, options),
      };
    });
  }

  async function getMonths(q: { region?: string | undefined }): Promise<MonthsResult> {
    const s = current();
    const loaded = await loadRegion(s, q.region);
    return memo(s.months, loaded.region.id, async () => {
      const defs = await indicators(s);
      const codes = monthRowCodes(defs.get('K2'), defs.get('K3'));
      return { region: loaded.info, rows: computeMonthRows(loaded.series, codes) };
    });
  }

  async function getComparison(q: { region?: string | undefined; month?: Month | undefined }) {
    const s = current();
    const loaded = await loadRegion(s, q.region);
    const month = q.month ?? loaded.series.latestDataMonth;
    return memo(s.comparisons, `${loaded.region.id}|${month ?? ''}`, async (): Promise<ComparisonResult> => {
      const type = loaded.region.comparison_type;
      const valueAt = (data: RegionSeries, code: string) =>
        month === null ? null : (data.lookup(code, 'total').get(month)?.value ?? null);
      const own = { lzb: valueAt(loaded.series, 'LZB'), elb: valueAt(loaded.series, 'ELB') };
      const peers: ComparisonResult['peers'] = [];
      const inputs: { regionId: string; lzb: number | null; elb: number | null }[] = [];
      if (type !== null) {
        const all = [...(await catalog(s)).regions.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const peer of all) {
          if (peer.comparison_type !== type || peer.id === loaded.region.id) continue;
          const data = (await loadRegion(s, peer.id)).series;
          const input = { regionId: peer.id, lzb: valueAt(data, 'LZB'), elb: valueAt(data, 'ELB') };
          inputs.push(input);
          peers.push({ id: peer.id, name: peer.name, sharePct: lzbSharePct(input) });
        }
      }
      return {
        region: loaded.info,
        comparisonType: type,
        month,
        own,
        peers,
        ...lzbShareComparison(own, inputs),
      };
    });
  }

  return {
    getGoals,
    getComparison,
    getSeries,
    getMonths,
    getRegionData: (regionId) => loadRegion(current(), regionId),
    defaultRegionId: () => defaultRegionId(),
    dataVersion: () => current().version,
  };
}

/**
 * A data-version reader that asks SQLite at most once per event-loop turn, unless this
 * connection changed rows since (SQLite's total_changes(), which costs no lock). See
 * `GoalServiceDeps.versionOncePerTurn`.
 */
function createTurnVersionReader(db: Db): () => string {
  const read = createDataVersionReader(db);
  // PostgreSQL's reader is already a memory read (refreshed once per request).
  if (db.dialect !== 'sqlite') return read;
  const totalChanges = db.sqlite.prepare<[], number>('select total_changes()').pluck();
  let version: string | null = null;
  let changes = -1;
  const forget = () => {
    version = null;
  };
  return () => {
    const now = totalChanges.get() ?? -1;
    if (version === null || now !== changes) {
      version = read();
      changes = now;
      // Immediates run after the poll phase that handed us this turn's requests.
      setImmediate(forget);
    }
    return version;
  };
}
