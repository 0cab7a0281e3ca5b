/**
 * Entry of the import worker process (see isolated.ts; started with `fork`): receives one import
 * job as its first message, opens its own connection to the database (the SQLite file, or a pool
 * on PostgreSQL), runs the job, reports progress, finished files and log lines to the parent and
 * ends with the summary. Its heap is limited by the parent (`--max-old-space-size`): a hostile
 * file that still gets past the parsers' limits kills this process, not the server. A preview job
 * (the import wizard's) opens no database: it reads the file, answers with the preview and ends.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import pino from 'pino';
import { type Db, openDatabase, openPostgres } from '../server/db/connection.js';
import { storeRegionSummariesIn } from '../server/db/repositories/region-summaries.js';
import { DATA_MONTH_CODES } from '../server/goals/region-data.js';
import { ensureDerived } from '../server/goals/snapshot.js';
import type { ImportTask, PreviewTask, WorkerDatabase, WorkerJob, WorkerMessage } from './isolated.js';
import { previewOf } from './layouts.js';
import { ImportBusyError } from './lock.js';
import { watchParentFromThread } from './parent-watch.js';
import { executeImport, prepareSources, type RunHooks } from './run.js';
import { runScheduled } from './schedule.js';
import { type EtlDeps, FileRejection } from './types.js';

const send = process.send?.bind(process);
if (send === undefined) throw new Error('etl/import-worker.ts runs only as a child process (fork)');
/** Resolves when the last message sent so far is written to the channel (messages keep their order). */
let sent: Promise<void> = Promise.resolve();
const post = (m: WorkerMessage) => {
  sent = new Promise((resolve) => send(m, undefined, undefined, () => resolve()));
};

// Its parent decides when it ends: a signal to the whole process group (Ctrl+C, systemd's stop)
// reaches this process too, and would end the import the server's shutdown waits for.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);

// The parent is gone (killed): end here, so that a transaction not yet committed rolls back, as it
// did when the worker was a thread of the server. Between statements; SQLite's synchronous write
// runs to its end first.
process.on('disconnect', () => process.exit(70));

/** The process that forked this one (the server, or the command line). */
const parentPid = process.ppid;
// Also while the main thread is busy in one long step (parent-watch.ts).
watchParentFromThread(parentPid);

/**
 * Ends this process when its parent is gone. A SIGKILL of the command line alone leaves this
 * process running, and its 'disconnect' is not seen while the parse and the write keep the event
 * loop busy: without this check the orphan committed the import its user had killed. Checked at
 * each progress step and before each file's commit (a signal 0 is one cheap system call).
 */
function endIfOrphaned(): void {
  try {
    process.kill(parentPid, 0);
  } catch (e) {
    // EPERM: it lives, under another user (it cannot: the parent forked this process).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') process.exit(70);
  }
}

/** The wizard's preview: the file read and mapped here, a rejection reported with its place. */
async function preview(task: PreviewTask): Promise<void> {
  const bytes = await readFile(task.path);
  try {
    post({ type: 'preview', result: await previewOf(bytes, task.request) });
  } catch (e) {
    if (!(e instanceof FileRejection)) throw e;
    post({ type: 'rejected', error: { message: e.message, sheet: e.sheet, row: e.row, column: e.column } });
  }
}

async function run(job: WorkerJob): Promise<void> {
  const { task, database } = job;
  if (task.kind === 'preview') return preview(task);
  if (database === null) throw new Error('an import job needs a database');
  return runImportJob(job, task, database);
}

async function runImportJob(job: WorkerJob, task: ImportTask, database: WorkerDatabase): Promise<void> {
  const logger = pino(
    { level: job.logLevel === '' ? 'info' : job.logLevel },
    { write: (line: string) => post({ type: 'log', line }) },
  );
  // PostgreSQL: a pool of its own (the write transaction, the lock's session, a reader).
  const db: Db =
    database.dialect === 'sqlite'
      ? await openDatabase(database.path, { migrate: false, busyTimeoutMs: job.busyTimeoutMs })
      : await openPostgres(database.url, {
          migrate: false,
          poolSize: 3,
          applicationName: 'zielmonitor-import',
          // A statement that hangs (a lost connection, a lock never granted) ends the import
          // instead of holding this instance's data version for ever; the national file's COPY
          // takes about 30 s.
          statementTimeoutMs: 10 * 60_000,
        });
  const deps: EtlDeps = {
    db,
    logger,
    clock: () => new Date(Date.now() + job.clockOffsetMs),
    ...(job.fetchOptions ? { fetchOptions: job.fetchOptions } : {}),
    ...(job.limits ? { limits: job.limits } : {}),
    ...(job.goalOptions
      ? { afterChange: (trx, version) => storeRegionSummariesIn(trx, version, DATA_MONTH_CODES) }
      : {}),
    beforeCommit: endIfOrphaned,
  };
  const hooks: RunHooks = {
    onRunStart: (runId) => post({ type: 'run', runId }),
    onFileStart: (index, label) => post({ type: 'file-start', index, label }),
    onFileRead: (index, content) => post({ type: 'file-read', index, ...content }),
    onFile: (index, result) => post({ type: 'file', index, result }),
    onProgress: (p) => {
      endIfOrphaned();
      if (job.progress) post({ type: 'progress', progress: p });
    },
    ...(job.retryBackoffMs !== undefined ? { retryBackoffMs: job.retryBackoffMs } : {}),
  };
  try {
    const summary =
      task.kind === 'sources'
        ? await executeImport(deps, prepareSources(deps, task.sources, hooks), task.options, hooks)
        : await runScheduled(deps, task.config, {
            trigger: task.trigger,
            ...(task.settleMs !== undefined ? { settleMs: task.settleMs } : {}),
            hooks,
          });
    // The import is committed: the parent learns its outcome now, so that a death in what follows
    // (out of memory while building the goals) does not turn a successful run into an aborted one.
    post({ type: 'done', summary });
    // The goals of the new data version, stored here rather than on the server's event loop. A
    // failure is logged; the server builds them itself when it finds them missing.
    if (summary?.changed && job.goalOptions) {
      try {
        const derived = await ensureDerived(db.db, job.goalOptions);
        if (derived.storeError !== undefined)
          logger.warn({ err: derived.storeError }, 'goal snapshots not stored');
      } catch (err) {
        logger.warn({ err }, 'goal snapshots not built');
      }
    }
  } finally {
    await db.close();
  }
}

/**
 * Every thread of this process at `niceness` (Linux: a nice value is a thread's; the parent set
 * the main thread's, V8's helper threads were started before). Best effort.
 */
function lowerPriority(niceness: number): void {
  let tasks: string[] = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    tasks = [String(process.pid)];
  }
  for (const tid of tasks) {
    try {
      setPriority(Number(tid), niceness);
    } catch {
      // gone, or not allowed: the main thread's priority stands
    }
  }
}

process.once('message', (job: WorkerJob) => {
  if (job.niceness !== undefined) lowerPriority(job.niceness);
  run(job)
    .then(
      () => undefined, // 'done' (or the preview) was posted as soon as it was known
      (e: unknown) =>
        post({
          type: 'failed',
          busy: e instanceof ImportBusyError,
          message: e instanceof Error ? e.message : String(e),
        }),
    )
    // The channel keeps this process alive (the 'disconnect' listener): it ends once its last
    // message is written.
    .then(() => sent)
    .then(() => process.exit(0));
});
