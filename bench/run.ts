/**
 * `npm run bench`: every benchmark in one run, one table, written to docs/benchmarks.md together
 * with the machine it ran on. Speed is reported as ratios against a baseline run in the same
 * script (sqlite3 .import, a bare node:http server), never asserted in tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchApi } from './api.js';
import { benchEtl } from './etl.js';
import { benchRss } from './rss.js';
import { pageSizes } from './sizes.js';
import { benchWall } from './wall.js';

interface Row {
  what: string;
  figure: string;
  goal: string;
  ok: boolean | null;
}

const rows: Row[] = [];
const add = (what: string, figure: string, goal: string, ok: boolean | null) =>
  rows.push({ what, figure, goal, ok });
const mark = (ok: boolean | null) => (ok === null ? '' : ok ? 'yes' : 'NO');
const log = (s: string) => process.stdout.write(`${s}\n`);

if (!existsSync('dist/web/.vite/manifest.json')) {
  log('Building the web app for the size figures ...');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

log('\n== ETL: national canonical CSV vs sqlite3 .import');
const etl = await benchEtl({ log });
add('ETL rows/s (436k rows)', Math.round(etl.rowsPerSec).toLocaleString('en'), '', null);
add(
  'ETL time vs sqlite3 .import (ratio)',
  `${etl.seconds.toFixed(2)} s / ${etl.sqliteSeconds.toFixed(2)} s = ${etl.ratio.toFixed(2)}`,
  '≤ 2.0',
  etl.ratio <= 2,
);

log('\n== API: /api/goals vs a bare node:http server sending the same bytes (50 connections)');
const api = await benchApi({ print: true });
add(
  'API req/s vs bare node:http (ratio)',
  `${Math.round(api.api.requestsPerSec)} / ${Math.round(api.bare.requestsPerSec)} = ${api.ratio.toFixed(2)}`,
  '≥ 0.7',
  api.ratio >= 0.7,
);
add(
  'API p99 latency at 50 connections',
  `${api.api.p99Ms} ms (bare ${api.bare.p99Ms} ms)`,
  '≤ 10 ms',
  api.api.p99Ms <= 10,
);
add(
  'API server CPU per request (Hono / bare)',
  `${api.api.cpuUsPerRequest.toFixed(1)} µs / ${api.bare.cpuUsPerRequest.toFixed(1)} µs`,
  '',
  null,
);
add(
  'API errors / non-2xx',
  `${api.api.errors} / ${api.api.non2xx}`,
  '0 / 0',
  api.api.errors === 0 && api.api.non2xx === 0,
);
add(
  'Goals for all 404 regions, cold',
  `${api.coldAllRegionsMs.toFixed(0)} ms (${api.coldAllRegionsCpuMs.toFixed(0)} ms CPU)`,
  '≤ 200 ms',
  api.coldAllRegionsMs <= 200,
);
add(
  'Goals for all 404 regions after an import (cold cache, compiled code)',
  `${api.afterImportAllRegionsMs.toFixed(0)} ms (${api.afterImportAllRegionsCpuMs.toFixed(0)} ms CPU)`,
  '',
  null,
);
add('Goals for all 404 regions, cached', `${api.warmAllRegionsMs.toFixed(1)} ms`, '', null);

log('\n== Server memory with the national data set');
const rss = await benchRss();
add(
  'Server RSS, national data, after all regions served',
  `${rss.rssAfterMb.toFixed(0)} MB (peak ${rss.peakRssMb.toFixed(0)} MB, idle ${rss.rssIdleMb.toFixed(0)} MB)`,
  '≤ 150 MB',
  rss.peakRssMb <= 150,
);

log('\n== Built JS per page (gzipped)');
for (const p of pageSizes()) {
  const initial = p.page.startsWith('initial');
  add(
    `JS ${initial ? 'initial load (overview)' : `page ${p.page}`}`,
    `${p.jsKbGzip.toFixed(1)} KB (+ CSS ${p.cssKbGzip.toFixed(1)} KB)`,
    initial ? '≤ 250 KB' : '',
    initial ? p.jsKbGzip <= 250 : null,
  );
}

log('\n== Wall display: JS heap over 500 rotations');
const wall = await benchWall();
add(
  'Wall heap after 500 vs after 10 rotations',
  `${(wall.heapAfter500 / 1e6).toFixed(2)} MB / ${(wall.heapAfter10 / 1e6).toFixed(2)} MB = ${wall.ratio.toFixed(3)}`,
  '≤ 1.1',
  wall.ratio <= 1.1,
);
add('Wall elements on the overview after 10 → 500', `${wall.nodesAfter10} → ${wall.nodesAfter500}`, '', null);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const table = [
  '| what | figure | goal | met |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.what} | ${r.figure} | ${r.goal} | ${mark(r.ok)} |`),
].join('\n');

log('\n');
console.table(rows.map((r) => ({ what: r.what, figure: r.figure, goal: r.goal, met: mark(r.ok) })));

writeFileSync(
  'docs/benchmarks.md',
  `# Benchmarks

Latest \`npm run bench\`, ${when} UTC, on: ${machine}.
The machine is shared (other work may have been running): compare ratios, which are measured
against a baseline in the same run, rather than absolute times.

${table}

How each figure is made:
- ETL: \`bench/etl.ts\` generates a national canonical CSV (404 regions × 120 months × 3 genders ×
  INT/ELB/LZB), imports it with \`runImport\` into a fresh database and, in the same script, with the
  \`sqlite3\` CLI's \`.import\` into a table of the same shape and unique index; best of the runs.
- API: \`bench/api.ts\` loads 404 regions × 45 months, runs autocannon for 10 s with 50 connections
  against \`/api/goals\` and against a bare \`node:http\` server sending the same bytes and headers
  (the two take turns in five slices, so that other work on the machine hits both alike; p50/p99
  from every response time; CPU per request read from the server process).
  "Cold" computes the goals of all regions with an empty cache in a fresh process (JIT included);
  "after an import" does it again once the data version moved.
- RSS: \`bench/rss.ts\` builds the server and starts it the production way (\`node
  dist/server/main.js\`, as \`npm run serve\`) on the national database, asks for the goals and
  monthly figures of every region, then reads \`/proc/<pid>/status\`.
- JS per page: \`bench/sizes.ts\` adds up the gzipped chunks each page loads (Vite manifest).
- Wall: \`bench/wall.ts\` rotates the wall display 500 times in Chromium at 0.2 s per page and
  compares the JS heap after garbage collection.
`,
);
log('\nWritten to docs/benchmarks.md');
const missed = rows.filter((r) => r.ok === false).map((r) => r.what);
log(missed.length ? `Goals not met: ${missed.join('; ')}` : 'All goals met.');
// The servers and the browser are closed; exit explicitly in case a library keeps a handle open.
process.exit(0);
