/**
 * `npm run bench -- --only lighthouse`: the Lighthouse row alone (a few minutes instead of the
 * whole run), on the same national database as the full run: the national CSV and targets
 * imported with the bundled CLI, the production server on it, Lighthouse `runs` times per page.
 * Replaces that one row of the table in docs/benchmarks.md and leaves the other rows as they are.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIGHTHOUSE_PAGES, lighthouseScores, wireBytes } from './browser.js';
import { median, ROOT, startServer } from './lib.js';
import { writeNationalFiles } from './national.js';

const WHAT_PREFIX = `Lighthouse 12.2.3 performance ${LIGHTHOUSE_PAGES.map((p) => `\`${p}\``).join(', ')} (median of `;

/** The Lighthouse row of the table: median (runs) per page, met when every median is ≥ 95. */
export function lighthouseRow(
  scores: Record<string, number[]>,
  runs: number,
): { what: string; figure: string; goal: string; ok: boolean } {
  const figure = LIGHTHOUSE_PAGES.map((p) => {
    const xs = scores[p] ?? [];
    return xs.length === 0 ? 'no score' : `${median(xs)} (${xs.join('/')})`;
  }).join(', ');
  const ok = LIGHTHOUSE_PAGES.every((p) => (scores[p] ?? []).length > 0 && median(scores[p] ?? []) >= 95);
  return { what: `${WHAT_PREFIX}${runs})`, figure, goal: '≥ 95 each', ok };
}

export async function runLighthouseOnly(dir: string, runs: number, log: (s: string) => void): Promise<void> {
  log(`== national data set (${dir})`);
  const files = writeNationalFiles(dir);
  const dbPath = join(dir, 'lighthouse.db');
  const env = { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'warn' };
  execFileSync(process.execPath, ['dist/etl/cli.js', files.csv], { cwd: ROOT, env, stdio: 'ignore' });
  execFileSync(process.execPath, ['dist/etl/cli.js', '--targets', files.targets], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  log(`${files.rows.toLocaleString('en')} rows imported`);

  log('\n== Lighthouse');
  const web = await startServer(dbPath, join(dir, 'server.log'), { ALERTS_ENABLED: 'false' });
  let row: string;
  try {
    // The bytes beside the scores (not written: their rows belong to the full run).
    const wire = await wireBytes(web.base);
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    log(
      `  JS sent for / ${kb(wire.overviewJs)}, for /wall before its first tiles ${kb(wire.wallJsBeforeTiles)}`,
    );
    const r = lighthouseRow(await lighthouseScores(web.base, runs, log), runs);
    row = `| ${r.what} | ${r.figure} | ${r.goal} | ${r.ok ? 'yes' : 'NO'} |`;
  } finally {
    await web.stop();
  }
  log(`\n${row}`);

  const docs = join(ROOT, 'docs/benchmarks.md');
  const lines = readFileSync(docs, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`| ${WHAT_PREFIX}`));
  if (at < 0) {
    log('docs/benchmarks.md has no Lighthouse row yet: run the full `npm run bench` once');
    return;
  }
  lines[at] = row;
  writeFileSync(docs, lines.join('\n'));
  log('the Lighthouse row of docs/benchmarks.md replaced');
}
