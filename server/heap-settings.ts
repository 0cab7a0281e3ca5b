/**
 * V8 heap settings of the server process, applied as the first thing `dist/server/main.js` does
 * (`server/apply-heap-settings.ts`; this module itself changes nothing when imported),
 * so that `node dist/server/main.js` without flags (a systemd unit or a container written without
 * them) keeps its resident memory nearer its live heap: the old generation grows in steps of 20 %
 * (`--heap-growing-percent=20`) instead of V8's default factor of up to 4. The cached answers are
 * medium-lived objects that die in the old generation, and the default growth let their dead
 * space pile up. Peak RSS of the bench's full scenario 205–225 → 176–185 MB at the defaults' CPU
 * per request (docs/benchmarks.md, ADR 004). V8 reads it from the next heap resize on, so it is
 * set before anything is allocated.
 *
 * The young generation keeps the size V8 starts it with (1 MB, 2 MB after the first collection)
 * instead of growing to V8's 32 MB: a server whose caches fill up keeps enough objects alive for
 * V8 to double the young generation at every step, though what it allocates per request dies
 * young. V8 reads its own cap (`--max-semi-space-size`) only at start, but its growth factor at
 * every growth, so the factor is set to 1 (no growth; `holdYoungGeneration`). Under the bench's
 * full scenario this is 12–15 MB less peak RSS than the cap of 16 MB it replaces, for more time in
 * the garbage collector: CPU per cached request 25 → 29 µs (the bare server 18–20 µs), the
 * collector 4 → 13 % of the one-URL profile (docs/benchmarks.md, issue 13, seventeenth round).
 * Imports run in a process of their own (etl/isolated.ts) with V8's own settings.
 * `npm start` and `npm run serve` pass `--max-semi-space-size=1 --optimize-for-size` on node's
 * command line, for the least memory.
 *
 * The operator's own node flags win: when one of these, or V8's memory-saving mode
 * (`--optimize-for-size`), is given on node's command line, nothing is changed here (the young
 * generation then keeps what the command line says).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const FLAGS = ['--heap-growing-percent=20'];

/** Memory committed to the young generation now (both semi-spaces). */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** What holdYoungGeneration sets (V8's own by default). */
export interface YoungGenerationControl {
  /** Sets V8's semi-space growth factor (1: no growth; 2: V8's default). */
  setGrowthFactor(factor: 1 | 2): void;
}

const v8Control: YoungGenerationControl = {
  setGrowthFactor: (factor) => setFlagsFromString(`--semi-space-growth-factor=${factor}`),
};

export interface YoungGenerationHold {
  /** Sets the factor to 1 again (the observer calls it after every collection). */
  check(): void;
  stop(): void;
}

/**
 * Keeps the young generation at its size of now: V8's growth factor becomes 1 at once and again
 * after every garbage collection (2.5 µs), because V8 sets it back to its minimum of 2 whenever it
 * creates an isolate (a worker thread of a library, say). Node delivers the observer's entries
 * after the current task: one collection between such a reset and the next entry could still grow
 * the young generation one step, where it stays until V8 shrinks it in a quiet moment.
 */
export function holdYoungGeneration(control: YoungGenerationControl = v8Control): YoungGenerationHold {
  const check = () => control.setGrowthFactor(1);
  check();
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  return { check, stop: () => observer.disconnect() };
}

/**
 * The hold applyHeapSettings made in this process, if any. Kept on the global object: the built
 * server has this module twice, in its entry (dist/server/main.js) and in the server's bundle
 * (scripts/build-server.ts), and the second application must find the first one's hold.
 */
const HOLD = Symbol.for('zielmonitor.youngGenerationHold');

/**
 * Sets FLAGS and holds the young generation, unless heap flags were given on node's command
 * line (`argv`, `nodeOptions`). Returns the flags it set.
 */
export function applyHeapSettings(argv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = `${argv.join(' ')} ${nodeOptions ?? ''}`;
  if (
    /--(heap[-_]growing[-_]percent|(max|min)[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor|optimize[-_]for[-_]size)\b/.test(
      given,
    )
  )
    return [];
  for (const flag of FLAGS) setFlagsFromString(flag);
  const global = globalThis as { [HOLD]?: YoungGenerationHold };
  global[HOLD] ??= holdYoungGeneration();
  return FLAGS;
}
