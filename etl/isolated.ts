/**
 * Runs an import job in a child process (the import worker) with its own heap limit and its own
 * database connection, so that parsing and the one-transaction write never block the server's
 * event loop, and a crash or out-of-memory of the worker becomes an import error instead of a
 * server death. A process, not a worker thread: V8 ends the whole process when one of its isolates
 * exhausts the heap in the middle of a large allocation (Node's grace for a worker's heap limit is
 * 16 MB; a split of a big file into lines needs more at once), and what the import allocated
 * returns to the system when it exits.
 *
 * The parent keeps the in-process guard (one import per database file at a time), forwards
 * progress and log lines, and after a worker death closes the run as 'aborted', records the file
 * that was being read as rejected and frees the cross-process lock the worker held.
 *
 * The import wizard's preview (runPreview) reads and maps an uploaded file in the same worker
 * process, with the same heap limit, and writes nothing: it needs no database, no import lock and
 * no guard (the route limits how many run at once); its death is a rejection of the file.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Transaction } from 'kysely';
import type { ImportLimits } from '../core/limits.js';
import type { Config } from '../server/config.js';
import { waitForWrite } from '../server/db/busy.js';
import type { Db } from '../server/db/connection.js';
import { getDataVersion, syncDataVersion } from '../server/db/repositories/meta.js';
import type { Database, ImportTrigger } from '../server/db/schema.js';
import type { GoalOptions } from '../server/domain/types.js';
import { type PreviewRequest, type PreviewResult, previewOf } from './layouts.js';
import { holdInProcess, ImportBusyError, LOCK_KEY } from './lock.js';
import { type ImportProgress, type RunHooks, storableText } from './run.js';
import type {
  EtlDeps,
  FetchOptions,
  FileResult,
  ImportOptions,
  ImportSource,
  ImportSummary,
  IsolationOptions,
} from './types.js';
import { FileRejection, fileError, fileWithoutRows } from './types.js';
import { forkWorker, takePrestartedWorker } from './worker-process.js';

/**
 * Where the worker opens its own connection: the SQLite file, or the PostgreSQL database (a pool of
 * its own). On both, parsing, validation, the write and the derived data of the new version happen
 * off the server's event loop. An in-memory SQLite database cannot be shared: imports into one run
 * in-process.
 */
export type WorkerDatabase = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

function workerDatabase(db: Db): WorkerDatabase | null {
  if (db.dialect === 'postgres') return { dialect: 'postgres', url: db.url };
  return db.sqlite.name === ':memory:' ? null : { dialect: 'sqlite', path: db.sqlite.name };
}

/** The in-process guard's key: one import per database at a time in this process. */
function guardKey(database: WorkerDatabase): string {
  return database.dialect === 'sqlite' ? resolve(database.path) : `postgres:${database.url}`;
}

export type IsolatedEtlDeps = EtlDeps & { database: WorkerDatabase; isolation: IsolationOptions };

/** `deps` when its import can run in the worker process (isolation asked for, a shareable database), else null. */
export function isolatable(deps: EtlDeps): IsolatedEtlDeps | null {
  const database = workerDatabase(deps.db);
  return deps.isolation && database ? { ...deps, database, isolation: deps.isolation } : null;
}

/** The wizard's preview of the uploaded file at `path` (read, mapped, nothing written). */
export interface PreviewTask {
  kind: 'preview';
  path: string;
  request: PreviewRequest;
}

export type ImportTask =
  | { kind: 'sources'; sources: ImportSource[]; options: ImportOptions }
  | { kind: 'scheduled'; config: Config; trigger: ImportTrigger; settleMs?: number };

export type WorkerTask = ImportTask | PreviewTask;

/** Everything the worker needs, structured-clone safe (sent as its first message). */
export interface WorkerJob {
  task: WorkerTask;
  /** null for a preview: it opens no database. */
  database: WorkerDatabase | null;
  logLevel: string;
  clockOffsetMs: number;
  busyTimeoutMs: number;
  progress: boolean;
  /** The nice value of all the worker's threads (IsolationOptions.niceness). */
  niceness?: number;
  goalOptions?: GoalOptions;
  fetchOptions?: FetchOptions;
  limits?: Partial<ImportLimits>;
  retryBackoffMs?: number;
}

export type WorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'run'; runId: number }
  | { type: 'file-start'; index: number; label: string }
  | { type: 'file-read'; index: number; sha256: string; size: number }
  | { type: 'file'; index: number; result: FileResult }
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; summary: ImportSummary | null }
  | { type: 'failed'; busy: boolean; message: string }
  /** A preview's answer. */
  | { type: 'preview'; result: PreviewResult }
  /** A preview's file is not acceptable (a FileRejection: message and place). */
  | {
      type: 'rejected';
      error: { message: string; sheet: string | null; row: number | null; column: string | null };
    };

/**
 * Set by scripts/build-server.ts in the bundle's banner: the bundle's own URL. The worker entry
 * is then the bundled dist/server/import-worker.js beside it.
 */
declare const __zielmonitorBundleUrl: string | undefined;

let sourceBundle: Promise<URL> | null = null;

/**
 * Running from source (tsx, vitest): the worker entry is bundled once per process with esbuild
 * (a dependency of tsx, so present wherever tsx is) into node_modules/.cache, where the npm
 * packages it leaves external resolve. A plain-JS worker starts in ~0.1 s; loading the TypeScript
 * sources through the tsx loader in every worker took seconds.
 */
function bundleFromSource(): Promise<URL> {
  sourceBundle ??= (async () => {
    const { build } = await import('esbuild');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const outfile = join(root, 'node_modules', '.cache', 'zielmonitor', `import-worker-${process.pid}.mjs`);
    const sourceUrl = new URL('./import-worker.ts', import.meta.url).href;
    await build({
      absWorkingDir: root,
      entryPoints: [join(root, 'etl', 'import-worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // Modules find data/ relative to import.meta.url, one folder below the root, as under tsx.
      define: { 'import.meta.url': '__zielmonitorSourceUrl' },
      banner: { js: `const __zielmonitorSourceUrl = ${JSON.stringify(sourceUrl)};` },
      logLevel: 'silent',
    });
    return pathToFileURL(outfile);
  })();
  return sourceBundle;
}

async function workerEntry(): Promise<URL> {
  if (typeof __zielmonitorBundleUrl === 'string')
    return new URL('./import-worker.js', __zielmonitorBundleUrl);
  return bundleFromSource();
}

function logFromWorker(deps: Pick<EtlDeps, 'logger'>, line: string): void {
  try {
    const {
      level,
      msg,
      time: _t,
      pid: _p,
      hostname: _h,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const label = typeof level === 'number' ? deps.logger.levels.labels[level] : undefined;
    const log =
      label === 'fatal' || label === 'error' || label === 'warn' || label === 'debug' ? label : 'info';
    deps.logger[log]({ ...rest, worker: true }, typeof msg === 'string' ? msg : '');
  } catch {
    deps.logger.info({ worker: true }, line);
  }
}

/** The reason stored for a child that died (V8 reports an exhausted heap on its stderr). */
function crashReason(outOfMemory: boolean): string {
  if (outOfMemory) {
    return 'Import abgebrochen: die Datei braucht mehr Speicher als erlaubt (Grenze IMPORT_WORKER_MAX_MB)';
  }
  return 'Import abgebrochen: der Import-Prozess ist unerwartet beendet worden';
}

/** Runs `task` in a worker; resolves with its summary (null: scheduled run with nothing to do). */
export async function runIsolated(
  deps: IsolatedEtlDeps,
  task: ImportTask,
  hooks: RunHooks = {},
): Promise<ImportSummary | null> {
  const { isolation } = deps;
  const release = holdInProcess(guardKey(deps.database));
  try {
    isolation.onRunning?.(true);
    let summary: ImportSummary | null;
    try {
      summary = await spawn(deps, task, hooks);
    } finally {
      // PostgreSQL: this process's mirror of the data version learns the worker's commits before
      // requests stop holding their version.
      await syncDataVersion(deps.db).catch(() => undefined);
      isolation.onRunning?.(false);
    }
    if (summary?.changed && deps.afterImport) {
      try {
        await deps.afterImport(summary);
      } catch (e) {
        deps.logger.error({ err: e, runId: summary.runId }, 'afterImport failed');
      }
    }
    return summary;
  } finally {
    release();
  }
}

/**
 * Sends the child its job; an error of the channel goes to `onError`. A job that cannot be sent at
 * all (a value that cannot be cloned) ends the child, which waits for its job, and is returned as
 * the reason (else null).
 */
function sendJob(child: ChildProcess, job: WorkerJob, onError: (e: Error) => void): string | null {
  try {
    child.send(job, (e) => {
      if (e) onError(e);
    });
    return null;
  } catch (e) {
    child.kill('SIGKILL');
    return e instanceof Error ? e.message : String(e);
  }
}

/** How much of the child's stderr is kept for the log (its last bytes). */
const STDERR_TAIL = 8 * 1024;
/** V8's report of a heap exhausted ("Reached heap limit", "Ineffective mark-compacts near heap limit"). */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|near heap limit/;

interface StartedChild {
  child: ChildProcess;
  /** The last bytes the child wrote to stderr. */
  stderrTail(): string;
  /** Whether V8 reported an exhausted heap on the child's stderr. */
  outOfMemory(): boolean;
  /** Called once the child has closed: this process no longer kills it at exit. */
  detach(): void;
}

/**
 * Starts the worker process (it waits for its job), or takes the one the command line's entry
 * started early (etl/worker-process.ts), or throws when no process could be started
 * (EAGAIN at a process limit, EMFILE, ENOENT): Node reports those as an 'error' event, after which
 * no 'close' ever comes.
 */
async function startChild(
  deps: Pick<EtlDeps, 'logger'> & { isolation: IsolationOptions },
): Promise<StartedChild> {
  const { isolation } = deps;
  const entry = await workerEntry();
  const entryPath = fileURLToPath(entry);
  const options = { maxOldGenerationSizeMb: isolation.maxOldGenerationSizeMb };
  const prestarted = takePrestartedWorker(entryPath, options);
  const child = prestarted ?? forkWorker(entryPath, options);
  deps.logger.debug({ pid: child.pid, prestarted: prestarted !== null }, 'import worker process');
  if (child.pid === undefined) {
    const [err] = (await once(child, 'error')) as [Error];
    throw err;
  }
  if (isolation.niceness !== undefined) {
    // Its main thread at once; the child sets its other threads when the job comes.
    try {
      setPriority(child.pid, isolation.niceness);
    } catch (err) {
      deps.logger.warn({ err }, 'import worker priority not set');
    }
  }
  // The child ends with this process: at its exit (a shutdown, process.exit) it is killed, and it
  // exits itself when the channel closes (this process killed). Its transaction then rolls back.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  let stderr = '';
  let outOfMemory = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
    outOfMemory ||= OUT_OF_MEMORY.test(stderr);
  });
  return {
    child,
    stderrTail: () => stderr,
    outOfMemory: () => outOfMemory,
    detach: () => process.removeListener('exit', killChild),
  };
}

async function spawn(
  deps: IsolatedEtlDeps,
  task: ImportTask,
  hooks: RunHooks,
): Promise<ImportSummary | null> {
  const { isolation } = deps;
  const clock = deps.clock ?? (() => new Date());
  const job: WorkerJob = {
    task,
    database: deps.database,
    logLevel: deps.logger.level,
    clockOffsetMs: clock().getTime() - Date.now(),
    busyTimeoutMs: 10_000,
    progress: hooks.onProgress !== undefined,
    ...(isolation.niceness !== undefined ? { niceness: isolation.niceness } : {}),
    ...(isolation.goalOptions ? { goalOptions: isolation.goalOptions } : {}),
    ...(deps.fetchOptions ? { fetchOptions: deps.fetchOptions } : {}),
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(hooks.retryBackoffMs !== undefined ? { retryBackoffMs: hooks.retryBackoffMs } : {}),
  };
  const started = await startChild(deps);
  const { child } = started;
  let runId = 0;
  let current: CurrentFile | null = null;
  const files: FileResult[] = [];
  let outcome: { summary: ImportSummary | null } | { failed: string; busy: boolean } | null = null;
  let error: unknown = null;
  return new Promise((resolvePromise, rejectPromise) => {
    child.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'log':
          logFromWorker(deps, m.line);
          break;
        case 'run':
          runId = m.runId;
          break;
        case 'file-start':
          current = { index: m.index, label: m.label };
          break;
        case 'file-read':
          if (current?.index === m.index) current = { ...current, sha256: m.sha256, size: m.size };
          break;
        case 'file':
          current = null;
          files.push(m.result);
          void hooks.onFile?.(m.index, m.result, null);
          break;
        case 'progress':
          hooks.onProgress?.(m.progress);
          break;
        case 'done':
          outcome = { summary: m.summary };
          break;
        case 'failed':
          // After 'done' (the import committed), a later failure is the child's own clean-up.
          outcome ??= { failed: m.message, busy: m.busy };
          break;
      }
    });
    child.on('error', (e) => {
      error ??= e;
    });
    const unsendable = sendJob(child, job, (e) => {
      error ??= e;
    });
    if (unsendable !== null) outcome = { failed: unsendable, busy: false };
    // 'close': the child has exited and its channel and stderr are read to the end, so every
    // message it sent has arrived.
    child.on('close', (code, signal) => {
      started.detach();
      const said = started.stderrTail().trim();
      const o: typeof outcome = outcome;
      if (o !== null && said !== '')
        deps.logger.warn({ stderr: said.slice(-2000) }, 'import worker wrote to stderr');
      if (o !== null && 'summary' in o) return resolvePromise(o.summary);
      if (o !== null && 'failed' in o) {
        return rejectPromise(o.busy ? new ImportBusyError(o.failed) : new Error(o.failed));
      }
      const reason = crashReason(started.outOfMemory());
      deps.logger.error(
        {
          err: error,
          code,
          signal,
          stderr: started.stderrTail().trim().slice(-2000),
          pid: child.pid,
          runId,
          file: current?.label,
        },
        'import process died',
      );
      recoverCrashedRun(deps, child.pid ?? 0, runId, current, files, reason).then(
        resolvePromise,
        rejectPromise,
      );
    });
  });
}

/**
 * The result of `label`, the file a dead worker was reading, from the row the worker wrote for it
 * in run `runId`, or null when it wrote none (the file's transaction rolled back). The rows of
 * earlier files of the same name in the run are those the worker reported (`done`).
 */
async function fileRecordedBy(
  trx: Transaction<Database>,
  runId: number,
  label: string,
  done: readonly FileResult[],
): Promise<FileResult | null> {
  const rows = await trx
    .selectFrom('imported_files')
    .select(['sha256', 'size', 'status', 'rows_inserted', 'rows_updated', 'rows_unchanged', 'error'])
    .where('run_id', '=', runId)
    .where('path', '=', storableText(label))
    .orderBy('id')
    .execute();
  const row = rows[done.filter((f) => f.path === label).length];
  if (row === undefined) return null;
  return {
    path: label,
    sha256: row.sha256,
    size: Number(row.size),
    status: row.status,
    inserted: Number(row.rows_inserted),
    updated: Number(row.rows_updated),
    unchanged: Number(row.rows_unchanged),
    error: row.error === null ? null : fileError(label, row.error),
  };
}

/** The file a worker was reading, as far as it told: its checksum and size once it had read it. */
interface CurrentFile {
  index: number;
  label: string;
  sha256?: string;
  size?: number;
}

/**
 * After a worker death: the run becomes 'aborted', the file being read is recorded as rejected
 * with the reason (unless the worker had committed it: then as the worker recorded it), and
 * (SQLite) the lock row the worker held (its process id) is removed. On PostgreSQL the worker's
 * connections ended with it: its transaction rolled back and its session lock is free.
 */
export async function recoverCrashedRun(
  deps: IsolatedEtlDeps,
  childPid: number,
  runId: number,
  current: CurrentFile | null,
  done: readonly FileResult[],
  reason: string,
): Promise<ImportSummary> {
  const clock = deps.clock ?? (() => new Date());
  const now = clock().toISOString();
  // As the in-process path stores them: PostgreSQL refuses NUL in text (a file name may hold one).
  const runError = storableText(current ? `Datei ${current.label}: ${reason}` : reason);
  const { db } = deps;
  // The file being read when the worker died, as the database has it: recorded by the worker
  // when it died after the file's commit but before it could say so, else null.
  let recorded: FileResult | null = null;
  let startedAt = now;
  // SQLite: the server's connection has no busy timeout; waitForWrite retries a busy write.
  await waitForWrite(() =>
    db.db.transaction().execute(async (trx) => {
      recorded = null;
      if (runId > 0) {
        const run = await trx
          .selectFrom('import_runs')
          .select('started_at')
          .where('id', '=', runId)
          .executeTakeFirst();
        startedAt = run?.started_at ?? now;
        await trx
          .updateTable('import_runs')
          .set({ status: 'aborted', finished_at: now, error: runError })
          .where('id', '=', runId)
          .where('status', '=', 'running') // a run the worker finished keeps its outcome
          .execute();
        if (current) recorded = await fileRecordedBy(trx, runId, current.label, done);
        if (current && recorded === null) {
          await trx
            .insertInto('imported_files')
            .values({
              run_id: runId,
              path: storableText(current.label),
              sha256: current.sha256 ?? '',
              size: current.size ?? 0,
              status: 'rejected',
              rows_inserted: 0,
              rows_updated: 0,
              rows_unchanged: 0,
              error: runError,
              sample: 0,
              imported_at: now,
            })
            .execute();
        }
      }
      if (db.dialect === 'sqlite') {
        await trx
          .deleteFrom('meta')
          .where('key', '=', LOCK_KEY)
          .where('value', 'like', `%"pid":${childPid},%`)
          .execute();
      }
    }),
  );
  const files = [...done];
  if (current !== null) {
    files.push(
      recorded ??
        fileWithoutRows(
          current.label,
          { sha256: current.sha256 ?? '', size: current.size ?? 0 },
          fileError(current.label, reason),
        ),
    );
  }
  const sum = (k: 'inserted' | 'updated' | 'unchanged') => files.reduce((a, f) => a + f[k], 0);
  return {
    runId,
    status: 'aborted',
    startedAt,
    finishedAt: now,
    files,
    inserted: sum('inserted'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    changed: files.some((f) => f.status === 'imported' && f.inserted + f.updated > 0),
    dataVersion: await getDataVersion(db.db),
  };
}

/** How long a preview may take in the worker before it is stopped (a draft's preview is interactive). */
export const PREVIEW_TIMEOUT_MS = 120_000;

export interface PreviewOptions {
  /** Aborted (the client went away): the worker is killed, the promise rejects with the reason. */
  signal?: AbortSignal;
  /** PREVIEW_TIMEOUT_MS unless set. */
  timeoutMs?: number;
}

/**
 * The import wizard's preview of the file at `path`: read and mapped in the worker process when
 * `deps` ask for isolation (also over an in-memory database: the preview reads none), else here.
 * A file the readers refuse, or one that needs more memory or time than the worker has, rejects
 * with a FileRejection; the caller removes the file.
 */
export async function runPreview(
  deps: Pick<EtlDeps, 'logger' | 'isolation'>,
  path: string,
  request: PreviewRequest,
  options: PreviewOptions = {},
): Promise<PreviewResult> {
  const { isolation } = deps;
  if (!isolation) return previewOf(new Uint8Array(await readFile(path)), request);
  return previewInWorker({ logger: deps.logger, isolation }, { kind: 'preview', path, request }, options);
}

/** Why a preview's worker ended without an answer. */
function previewStopReason(stopped: 'timeout' | 'aborted' | null, outOfMemory: boolean, ms: number): string {
  if (outOfMemory) {
    return 'Vorschau abgebrochen: die Datei braucht mehr Speicher als erlaubt (Grenze IMPORT_WORKER_MAX_MB)';
  }
  if (stopped === 'timeout') {
    return `Vorschau abgebrochen: die Datei braucht länger als ${Math.round(ms / 1000)} Sekunden`;
  }
  return 'Vorschau abgebrochen: der Vorschau-Prozess ist unerwartet beendet worden';
}

type PreviewOutcome =
  | { result: PreviewResult }
  | { rejected: Extract<WorkerMessage, { type: 'rejected' }>['error'] }
  | { failed: string };

function previewSettled(outcome: PreviewOutcome): Promise<PreviewResult> {
  if ('result' in outcome) return Promise.resolve(outcome.result);
  if ('rejected' in outcome) {
    const { message, sheet, row, column } = outcome.rejected;
    return Promise.reject(new FileRejection(message, sheet, row, column));
  }
  return Promise.reject(new Error(outcome.failed));
}

async function previewInWorker(
  deps: Pick<EtlDeps, 'logger'> & { isolation: IsolationOptions },
  task: PreviewTask,
  options: PreviewOptions,
): Promise<PreviewResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? PREVIEW_TIMEOUT_MS;
  const job: WorkerJob = {
    task,
    database: null,
    logLevel: deps.logger.level,
    clockOffsetMs: 0,
    busyTimeoutMs: 0,
    progress: false,
    ...(deps.isolation.niceness !== undefined ? { niceness: deps.isolation.niceness } : {}),
  };
  const started = await startChild(deps);
  const { child } = started;
  let outcome: PreviewOutcome | null = null;
  let stopped: 'timeout' | 'aborted' | null = null;
  let error: unknown = null;
  const stop = (why: 'timeout' | 'aborted') => {
    stopped ??= why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop('aborted');
  return new Promise((resolvePromise, rejectPromise) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'log') logFromWorker(deps, m.line);
      else if (m.type === 'preview') outcome ??= { result: m.result };
      else if (m.type === 'rejected') outcome ??= { rejected: m.error };
      else if (m.type === 'failed') outcome ??= { failed: m.message };
    });
    child.on('error', (e) => {
      error ??= e;
    });
    const unsendable = sendJob(child, job, (e) => {
      error ??= e;
    });
    if (unsendable !== null) outcome = { failed: unsendable };
    child.on('close', (code, signalName) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      started.detach();
      const o: PreviewOutcome | null = outcome;
      if (o !== null) return previewSettled(o).then(resolvePromise, rejectPromise);
      if (stopped === 'aborted') return rejectPromise(signal?.reason ?? new Error('Vorschau abgebrochen'));
      const reason = previewStopReason(stopped, started.outOfMemory(), timeoutMs);
      deps.logger.warn(
        {
          err: error,
          code,
          signal: signalName,
          stderr: started.stderrTail().trim().slice(-2000),
          pid: child.pid,
        },
        'preview process ended without an answer',
      );
      rejectPromise(new FileRejection(reason));
    });
  });
}
