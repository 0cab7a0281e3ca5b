/**
 * Ends this process when the process that forked it is gone, watched from a thread of its own.
 * The import worker's other checks (its channel's 'disconnect', the parent check at each progress
 * step) run on the main thread, and a parser busy in one long synchronous step does not reach
 * them: a worker whose command line was killed while exceljs expanded a hostile sheet kept a
 * core busy for minutes, orphaned. This thread runs beside any such step and ends the process
 * with SIGKILL; a transaction not yet committed rolls back, as for any crash.
 */
import { Worker } from 'node:worker_threads';

/** The thread's code (CommonJS, run with `eval`): signal 0 probes whether the parent lives. */
const WATCH = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  try {
    process.kill(workerData.parentPid, 0);
  } catch (e) {
    // EPERM: it lives under another user (it cannot: the parent forked this process).
    if (e.code !== 'EPERM') process.kill(process.pid, 'SIGKILL');
  }
}, workerData.intervalMs);
`;

/** Starts the watch; it does not keep this process alive. */
export function watchParentFromThread(parentPid: number, intervalMs = 1000): void {
  const thread = new Worker(WATCH, { eval: true, workerData: { parentPid, intervalMs } });
  // A failure of the watch (no thread could be started) leaves the main thread's checks.
  thread.on('error', () => undefined);
  thread.unref();
}
