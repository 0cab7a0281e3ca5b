/**
 * Imports that run in the background while the browser polls their progress (rows, percent):
 * the upload answers at once with a job id, the page shows progress and may be left; the run
 * log holds the result. One registry per app instance (no module state).
 */
import { waitForWrite } from '../server/db/busy.js';
import { setImportRunStartedBy } from '../server/db/repositories/imports.js';
import { ImportBusyError, type ImportSummary, runImport } from './index.js';
import type { ImportProgress } from './run.js';
import { ABORTED_MESSAGE, type EtlDeps, formatImportError, type ImportSource } from './types.js';

export interface ImportJob {
  id: string;
  file: string;
  state: 'running' | 'done' | 'failed';
  phase: ImportProgress['phase'] | null;
  rows: number;
  total: number | null;
  /** 0..100, parse counted as the first half, write as the second. */
  percent: number;
  startedAt: string;
  finishedAt: string | null;
  summary: ImportSummary | null;
  error: string | null;
}

export interface ImportJobs {
  /**
   * `done` runs once: when the import has ended, whatever its outcome, or earlier by `abandon` (an
   * upload's temporary file removed).
   */
  start(
    name: string,
    source: ImportSource,
    done?: () => Promise<void> | void,
    /** Who uploaded it, for the run log (`import_runs.started_by`). */
    startedBy?: string | null,
  ): ImportJob;
  get(id: string): ImportJob | undefined;
  list(): ImportJob[];
  /**
   * Resolves true once no job runs (each one's `done` included; jobs started meanwhile too), or
   * false after `timeoutMs` with jobs still running. A shutdown waits here as it waits for requests.
   */
  settle(timeoutMs: number): Promise<boolean>;
  /**
   * Runs the `done` of every job still running (an upload's temporary file removed), for a
   * shutdown that stops waiting: the process's exit then kills the import worker, whose
   * transaction rolls back. Resolves to the number of those jobs.
   */
  abandon(): Promise<number>;
}

const KEEP = 50;

export function createImportJobs(etl: EtlDeps, clock: () => Date): ImportJobs {
  const jobs = new Map<string, ImportJob>();
  /** The clean-up of each running job, run once: by the job's end or by `abandon`. */
  const running = new Map<string, { ended: Promise<void>; cleanUp: () => Promise<void> }>();
  let seq = 0;
  const start = (
    name: string,
    source: ImportSource,
    done?: () => Promise<void> | void,
    startedBy: string | null = null,
  ): ImportJob => {
    seq++;
    const job: ImportJob = {
      id: `${clock().getTime().toString(36)}-${seq}`,
      file: name,
      state: 'running',
      phase: null,
      rows: 0,
      total: null,
      percent: 0,
      startedAt: clock().toISOString(),
      finishedAt: null,
      summary: null,
      error: null,
    };
    jobs.set(job.id, job);
    while (jobs.size > KEEP) jobs.delete(jobs.keys().next().value as string);
    const onProgress = (p: ImportProgress) => {
      job.phase = p.phase;
      job.rows = p.rows;
      job.total = p.total;
      job.percent = Math.round((p.phase === 'parse' ? p.fraction * 50 : 50 + p.fraction * 50) * 10) / 10;
    };
    let cleaned: Promise<void> | undefined;
    const cleanUp = () => {
      cleaned ??= (async () => {
        try {
          await done?.();
        } catch {
          // Clean-up of a temporary file: nothing a poller of the job could act on.
        }
      })();
      return cleaned;
    };
    // Started on the next turn: the caller answers with the job first.
    const ended = new Promise<void>((resolve) => setImmediate(resolve))
      // As every upload: in the import worker when the server has one (its own heap and core).
      .then(() => runImport(etl, [source], { trigger: 'upload' }, { onProgress }))
      .then(async (summary) => {
        job.summary = summary;
        // The run log names the person, as for an upload through POST /api/imports: before the job
        // says it has ended (a poller then finds the name), best effort, so that a failure to note
        // it never turns a committed import into a failed job (a busy database is waited for).
        if (startedBy !== null) {
          await waitForWrite(() => setImportRunStartedBy(etl.db.db, summary.runId, startedBy)).catch(
            (err: unknown) =>
              etl.logger.warn({ err, runId: summary.runId }, 'uploader not noted in the run log'),
          );
        }
        // 'aborted': the import worker died (out of memory, killed), perhaps outside a file. Its
        // file stands as imported when the worker had committed it (etl/isolated.ts).
        const error = summary.files.find((f) => f.error)?.error;
        const failed =
          summary.status === 'failed' ||
          (summary.status === 'aborted' && (error !== undefined || summary.files.length === 0));
        job.state = failed ? 'failed' : 'done';
        job.error = error ? formatImportError(error) : failed ? ABORTED_MESSAGE : null;
        job.rows = summary.inserted + summary.updated + summary.unchanged;
        job.percent = 100;
      })
      .catch((e: unknown) => {
        job.state = 'failed';
        job.error =
          e instanceof ImportBusyError
            ? 'Es läuft bereits ein Import; bitte gleich noch einmal versuchen.'
            : e instanceof Error
              ? e.message
              : String(e);
      })
      .then(async () => {
        job.finishedAt = clock().toISOString();
        await cleanUp();
        running.delete(job.id);
      });
    running.set(job.id, { ended, cleanUp });
    return job;
  };
  return {
    start,
    get: (id) => jobs.get(id),
    list: () => [...jobs.values()].reverse(),
    settle: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        // Again while jobs remain: one may start while others are awaited (a request still running).
        while (running.size > 0) {
          const all = Promise.all([...running.values()].map((r) => r.ended)).then(() => true as const);
          if (!(await Promise.race([all, timedOut]))) return false;
        }
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
    abandon: async () => {
      const left = [...running.values()];
      await Promise.all(left.map((r) => r.cleanUp()));
      return left.length;
    },
  };
}
