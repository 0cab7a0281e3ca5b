/**
 * V8 heap settings of the server process, applied as the first thing `dist/server/main.js` does,
 * so that `node dist/server/main.js` without flags (a systemd unit or a container written without
 * them) keeps its resident memory nearer its live heap: the old generation grows in steps of 20 %
 * (`--heap-growing-percent=20`) instead of V8's default factor of up to 4. The cached answers are
 * medium-lived objects that die in the old generation, and the default growth let their dead
 * space pile up. Peak RSS of the bench's full scenario 205–225 → 176–185 MB at the defaults' CPU
 * per request (docs/benchmarks.md, ADR 004). V8 reads it from the next heap resize on, so it is
 * set before anything is allocated.
 *
 * The young generation is left alone: a cap on it (`--max-semi-space-size`) is read only at start,
 * and keeping it small at run time (`--semi-space-growth-factor=1`: 155–169 MB) cost CPU per
 * request in the bench's one-URL runs (ratio to the bare server 0.69–0.72 against 0.81–0.86).
 * `npm start` and `npm run serve` pass `--max-semi-space-size=1 --optimize-for-size` on node's
 * command line: 136–139 MB, for 20–30 % more CPU per cached request.
 *
 * The operator's own node flags win: when one of these, or V8's memory-saving mode
 * (`--optimize-for-size`), is given on node's command line, nothing is changed here.
 */
import { setFlagsFromString } from 'node:v8';

const FLAGS = ['--heap-growing-percent=20'];

export function applyHeapSettings(argv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = `${argv.join(' ')} ${nodeOptions ?? ''}`;
  if (
    /--(heap[-_]growing[-_]percent|(max|min)[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor|optimize[-_]for[-_]size)\b/.test(
      given,
    )
  )
    return [];
  for (const flag of FLAGS) setFlagsFromString(flag);
  return FLAGS;
}

applyHeapSettings(process.execArgv, process.env.NODE_OPTIONS);
