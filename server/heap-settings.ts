/**
 * V8 heap settings of the server process, applied as the first thing `dist/server/main.js` does,
 * so that `node dist/server/main.js` (a systemd unit, a container's CMD) runs with them without
 * command-line flags:
 * - a young generation of 1 MB semi-spaces that does not grow (V8's default grows to 16 MB each
 *   and keeps that much request garbage resident);
 * - V8's memory-saving mode (smaller heap growth steps).
 * The server's live heap is small (about 35 MB with every cache of a national installation
 * filled); these keep its resident memory near it: peak RSS of the bench's full scenario 225 →
 * 138 MB, about 10 % more CPU per cached request (docs/benchmarks.md, ADR 004). V8 applies them
 * from the next heap resize on, so they are set before anything is allocated.
 *
 * Node flags the operator gives (`node --max-semi-space-size=… dist/server/main.js` or
 * NODE_OPTIONS) win: when any of the three is given there, nothing is changed here.
 */
import { setFlagsFromString } from 'node:v8';

const FLAGS = ['--max-semi-space-size=1', '--semi-space-growth-factor=1', '--optimize-for-size'];

export function applyHeapSettings(argv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = `${argv.join(' ')} ${nodeOptions ?? ''}`;
  if (/--(max-semi-space-size|semi-space-growth-factor|optimize-for-size)\b/.test(given)) return [];
  for (const flag of FLAGS) setFlagsFromString(flag);
  return FLAGS;
}

applyHeapSettings(process.execArgv, process.env.NODE_OPTIONS);
