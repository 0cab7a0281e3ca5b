/**
 * Prints the top entries of a V8 CPU profile (`node --cpu-prof`) by self time, with the share of
 * all samples: `npx tsx bench/profile-top.ts <file.cpuprofile> [n]`. Used to record, before each
 * performance change, where the time went (docs/benchmarks.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function topEntries(file: string, n = 15): { name: string; where: string; pct: number }[] {
  return top(selfTimes([file]), n, false);
}

/**
 * The same over several profiles of one run (`--cpu-prof` writes one per thread and per process:
 * the CLI and its import worker process), summed, without `(idle)`: one waiting for another is
 * not where time goes.
 */
export function topEntriesOfThreads(
  files: readonly string[],
  n = 15,
): { name: string; where: string; pct: number }[] {
  return top(selfTimes(files), n, true);
}

interface Hits {
  name: string;
  where: string;
  hits: number;
}

function selfTimes(files: readonly string[]): Map<string, Hits> {
  const byName = new Map<string, Hits>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
    const self = new Map<number, number>();
    for (const s of profile.samples) self.set(s, (self.get(s) ?? 0) + 1);
    for (const node of profile.nodes) {
      const hits = self.get(node.id) ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^.*\/(node_modules\/)?/, '$1')}:${lineNumber + 1}` : '';
      const name = functionName || '(anonymous)';
      const key = `${name}@${where}`;
      const e = byName.get(key) ?? { name, where, hits: 0 };
      e.hits += hits;
      byName.set(key, e);
    }
  }
  return byName;
}

function top(byName: Map<string, Hits>, n: number, withoutIdle: boolean) {
  const entries = [...byName.values()].filter((e) => !withoutIdle || e.name !== '(idle)');
  const total = entries.reduce((a, e) => a + e.hits, 0) || 1;
  return entries
    .sort((a, b) => b.hits - a.hits)
    .slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, pct: (100 * e.hits) / total }));
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top <file.cpuprofile> [n]');
  for (const e of topEntries(file, Number(n ?? 15))) {
    process.stdout.write(`${e.pct.toFixed(1).padStart(5)} %  ${e.name}  ${e.where}\n`);
  }
}
