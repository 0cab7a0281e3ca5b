/**
 * The server process: reads the environment, opens the database, seeds an empty one with the
 * sample data, starts the HTTP server, the import schedule and the alert timers, and shuts all of
 * it down in order on SIGTERM/SIGINT.
 */
// First: V8's heap settings must be in place before anything is allocated.
import './apply-heap-settings.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import {
  type EtlDeps,
  loadJobcenterDirectory,
  recoverAbortedRuns,
  seedIfEmpty,
  startSchedule,
} from '../etl/index.js';
import { ImportBusyError } from '../etl/lock.js';
import { createApp } from './app.js';
import { type AppServices, createAppDeps, preloadGoals } from './app-deps.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { setDefaultBusyWait } from './db/busy.js';
import { serialised } from './db/dialect/index.js';
import { listAllRegions } from './db/repositories/regions.js';
import { answerClientErrors } from './http/client-error.js';
import { withFastPath } from './http/fast-path.js';
import { sweepUploads } from './http/upload.js';
import { warmUp } from './http/warm-up.js';
import { startLeadership } from './leader.js';
import { createLogger, withoutRequestLines } from './logger.js';

/** Key of the advisory lock under which an empty PostgreSQL database is seeded by one instance. */
const SEED_LOCK = 7_301_004;

/**
 * How long shutdown waits for running requests (an upload being imported) and the wizard's
 * background imports, together, before closing them.
 */
const SHUTDOWN_TIMEOUT_MS = 30_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error('Zielmonitor kann nicht starten: ungültige Konfiguration.');
      for (const p of err.problems) console.error(`  - ${p}`);
      process.exit(1);
    }
    throw err;
  }
}

/** The built dashboard (relative to the working directory, as serve-static wants it) and its build id. */
function webBuild(): { root: string | null; build: string } {
  const dist = fileURLToPath(new URL('../dist/web', import.meta.url));
  const index = `${dist}/index.html`;
  if (!existsSync(index)) return { root: null, build: 'dev' };
  const build = createHash('sha256').update(readFileSync(index)).digest('hex').slice(0, 16);
  return { root: relative(process.cwd(), dist) || '.', build };
}

/**
 * Before serving: the Jobcenter directory, the sample data on an empty database (one instance at a
 * time), and runs left 'running' by a killed importer closed as aborted.
 */
async function prepareData(config: Config, etl: EtlDeps): Promise<void> {
  const { db, logger } = etl;
  try {
    await loadJobcenterDirectory(db);
  } catch (e) {
    logger.warn({ err: e }, 'Jobcenter directory not loaded');
  }
  if (config.LOAD_SAMPLE_ON_EMPTY) {
    try {
      if (await serialised(db, SEED_LOCK, () => seedIfEmpty(etl))) {
        logger.info('empty database: sample data (Beispieldaten) and targets loaded');
      }
    } catch (err) {
      if (!(err instanceof ImportBusyError)) throw err;
      logger.info('another instance is importing; no sample data loaded here');
    }
  }
  // A run left 'running' by a killed importer shows as 'abgebrochen' from now on.
  const aborted = await recoverAbortedRuns(etl);
  if (aborted > 0)
    logger.warn({ runs: aborted }, "import runs left 'running' by a dead importer marked aborted");
  // Uploads a stopped server was still importing (removed by age: instances may share TMPDIR).
  const swept = await sweepUploads(STALE_UPLOAD_MS);
  if (swept > 0) logger.info({ directories: swept }, 'temporary upload files of an earlier run removed');
}

/** An upload directory this old belongs to no running import (imports take seconds to minutes). */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = readConfig();
  // Buffered: one write per batch of request lines, not one blocking write per request.
  const logger = createLogger(config.LOG_LEVEL, { buffered: true });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  // Several instances starting together: migrations and the first-start seeding run one at a time.
  const web = webBuild();
  const deps = await createAppDeps({ config, logger, build: web.build, serve: true });
  const { db, alerts, etl } = deps;
  logger.info({ database: db.path, dialect: db.dialect }, 'database open, migrations applied');

  await prepareData(config, etl);
  // From here on the event loop never waits for SQLite's busy timeout: writes meeting an import
  // retry asynchronously (server/db/busy.ts) and answer 503 when it takes too long. (PostgreSQL
  // waits for row locks without blocking the loop.) Imports run in a worker process on both (etl/isolated.ts).
  if (db.dialect === 'sqlite') db.sqlite.pragma('busy_timeout = 0');
  setDefaultBusyWait(config.DB_BUSY_WAIT_MS);

  if (web.root === null) {
    logger.warn(
      'dist/web is missing: the API works, the dashboard does not. Run `npm run build` (or `npm run dev`).',
    );
  }
  const app = createApp(deps, { webRoot: web.root });
  // The stored goals of the current data version are checked against this code before the first
  // request (about 100 ms; a build after an import goes on behind the requests). When the check
  // itself must first rebuild the forecast backtest (new code), the server listens after at most
  // STARTUP_CHECK_WAIT_MS all the same, for its health probes; goal requests wait for the check.
  const checked = await Promise.race([
    deps.goals.storedGoalsChecked().catch(() => false), // a failure is logged by prepareGoals
    delay(STARTUP_CHECK_WAIT_MS, false, { ref: false }),
  ]);
  // Once checked, every region's stored goals are read into memory before listening, and every
  // region's comparison made (about 85 and 45 ms for 404 regions on SQLite; on PostgreSQL one
  // query per region), so that the first users after a start meet answers in memory; a
  // slow read (PostgreSQL, a loaded machine) goes on behind the requests after PRELOAD_WAIT_MS.
  // Not checked yet: the goals are read once the check (or the rebuild) is done, behind the requests.
  deps.prepareGoals({ preload: !checked });
  const preloaded =
    checked &&
    (await Promise.race([
      preloadGoals(deps.goals, logger).then(() => true),
      delay(PRELOAD_WAIT_MS, false, { ref: false }),
    ]));

  // @hono/node-server's listener (what its serve() builds), with GET /api/goals and
  // /api/comparison without credentials answered before it (server/http/fast-path.ts).
  const listener = withFastPath(deps, logger, getRequestListener(app.fetch, { hostname: config.HOST }));
  // With the answers in memory, the request path runs a few hundred times before the first user
  // comes (server/http/warm-up.ts): about 0.1 s (0.3 s on PostgreSQL), and the first answers of a
  // fresh server come nearly as quickly as later ones (docs/benchmarks.md, fourteenth round).
  if (preloaded && config.ANONYMOUS_READ) await warmUpRequestPath(deps, logger, listener);
  const server = createServer(listener);
  // What node's parser refuses (a malformed request line or header, headers over 16 KB) is
  // answered in the API's error shape with its reason, instead of a bare status line.
  answerClientErrors(server, logger);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address();
  // PORT=0 asks the OS for a free port: report the one it gave.
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  logger.info({ host: config.HOST, port, build: web.build }, 'listening');
  logger.flush();
  // For the person at the terminal; on stderr, so that stdout stays one JSON object per line.
  console.error(`Zielmonitor läuft auf http://${config.HOST}:${port}`);
  // The schedule and the alert timers run in one instance at a time (the leader).
  let schedule: { stop(): Promise<void> } | null = null;
  const leadership = startLeadership(db, {
    pollMs: config.LEADER_POLL_SECONDS * 1000,
    logger,
    onAcquire: () => {
      if (config.SCHEDULE_ENABLED) schedule = startSchedule(etl, config);
      alerts.start();
    },
    onLose: async () => {
      const running = schedule;
      schedule = null;
      await running?.stop();
      await alerts.pause();
    },
  });

  handleShutdownSignals({ logger, leadership, server, deps });
}

/** Requests of the warm-up: enough for V8 to compile the request path (about 0.1 s in all). */
const WARM_UP_REQUESTS = 256;
/** Regions whose answers the warm-up asks for, in turn: the code is warmed, not every region's entry. */
const WARM_UP_REGIONS = 8;

/**
 * The goals and comparisons of the first WARM_UP_REGIONS regions, WARM_UP_REQUESTS requests in
 * all, answered by `listener` before the server listens (only once the stored answers are in
 * memory, so nothing is computed); the result goes to the log. Never throws.
 */
async function warmUpRequestPath(
  deps: AppServices,
  logger: ReturnType<typeof createLogger>,
  listener: RequestListener,
): Promise<void> {
  try {
    const regions = (await listAllRegions(deps.db.db)).slice(0, WARM_UP_REGIONS).map((r) => r.id);
    if (regions.length === 0) return;
    const paths: string[] = [];
    for (let i = 0; paths.length < WARM_UP_REQUESTS; i++) {
      const region = regions[Math.floor(i / 2) % regions.length];
      paths.push(`${i % 2 === 0 ? '/api/goals' : '/api/comparison'}?region=${region}`);
    }
    const result = await withoutRequestLines(logger, () => warmUp(listener, paths));
    logger.info({ ...result, ms: Math.round(result.ms) }, 'request path warmed up');
  } catch (err) {
    // Only a colder start: the server listens all the same.
    logger.warn({ err }, 'request path not warmed up');
  }
}

/** The longest start-up waits for the check of the stored goals before it listens. */
const STARTUP_CHECK_WAIT_MS = 3000;

/** The longest start-up waits for the stored goals to be read into memory before it listens. */
const PRELOAD_WAIT_MS = 2000;

/**
 * On SIGTERM/SIGINT: stops the schedule, lets running requests and the wizard's background imports
 * finish (within one timeout for both), stops the alert timers and closes the database, in that
 * order. A second signal exits at once (an upload of a job still running is then left for the next
 * start's sweep).
 */
function handleShutdownSignals(parts: {
  logger: ReturnType<typeof createLogger>;
  leadership: ReturnType<typeof startLeadership>;
  server: Server;
  deps: AppServices;
}): void {
  const { logger, leadership, server, deps } = parts;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // One budget for requests and background imports (README's unit: TimeoutStopSec=60).
    const deadline = performance.now() + SHUTDOWN_TIMEOUT_MS;
    const remaining = () => Math.max(0, deadline - performance.now());
    // 1. No new scheduled imports; a running one is finished (each file is one transaction).
    //    Another instance takes over the schedule and alert delivery.
    await leadership.stop();
    // 2. No new connections; idle keep-alive connections closed, running requests finish. A
    //    connection whose request was running becomes idle when it is answered: closed then too,
    //    and a request that still arrives on one is answered with "Connection: close". A kept
    //    connection would otherwise be used on (a wall polling every few seconds) and hold the
    //    process for the whole budget, answering as if nothing were stopping.
    server.prependListener('request', (_req, res) => {
      res.shouldKeepAlive = false;
    });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
    const timedOut = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), remaining()).unref()),
    ]);
    clearInterval(idleCloser);
    if (timedOut) {
      logger.warn({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'requests still running at shutdown; closing them');
      server.closeAllConnections();
    }
    // 3. The wizard's background imports finish too (each file is one transaction). Past the
    //    timeout their uploads are removed; the exit kills the import worker, which rolls back.
    const jobsFrom = performance.now();
    if (!(await deps.importJobs.settle(remaining()))) {
      const waitedMs = Math.round(performance.now() - jobsFrom);
      const running = await deps.importJobs.abandon();
      logger.warn({ waitedMs, running }, 'imports still running at shutdown; abandoned them');
    }
    // 4. Alert timers and mails in flight, then the database.
    await deps.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      shutdown(signal).catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

main().catch((err: unknown) => {
  console.error('Zielmonitor konnte nicht starten:', err);
  process.exit(1);
});
