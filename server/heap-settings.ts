/**
 * V8 heap settings of the server process, applied as the first thing `dist/server/main.js` does,
 * so that `node dist/server/main.js` (a systemd unit, a container's CMD) runs with them without
 * command-line flags: the old generation grows in steps of 20 % (`--heap-growing-percent=20`)
 * instead of V8's default factor of up to 4. The server's live heap is small (about 35 MB with
 * every cache of a national installation filled), but its caches of answers are medium-lived
 * objects that die in the old generation, and the default growth let their dead space pile up:
 * peak RSS of the bench's full scenario 205–225 → 136–138 MB, with the young generation left at
 * its default, so the CPU per request stays as it was (a 1 MB young generation or
 * `--optimize-for-size` gave the same RSS for 20–30 % more CPU per cached request; measured side
 * by side, docs/benchmarks.md, ADR 004). V8 applies it from the next heap resize on, so it is set
 * before anything is allocated.
 *
 * The operator's own node flags win: when `--heap-growing-percent` or V8's memory-saving mode
 * (`--optimize-for-size`) is given on node's command line (or, for flags node allows there, in
 * NODE_OPTIONS), nothing is changed here.
 */
import { setFlagsFromString } from 'node:v8';

const FLAGS = ['--heap-growing-percent=20'];

export function applyHeapSettings(argv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = `${argv.join(' ')} ${nodeOptions ?? ''}`;
  if (/--(heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/.test(given)) return [];
  for (const flag of FLAGS) setFlagsFromString(flag);
  return FLAGS;
}

applyHeapSettings(process.execArgv, process.env.NODE_OPTIONS);
