/**
 * Timing for an unattended screen: one timer for everything (rotation, polling, retries, the
 * clock) and the retry backoff. Pure apart from the injected timer functions, so unit tests
 * drive it with fake timers.
 */

export interface TimerApi {
  now(): number;
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(handle: ReturnType<typeof setTimeout>): void;
}

export const realTimers: TimerApi = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h),
};

/** Browsers treat delays above 2^31-1 ms as 0; longer waits are re-armed on wake-up. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Runs keyed one-shot tasks with a single underlying setTimeout armed for the earliest deadline.
 * Scheduling a key again replaces its deadline, so the number of pending tasks is bounded by the
 * number of keys: nothing accumulates however long the screen runs.
 */
export class Scheduler<K extends string = string> {
  private readonly tasks = new Map<K, { at: number; fn: () => void }>();
  private handle: ReturnType<typeof setTimeout> | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly timers: TimerApi = realTimers,
    private readonly onError: (err: unknown) => void = (err) => console.error(err),
  ) {}

  /** Runs `fn` once after `delayMs`, replacing any pending task of the same key. */
  schedule(key: K, delayMs: number, fn: () => void): void {
    if (this.disposed) return;
    this.tasks.set(key, { at: this.timers.now() + Math.max(0, delayMs), fn });
    this.arm();
  }

  cancel(key: K): void {
    if (this.tasks.delete(key)) this.arm();
  }

  has(key: K): boolean {
    return this.tasks.has(key);
  }

  /** Number of pending tasks (for tests and the memory check). */
  get size(): number {
    return this.tasks.size;
  }

  /** Stops everything; later `schedule` calls are ignored. */
  dispose(): void {
    this.disposed = true;
    this.tasks.clear();
    this.clearHandle();
  }

  private clearHandle(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.tasks.values()) earliest = Math.min(earliest, t.at);
    if (earliest === this.armedAt && this.handle !== null) return;
    this.clearHandle();
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, earliest - this.timers.now()));
    this.armedAt = earliest;
    this.handle = this.timers.setTimeout(() => this.run(), delay);
  }

  private run(): void {
    this.handle = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.timers.now();
    const due = [...this.tasks.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at);
    for (const [key, task] of due) {
      // A task may have been replaced or cancelled by an earlier task of this run.
      if (this.tasks.get(key) !== task) continue;
      this.tasks.delete(key);
      try {
        task.fn();
      } catch (err) {
        this.onError(err);
      }
      if (this.disposed) return;
    }
    this.arm();
  }
}

export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** Longest delay between retries. */
  capMs: number;
}

/** Delay before retry number `failures` (1 = after the first failure): base, 2×base, 4×base … capped. */
export function retryDelayMs(failures: number, { baseMs, capMs }: BackoffOptions): number {
  if (failures < 1) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(capMs, baseMs * 2 ** exp);
}

/**
 * The wall's backoff: the first retry after 1 s (or the poll interval, if shorter), doubling up to
 * the poll interval (default 60 s), so an outage is never polled more slowly than normal.
 */
export function wallBackoff(pollMs: number): BackoffOptions {
  return { baseMs: Math.min(1000, pollMs), capMs: Math.max(pollMs, Math.min(1000, pollMs)) };
}

/** The index of the page after `current` in a rotation of `count` pages (0 when there is none). */
export function nextPageIndex(current: number, count: number): number {
  if (count <= 0) return 0;
  const c = Number.isInteger(current) && current >= 0 ? current % count : -1;
  return (c + 1) % count;
}

/** Milliseconds until the next full minute, so a HH:MM clock changes exactly on the minute. */
export function msUntilNextMinute(nowMs: number): number {
  return 60_000 - (nowMs % 60_000);
}
