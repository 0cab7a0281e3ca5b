/**
 * V8 heap settings of the server process, applied as the first thing `dist/server/main.js` does,
 * so that `node dist/server/main.js` without flags (a systemd unit or a container written without
 * them) keeps its resident memory near its live heap:
 * - the old generation grows in steps of 20 % (`--heap-growing-percent=20`) instead of V8's
 *   default factor of up to 4: the cached answers are medium-lived objects that die in the old
 *   generation, and the default growth let their dead space pile up;
 * - the young generation grows in small steps (`--semi-space-growth-factor=1`; 4 MB under load
 *   in tests/ops/heap-settings.test.ts) instead of doubling to 16 MB semi-spaces full of request
 *   garbage.
 * Peak RSS of the bench's full scenario 205–225 → 155–169 MB, CPU per cached request as with the
 * defaults (measured side by side, docs/benchmarks.md, ADR 004). V8 reads both from the next heap
 * resize on, so they are set before anything is allocated. A cap on the young generation
 * (`--max-semi-space-size`) is read only at start: `npm start` and `npm run serve` pass
 * `--max-semi-space-size=1 --optimize-for-size` on node's command line (136–139 MB, for 20–30 %
 * more CPU per cached request).
 *
 * The operator's own node flags win: when one of these, or V8's memory-saving mode
 * (`--optimize-for-size`), is given on node's command line, nothing is changed here.
 */
import { setFlagsFromString } from 'node:v8';

const FLAGS = ['--heap-growing-percent=20', '--semi-space-growth-factor=1'];

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
