/**
 * A busy database, handled without blocking the event loop. The server's connection has no
 * SQLite busy timeout (busy_timeout = 0): a write that meets another writer (an import in a worker
 * thread or in another process) fails at once with SQLITE_BUSY instead of spinning the main thread
 * for seconds. `waitForWrite` retries such a write asynchronously with backoff for a bounded time,
 * then gives up with DatabaseBusyError, which the API answers with 503 + Retry-After.
 * Reads never wait: in WAL mode readers do not block on a writer.
 */
import { DomainError } from '../domain/errors.js';

/** The database stayed locked by another writer for longer than the wait allows. */
export class DatabaseBusyError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Ein Import läuft gerade; die Datenbank ist für Änderungen belegt. Bitte in einigen Sekunden erneut versuchen.',
  ) {
    super('database_busy', message);
    this.name = 'DatabaseBusyError';
  }
}

/** True for SQLite's "database is locked" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, …). */
export function isBusyError(e: unknown): boolean {
  if (!(e instanceof Error) || !('code' in e) || typeof e.code !== 'string') return false;
  return e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED');
}

/** How long a write waits for a busy database (ms); the server sets it from DB_BUSY_WAIT_MS. */
let defaultWaitMs = 10_000;

export function setDefaultBusyWait(ms: number): void {
  defaultWaitMs = ms;
}

export function busyWaitMs(): number {
  return defaultWaitMs;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `write` (synchronous or async); while it fails because the database is busy, waits
 * (25 ms doubling to 500 ms) and tries again, up to `maxWaitMs` in all. Then DatabaseBusyError.
 */
export async function waitForWrite<T>(write: () => T | Promise<T>, maxWaitMs = defaultWaitMs): Promise<T> {
  const started = Date.now();
  for (let delay = 25; ; delay = Math.min(500, delay * 2)) {
    try {
      return await write();
    } catch (e) {
      if (!isBusyError(e)) throw e;
      const waited = Date.now() - started;
      if (waited >= maxWaitMs) throw new DatabaseBusyError(Math.max(1, Math.ceil(maxWaitMs / 1000)));
      await sleep(Math.min(delay, maxWaitMs - waited));
    }
  }
}
