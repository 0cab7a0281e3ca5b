/**
 * `npm run bench`: the user's paths, measured as users meet them, written to docs/benchmarks.md
 * (the table between the bench markers; the notes around it are kept). Every speed figure is a
 * ratio against a baseline measured in the same run where one exists (sqlite3 .import, a bare
 * node:http server), the two interleaved and repeated; figures are medians with their range.
 *
 *   npm run bench            full run (about 10 minutes; the machine should be otherwise idle)
 *   npm run bench -- --quick one repeat each, short slices, one Lighthouse run (a smoke test)
 *   npm run bench -- --only api   only the API rows (req/s, fresh servers, RSS) and the server's
 *                            CPU profile; the other rows of the table in the docs are kept
 *   npm run bench -- --only etl   only the ETL rows (3 interleaved runs) and the ETL CLI's CPU
 *                            profile; the other rows are kept
 *   npm run bench -- --only lighthouse   only the browser rows (bytes sent, Lighthouse), on the
 *                            same national database; the other rows are kept
 *   npm run bench -- --only pg    only the PostgreSQL section (bench/pg.ts; needs the PostgreSQL of
 *                            scripts/pg-ci.sh); a full run writes it too
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  apiProfile,
  apiScenarios,
  coldFigures,
  nationalDatabase,
  prepareDerived,
  rssFullScenario,
  type VersusBare,
  versusBare,
} from './api.js';
import { lighthouseRow, lighthouseScores, observedPaints, observedPaintsRow, wireBytes } from './browser.js';
import { benchEtl } from './etl.js';
import { benchForecast } from './forecast.js';
import { median, medianRange, ROOT, serveNodeArgs, startServer } from './lib.js';
import { type NationalFiles, writeNationalFiles } from './national.js';
import { benchPg, pgTable } from './pg.js';
import { type Profile, type Row, writeBenchSection, writeBenchTable } from './table.js';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const SECTIONS = ['api', 'etl', 'lighthouse', 'pg'];
if (only !== undefined && !SECTIONS.includes(only))
  throw new Error(`--only: unknown section ${only} (known: ${SECTIONS.join(', ')})`);
const REPEATS = quick ? 1 : 3;
const SLICES = quick ? 2 : 5;
const SLICE_SECONDS = quick ? 2 : 4;
const log = (s: string) => process.stdout.write(`${s}\n`);
const runFlags = [quick ? '--quick' : '', only ? `--only ${only}` : ''].filter(Boolean).join(' ');
const runName = `\`npm run bench${runFlags ? ` -- ${runFlags}` : ''}\``;
const machine = () =>
  `on: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end`;

const rows: Row[] = [];
const add = (what: string, figure: string, goal: string, ok: boolean | null) =>
  rows.push({ what, figure, goal, ok });
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

if (!existsSync(join(ROOT, 'dist/server/main.js')) || !existsSync(join(ROOT, 'dist/etl/cli.js'))) {
  log('Building (npm run build) ...');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const dir = mkdtempSync(join(tmpdir(), 'zm-bench-'));
const logFile = join(dir, 'server.log');
try {
  log(`== national data set (${dir})`);
  const files = writeNationalFiles(dir);
  log(`${files.rows.toLocaleString('en')} rows`);

  if (only === 'pg') {
    log('\n== national database in SQLite (ETL bundle, untimed), for the SQLite side');
    const sqliteDb = nationalDatabase(dir, files);
    await prepareDerived(sqliteDb, dir);
    await pgSection(dir, files, sqliteDb);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  let dbPath: string;
  let etlProfile: { name: string; where: string; pct: number }[] = [];
  if (only === 'api' || only === 'lighthouse') {
    log('\n== national database (ETL bundle, untimed)');
    dbPath = nationalDatabase(dir, files);
  } else {
    log('\n== ETL: npm run etl vs sqlite3 .import, whole processes');
    const etl = await benchEtl(dir, files, { repeats: REPEATS, log });
    const etlRatio = median(etl.ratios);
    add(
      '`npm run etl` of the 436k-row national CSV vs `sqlite3` plain `.import` of the same rows, end to end',
      `${medianRange(etl.ratios)}× (${median(etl.npm).toFixed(2)} s vs ${median(etl.sqlitePlain).toFixed(2)} s)${cpuFigure(etl.npmCpu, etl.sqlitePlainCpu)}`,
      '≤ 1.5×',
      etlRatio <= 1.5,
    );
    add(
      '… the bundle without npm (`node dist/etl/cli.js`) vs the same',
      `${(median(etl.bundle) / median(etl.sqlitePlain)).toFixed(2)}× (${medianRange(etl.bundle)} s)`,
      '',
      null,
    );
    add(
      '… `sqlite3 .import` into a table of the observations’ shape (WITHOUT ROWID, keyed by region, month, indicator, gender) vs plain',
      `${(median(etl.sqliteShaped) / median(etl.sqlitePlain)).toFixed(2)}× (${medianRange(etl.sqliteShaped)} s)`,
      '',
      null,
    );
    dbPath = etl.dbPath;
    etlProfile = etl.profile;
  }
  if (only === 'etl') {
    writeResults(etlProfile, null);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
  // The first server after an import builds the derived data of the new version once; every
  // figure below is taken on servers that meet them already computed.
  const prepared = await prepareDerived(dbPath, dir);
  log(`derived data built by the first server in ${(prepared / 1000).toFixed(1)} s`);
  if (only === 'lighthouse') {
    await browserRows(dbPath);
    writeResults([], null);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
  add(
    'derived data of a new data version (region summaries, goal snapshots of 404 regions, forecast backtest), built once by the first server and stored',
    `${(prepared / 1000).toFixed(1)} s from the server's start`,
    '',
    null,
  );

  log('\n== API over HTTP: production server vs bare node:http with the same bytes');
  const server = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false' });
  let one: VersusBare;
  let spread: VersusBare;
  try {
    const scenarios = apiScenarios();
    one = await versusBare(dir, server, scenarios.one, {
      slices: SLICES,
      seconds: SLICE_SECONDS,
      name: 'one',
    });
    log(`  one URL: ratios ${one.ratios.map((r) => r.toFixed(2)).join(', ')}`);
    spread = await versusBare(dir, server, scenarios.spread, {
      slices: SLICES,
      seconds: SLICE_SECONDS,
      name: 'spread',
    });
    log(`  spread: ratios ${spread.ratios.map((r) => r.toFixed(2)).join(', ')}`);
  } finally {
    await server.stop();
  }
  const cpu = (v: VersusBare) =>
    `${median(v.api.map((s) => s.cpuUsPerReq)).toFixed(0)} vs ${median(v.bare.map((s) => s.cpuUsPerReq)).toFixed(0)} µs CPU per request`;
  const errors = (v: VersusBare) => v.api.reduce((n, s) => n + s.errors, 0);
  add(
    '`/api/goals` req/s vs a bare node:http server sending the same bytes, one URL (50 connections)',
    `${medianRange(one.ratios)} (${Math.round(median(one.api.map((s) => s.reqPerSec)))} vs ${Math.round(median(one.bare.map((s) => s.reqPerSec)))} req/s; ${cpu(one)}; p99 ${median(one.api.map((s) => s.p99Ms))} ms; ${errors(one)} errors)`,
    '≥ 0.8',
    median(one.ratios) >= 0.8 && errors(one) === 0,
  );
  add(
    'the same with requests spread over all 404 regions × 9 data months',
    `${medianRange(spread.ratios)} (${Math.round(median(spread.api.map((s) => s.reqPerSec)))} vs ${Math.round(median(spread.bare.map((s) => s.reqPerSec)))} req/s; ${cpu(spread)}; p99 ${median(spread.api.map((s) => s.p99Ms))} ms; ${errors(spread)} errors)`,
    '≥ 0.6',
    median(spread.ratios) >= 0.6 && errors(spread) === 0,
  );

  log('\n== fresh servers: goals of all regions, comparisons, region list');
  const cold = await coldFigures(dbPath, logFile, dir, REPEATS);
  const floor = (fresh: number[], bare: number[]) =>
    `bare server sending the same bytes ${medianRange(bare, 0, ' ms')}, ×${(median(fresh) / median(bare)).toFixed(2)}`;
  add(
    'goals of all 404 regions, fresh server, over HTTP, sequential (curl, one keep-alive connection, Accept-Encoding: br, gzip)',
    `${medianRange(cold.goalsAll, 0, ' ms')} (${floor(cold.goalsAll, cold.goalsBare)}); those servers' start, spawn to listening (reading every region's stored goals into memory and making its comparison included), ${medianRange(cold.goalsStart, 0, ' ms')}`,
    '≤ 200 ms',
    median(cold.goalsAll) <= 200,
  );
  const perAll = median(cold.comparisonAll) / 404;
  const perQuarter = median(cold.comparisonQuarter) / 101;
  add(
    '`/api/comparison` for every region (15 Vergleichstypen), fresh server, sequential (the same)',
    `${medianRange(cold.comparisonAll, 0, ' ms')} (${floor(cold.comparisonAll, cold.comparisonBare)}); per region ${perAll.toFixed(2)} ms at 404 vs ${perQuarter.toFixed(2)} ms at 101 (×${(perAll / perQuarter).toFixed(2)})`,
    '≤ 300 ms, linear',
    median(cold.comparisonAll) <= 300 && perAll / perQuarter <= 1.5,
  );
  add(
    '`/api/regions` (404 regions × 120 months)',
    `${medianRange(cold.regionsWarm, 2, ' ms')} (first answer of a fresh server ${medianRange(cold.regionsFirst, 1, ' ms')})`,
    '≤ 5 ms',
    median(cold.regionsWarm) <= 5,
  );

  log('\n== RSS under the full scenario');
  const outbox = join(dir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  const rss = await rssFullScenario(dbPath, logFile, outbox);
  add(
    'server RSS (`node dist/server/main.js`), 404 regions × 120 months, goals (all months), all month tables, comparisons, alerts on',
    `${rss.rssMb.toFixed(0)} MB (peak ${rss.peakMb.toFixed(0)} MB) after ${rss.requests.toLocaleString('en')} requests`,
    '≤ 150 MB',
    rss.peakMb <= 150,
  );
  const flags = serveNodeArgs();
  const rssServe = await rssFullScenario(dbPath, logFile, outbox, flags);
  add(
    '… the same as `npm start` and `npm run serve` start it',
    `${rssServe.rssMb.toFixed(0)} MB (peak ${rssServe.peakMb.toFixed(0)} MB) with \`node ${flags.join(' ')} dist/server/main.js\``,
    '≤ 150 MB',
    rssServe.peakMb <= 150,
  );

  log('\n== CPU profile of the production server, one URL');
  const serverProfile = await apiProfile(dbPath, dir, SLICE_SECONDS * 2);

  if (only === undefined) {
    await browserRows(dbPath);

    log('\n== forecast: backtest coverage of the 80 % interval on the national data');
    const fc = await benchForecast({ log });
    const coverages = fc.rows.map((r) => 100 * r.coverage);
    add(
      `80 % forecast interval: share of backtest cases (${fc.regionYears} region-years) whose actual December change lies inside, per origin month 1..11`,
      `${Math.min(...coverages).toFixed(1)} … ${Math.max(...coverages).toFixed(1)} % (MAE yoy3 ${fc.rows.map((r) => r.maeForecast.toFixed(2)).join('/')} pp; naive ${fc.rows.map((r) => r.maeNaive.toFixed(2)).join('/')} pp)`,
      '80 % ± 7 % in every origin month',
      fc.ok,
    );
  }

  writeResults(etlProfile, serverProfile);
  if (only === undefined) await pgSection(dir, files, dbPath);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Bytes of JavaScript as Chromium receives them, and the Lighthouse scores of the four pages. */
async function browserRows(dbPath: string): Promise<void> {
  log('\n== browser: bytes over the wire, Lighthouse');
  const web = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false' });
  try {
    const wire = await wireBytes(web.base);
    add(
      `JS sent for \`/\` (Chromium, Accept-Encoding: ${wire.acceptEncoding})`,
      `${kb(wire.overviewJs)} (all resources ${kb(wire.overviewAll)})`,
      '≤ 120 KB',
      wire.overviewJs <= 120 * 1024,
    );
    add(
      'JS sent for `/wall` before its first tiles',
      `${kb(wire.wallJsBeforeTiles)} (all resources ${kb(wire.wallAllBeforeTiles)})`,
      '≤ 150 KB',
      wire.wallJsBeforeTiles <= 150 * 1024,
    );
    const lh = lighthouseRow(await lighthouseScores(web.base, REPEATS, log), REPEATS);
    add(lh.what, lh.figure, lh.goal, lh.ok);
    log('  observed paints (Chromium, throttled)');
    const paints = observedPaintsRow(await observedPaints(web.base, REPEATS), REPEATS);
    add(paints.what, paints.figure, '', null);
  } finally {
    await web.stop();
  }
}

/** The table in docs/benchmarks.md: whole after a full run; after `--only`, that section's rows and profiles. */
function writeResults(etlProfile: Profile['entries'], serverProfile: Profile['entries'] | null): void {
  const what =
    only === 'api'
      ? 'API rows and the server profile from'
      : only === 'etl'
        ? 'ETL rows and the ETL profile from'
        : only === 'lighthouse'
          ? 'Browser rows (bytes sent, Lighthouse) from'
          : 'Latest';
  const header = `${what} ${runName}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine()}. Figures are medians (range) of ${REPEATS} runs or ${SLICES} slices.`;
  const profiles: Profile[] = [
    ...(only === undefined || only === 'etl'
      ? [{ title: 'CPU profile of `node dist/etl/cli.js national.csv`', entries: etlProfile }]
      : []),
    ...(serverProfile
      ? [
          {
            title: 'CPU profile of `node dist/server/main.js` under `/api/goals`, one URL, 50 connections',
            entries: serverProfile,
          },
        ]
      : []),
  ];
  const table = writeBenchTable(join(ROOT, 'docs/benchmarks.md'), {
    header,
    partial: only !== undefined,
    rows,
    profiles,
  });
  log(`\n${table}\n\nwritten to docs/benchmarks.md`);
}

/** The PostgreSQL section (bench/pg.ts) beside the SQLite database `sqliteDb`, into the docs. */
async function pgSection(dir: string, files: NationalFiles, sqliteDb: string): Promise<void> {
  log('\n== PostgreSQL: npm run etl vs psql \\copy, /api/goals beside SQLite, fresh-server goals');
  const res = await benchPg(dir, files, sqliteDb, {
    repeats: REPEATS,
    slices: SLICES,
    seconds: SLICE_SECONDS,
    log,
  });
  const version = execFileSync('psql', ['--version']).toString().trim();
  const header = `PostgreSQL section of ${runName}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine()}, ${version} (the local cluster, default settings). Figures are medians (range) of ${REPEATS} runs or ${SLICES} slices.`;
  const table = pgTable(res, header);
  writeBenchSection(join(ROOT, 'docs/benchmarks.md'), 'bench:pg', table);
  log(`\n${table}\n\nwritten to docs/benchmarks.md`);
}

/** "; CPU a s vs b s (r×)": CPU seconds beside the wall-time ratio, when they were measured. */
function cpuFigure(ours: readonly number[], baseline: readonly number[]): string {
  if (ours.length === 0 || baseline.length === 0) return '';
  const a = median(ours);
  const b = median(baseline);
  return `; CPU ${a.toFixed(2)} s vs ${b.toFixed(2)} s (${(a / b).toFixed(2)}×)`;
}
