/**
 * The one wiring of what the app runs on: the database (SQLite or PostgreSQL), logger, clock, the
 * goal service, the alert service and the ETL's dependencies. server/main.ts, the test fixtures
 * and the benches all build their `AppDeps` here, so a test runs what the server runs.
 */
import type { ImportLimits } from '../core/limits.js';
import { createImportJobs } from '../etl/import-jobs.js';
import type { EtlDeps } from '../etl/index.js';
import { type AlertServiceDeps, createAlertService } from './alerts/service.js';
import { type Config, importLimits } from './config.js';
import { type Db, openConfiguredDatabase } from './db/connection.js';
import { syncDataVersion } from './db/repositories/meta.js';
import type { AppDeps } from './deps.js';
import { createGoalService, type GoalService, type PreloadResult } from './goals/service.js';
import { type Logger, silentLogger } from './logger.js';

export interface AppDepsOptions {
  config: Config;
  /**
   * An open, migrated database of either dialect (tests: `openTestDb()`). Default: the configured
   * one, DATABASE_URL (PostgreSQL) or else DATABASE_PATH (SQLite), opened and migrated.
   */
  db?: Db;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: () => Date;
  /** Build id of the dashboard (default 'dev'). */
  build?: string;
  /**
   * The HTTP server's set-up: imports run in a worker process with its own heap (IMPORT_WORKER_MAX_MB)
   * and its own connection (the SQLite file, or a PostgreSQL pool), requests keep their data version while an
   * import of this process runs, the version is read once per event-loop turn. Default false:
   * imports in-process, every call reads the version.
   */
  serve?: boolean;
  /**
   * After an import that changed data: 'background' (the server; default with `serve`): store the
   * goal snapshots of the new version and evaluate the alerts, not awaited, so an upload's answer
   * does not wait for a slow SMTP server; 'await': evaluate the alerts before the import returns
   * (tests that read the mail next); 'none' (default without `serve`).
   */
  afterImport?: 'background' | 'await' | 'none';
  /** Parser limits (default: from the config). */
  limits?: Partial<ImportLimits>;
  /** Alert service options tests set (mail transport, the alert config file's content, timers). */
  alerts?: Pick<AlertServiceDeps, 'transport' | 'alertConfig' | 'timers'>;
}

export interface AppServices extends AppDeps {
  /**
   * Builds the derived data of the current data version in the background (failures logged), then
   * reads every region's stored goals into memory (`preload`, default true; the start-up does that
   * itself, before it listens).
   */
  prepareGoals(options?: { preload?: boolean }): void;
  /** Stops the alert timers (waiting for mails in flight), then closes the database. */
  close(): Promise<void>;
}

/** Builds the app's dependencies; opens the configured database when none is given. */
export async function createAppDeps(options: AppDepsOptions): Promise<AppServices> {
  const { config, serve = false } = options;
  const db = options.db ?? (await openConfiguredDatabase(config));
  // PostgreSQL: this process's mirror of the data version starts from the database's, so that the
  // derived data built at start, the first alerts and goals are of the current version, not '0'.
  await syncDataVersion(db);
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? (() => new Date());
  // True while this process's import worker runs: requests keep the version they have.
  let importing = false;
  const goals = createGoalService({
    db,
    config,
    clock,
    versionOncePerTurn: serve,
    holdVersion: serve ? () => importing : undefined,
  });
  const alerts = createAlertService({ db, config, logger, clock, goals, ...options.alerts });
  // The derived data of the current data version (region summaries, goal snapshots, the forecast
  // backtest), stored once per version (after each import, and at start when outdated), so that
  // requests read them instead of computing. "derived data ready" says that from here on goals and
  // comparisons are reads (bench/api.ts waits for it).
  const prepareGoals = ({ preload = true } = {}) => {
    const started = performance.now();
    goals
      .prepare()
      .then(async (err) => {
        if (err !== undefined) {
          logger.warn({ err }, 'goal snapshots not stored');
          return;
        }
        logger.info(
          { dataVersion: goals.dataVersion(), ms: Math.round(performance.now() - started) },
          'derived data ready',
        );
        if (preload) await preloadGoals(goals, logger);
      })
      .catch((err: unknown) => logger.error({ err }, 'goal snapshots failed'));
  };
  const afterImports: Record<NonNullable<AppDepsOptions['afterImport']>, EtlDeps['afterImport']> = {
    background: () => {
      prepareGoals();
      alerts
        .evaluate('import')
        .catch((err: unknown) => logger.error({ err }, 'alert evaluation after import failed'));
    },
    await: async () => {
      await alerts.evaluate('import');
    },
    none: undefined,
  };
  const etl: EtlDeps = {
    db,
    logger,
    clock,
    limits: options.limits ?? importLimits(config),
    afterImport: afterImports[options.afterImport ?? (serve ? 'background' : 'none')],
  };
  if (serve) {
    // Uploads, the inbox and SOURCE_URLS are parsed and written in a child process with its own
    // heap: the API keeps answering, a hostile file kills that process, not the server.
    etl.isolation = {
      maxOldGenerationSizeMb: config.IMPORT_WORKER_MAX_MB,
      // Requests first: on two cores the import's parsing would otherwise delay answers.
      niceness: 10,
      goalOptions: { atRiskBandPct: config.AT_RISK_BAND_PCT },
      onRunning: (running) => {
        importing = running;
      },
    };
  }
  return {
    db,
    config,
    logger,
    clock,
    goals,
    alerts,
    etl,
    importJobs: createImportJobs(etl, clock),
    build: options.build ?? 'dev',
    prepareGoals,
    close: async () => {
      await alerts.stop();
      await db.close();
    },
  };
}

/** The reads already logged: the start-up and the build after an import may ask for the same one. */
const loggedPreloads = new WeakSet<Promise<PreloadResult>>();

/**
 * Reads every region's stored goals into memory, then makes every region's comparison
 * (GoalService.preloadLatestGoals, once per data version) and logs the outcome once. Never
 * rejects: a failure only costs the read ahead.
 */
export async function preloadGoals(goals: GoalService, logger: Logger): Promise<void> {
  const started = performance.now();
  const running = goals.preloadLatestGoals();
  const first = !loggedPreloads.has(running);
  loggedPreloads.add(running);
  try {
    const { regions, comparisons, stopped } = await running;
    if (!first) return;
    const ms = Math.round(performance.now() - started);
    if (stopped === 'not servable') logger.info({ stopped }, 'stored goals not read into memory');
    else logger.info({ regions, comparisons, stopped, ms }, 'stored goals read into memory');
  } catch (err) {
    // The goals may have been read before the comparisons failed; the requests make what is missing.
    if (first) logger.warn({ err }, 'stored goals or comparisons not read into memory');
  }
}
