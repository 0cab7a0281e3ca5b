/**
 * Starting the import worker process (etl/import-worker.ts; etl/isolated.ts runs the job), and
 * starting it early: the command line's entry (etl/cli-entry.ts) forks the worker before its own
 * bundle loads, so that the worker's node start and module loading (about 0.3 s on a slow
 * machine) run on the second core while the command line loads, opens and migrates the database.
 * Node's modules only: the entry must not load the command line's packages before the fork.
 *
 * The prestarted worker is kept on the global object because this module sits in both bundles
 * (the entry and the command line, scripts/build-server.ts). It is taken only by an import with
 * the same entry and heap limit; otherwise, or when the command line ends without an import,
 * it is killed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { Socket } from 'node:net';

export interface WorkerProcessOptions {
  /** `--max-old-space-size` of the worker (MB). */
  maxOldGenerationSizeMb: number;
}

/** Forks the worker entry at `entryPath`; it waits for its job (the first message). */
export function forkWorker(entryPath: string, options: WorkerProcessOptions): ChildProcess {
  return fork(entryPath, [], {
    // Nothing of the parent's flags but the CPU profiler's (bench/etl.ts profiles both processes).
    execArgv: [
      ...process.execArgv.filter((a) => a === '--cpu-prof' || /^--cpu-prof-[a-z]+=/.test(a)),
      `--max-old-space-size=${options.maxOldGenerationSizeMb}`,
    ],
    // Buffers (an upload) and the summary's dates cross as they are (structured clone).
    serialization: 'advanced',
    // Its log lines come as messages; stray output goes where the parent's does; stderr is
    // read for V8's out-of-memory report and logged (not passed on: V8's report is a page).
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
}

interface Prestarted {
  entryPath: string;
  options: WorkerProcessOptions;
  child: ChildProcess;
  failed: boolean;
}

const PRESTARTED = Symbol.for('zielmonitor.prestartedImportWorker');
const slot = globalThis as { [PRESTARTED]?: Prestarted | undefined };

/**
 * Forks the worker now for an import that will come. Until it is taken it does not keep this
 * process alive (the command line may end without importing).
 */
export function prestartWorker(entryPath: string, options: WorkerProcessOptions): void {
  discardPrestartedWorker();
  const child = forkWorker(entryPath, options);
  const prestarted: Prestarted = { entryPath, options, child, failed: false };
  child.on('error', () => {
    prestarted.failed = true;
  });
  // Its process, channel and stderr pipe: none keeps this process alive until it is taken.
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket | null)?.unref();
  slot[PRESTARTED] = prestarted;
}

/**
 * The prestarted worker when it was started for `entryPath` with `options` and still waits for
 * its job; else null (and a prestarted one that does not fit is killed).
 */
export function takePrestartedWorker(entryPath: string, options: WorkerProcessOptions): ChildProcess | null {
  const p = slot[PRESTARTED];
  if (p === undefined) return null;
  slot[PRESTARTED] = undefined;
  const usable =
    !p.failed &&
    p.entryPath === entryPath &&
    p.options.maxOldGenerationSizeMb === options.maxOldGenerationSizeMb &&
    p.child.pid !== undefined &&
    p.child.exitCode === null &&
    p.child.signalCode === null &&
    p.child.connected;
  if (!usable) {
    p.child.kill('SIGKILL');
    return null;
  }
  p.child.ref();
  p.child.channel?.ref();
  (p.child.stderr as Socket | null)?.ref();
  return p.child;
}

/** Kills a prestarted worker that no import took (the command line is done). */
export function discardPrestartedWorker(): void {
  const p = slot[PRESTARTED];
  slot[PRESTARTED] = undefined;
  p?.child.kill('SIGKILL');
}
