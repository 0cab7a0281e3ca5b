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
 * The young generation is capped at 16 MB (semi-spaces of 8 MB), half of V8's default. V8 reads
 * its own cap (`--max-semi-space-size`) only at start, so the cap is kept here by stopping the
 * growth whenever the young generation has reached it (`capYoungGeneration`). Under the bench's full
 * scenario V8's 32 MB held about 23 MB more RSS than 16 MB. Interleaved against the bare server
 * (one URL, four rounds), 16 MB cost about 0.03 of the req/s ratio (0.82–0.94 against 0.88–0.98),
 * 8 MB about 0.08, and 2 MB (`--semi-space-growth-factor=1` from the start) about 0.1
 * (docs/benchmarks.md, issue 13, fifth round). `npm start` and `npm run serve` pass
 * `--max-semi-space-size=1 --optimize-for-size` on node's command line, for the least memory.
 *
 * The operator's own node flags win: when one of these, or V8's memory-saving mode
 * (`--optimize-for-size`), is given on node's command line, nothing is changed here (the young
 * generation then keeps what the command line says).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const FLAGS = ['--heap-growing-percent=20'];

/** Memory the young generation (both semi-spaces) may take: half of V8's default of 32 MB. */
export const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;

/** Memory committed to the young generation now (both semi-spaces). */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** What capYoungGeneration reads and sets (V8's own by default). */
export interface YoungGenerationControl {
  /** Memory committed to the young generation now. */
  size(): number;
  /** Sets V8's semi-space growth factor (1: no growth; 2: V8's default). */
  setGrowthFactor(factor: 1 | 2): void;
}

const v8Control: YoungGenerationControl = {
  size: youngGenerationBytes,
  setGrowthFactor: (factor) => setFlagsFromString(`--semi-space-growth-factor=${factor}`),
};

/**
 * Keeps the young generation at `capBytes` at most. V8 grows it (from 2 MB) as survivors
 * accumulate and reads its own cap only at start, but reads the growth factor at every growth.
 * After each garbage collection the committed size is compared with the cap: at the cap the
 * factor becomes 1 (no further growth); below it, V8's 2 again. The second half matters after
 * quiet hours: V8 shrinks the young generation when little is allocated, and it must be able to
 * grow back under load. `check` runs the comparison once (tests); `stop` stops watching.
 *
 * The cap is kept between event-loop turns: node delivers the observer's entries after the
 * current task, so one long synchronous task can still grow the young generation past the cap
 * (to V8's 32 MB), where it then stays until V8 shrinks it. The server's start-up and requests
 * run in short tasks (measured: 16 MB at start-up and after the bench's full scenario).
 */
export function capYoungGeneration(
  capBytes: number,
  control: YoungGenerationControl = v8Control,
): { check: () => void; stop: () => void } {
  let factor: 1 | 2 = 2;
  const check = () => {
    const wanted = control.size() >= capBytes ? 1 : 2;
    if (wanted !== factor) {
      factor = wanted;
      control.setGrowthFactor(wanted);
    }
  };
  check();
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  return { check, stop: () => observer.disconnect() };
}

/**
 * Sets FLAGS and keeps the young generation's cap, unless heap flags were given on node's command
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
  capYoungGeneration(YOUNG_GENERATION_CAP_BYTES);
  return FLAGS;
}
