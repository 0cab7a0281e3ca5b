/**
 * When the alert engine runs by itself: retries of failed mails, the periodic check (missing data,
 * once-a-day evaluation) and a cheap watch on the data version, so that an import by the CLI in
 * another process is mailed within seconds instead of at the next check.
 *
 * All operations run one at a time (a serial queue), so an import finishing during the daily check
 * cannot make two evaluations race for the same state; timers skip a tick while the queue is busy
 * (no pile-up behind a slow SMTP server).
 */
import type { Logger } from '../logger.js';
import { berlinDay } from './alert-config.js';
import { errorText } from './delivery.js';
import type { AlertTrigger, Clock } from './types.js';

export interface SerialQueue {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Operations queued or running. */
  size(): number;
  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void>;
}

export function createSerialQueue(): SerialQueue {
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  return {
    run(fn) {
      queued++;
      const run = chain.then(fn, fn).finally(() => {
        queued--;
      });
      chain = run.catch(() => undefined);
      return run;
    },
    size: () => queued,
    idle: () => chain.then(() => undefined),
  };
}

export interface TimerPeriods {
  /** Retries of failed mails (default 30 s). */
  retryIntervalMs?: number;
  /** Missing-data check and the daily evaluation (default 15 min). */
  checkIntervalMs?: number;
  /** The first check after start (default 5 s). */
  firstCheckDelayMs?: number;
  /** How often the data version is read to notice an import by another process (default 20 s). */
  versionPollMs?: number;
}

export interface AlertJobs {
  deliverDue(): Promise<unknown>;
  checkMissing(): Promise<unknown>;
  evaluate(trigger: AlertTrigger): Promise<unknown>;
  /** One indexed read of meta.data_version. */
  readDataVersion(): Promise<string>;
  /** The data version the last evaluation saw (null: none yet). */
  lastEvaluatedVersion(): string | null;
}

/** Starts the timers on `queue`; returns a function that clears them. */
export function startAlertTimers(
  queue: SerialQueue,
  jobs: AlertJobs,
  opts: { clock: Clock; log: Logger; periods?: TimerPeriods },
): () => void {
  const { clock, log } = opts;
  const periods = {
    retryIntervalMs: opts.periods?.retryIntervalMs ?? 30_000,
    checkIntervalMs: opts.periods?.checkIntervalMs ?? 15 * 60_000,
    firstCheckDelayMs: opts.periods?.firstCheckDelayMs ?? 5_000,
    versionPollMs: opts.periods?.versionPollMs ?? 20_000,
  };
  const timers: NodeJS.Timeout[] = [];
  let lastDailyEvaluation: string | null = null;
  const report = (what: string) => (err: unknown) =>
    log.error({ error: errorText(err) }, `alerts: ${what} failed`);
  const versionMoved = async () => {
    const version = await jobs.readDataVersion().catch(() => null);
    const last = jobs.lastEvaluatedVersion();
    return version !== null && last !== null && version !== last;
  };

  // One tick is one queued operation, so stop() (which awaits the queue) never leaves half a tick running.
  const tick = () => {
    if (queue.size() > 0 || timers.length === 0) return;
    void queue.run(async () => {
      await jobs.deliverDue().catch(report('retry'));
      await jobs.checkMissing().catch(report('missing-data check'));
      // Once a day, and whenever the data version moved without an evaluation here: catches
      // changed targets or settings too.
      const today = berlinDay(clock());
      if (lastDailyEvaluation !== today || (await versionMoved())) {
        lastDailyEvaluation = today;
        await jobs.evaluate('daily').catch(report('daily evaluation'));
      }
    });
  };
  // An import by `npm run etl` in another process moves the data version without calling us.
  const watchVersion = () => {
    if (queue.size() > 0 || timers.length === 0) return;
    void queue.run(async () => {
      if (await versionMoved()) {
        log.info('data version moved outside this process: evaluating alerts');
        await jobs.evaluate('import').catch(report('evaluation after an outside import'));
      }
    });
  };
  timers.push(
    setTimeout(tick, periods.firstCheckDelayMs).unref(),
    setInterval(tick, periods.checkIntervalMs).unref(),
    setInterval(watchVersion, periods.versionPollMs).unref(),
    setInterval(() => {
      if (queue.size() === 0) void queue.run(() => jobs.deliverDue()).catch(report('retry'));
    }, periods.retryIntervalMs).unref(),
  );
  return () => {
    for (const t of timers.splice(0)) clearTimeout(t);
  };
}
