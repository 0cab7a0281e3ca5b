/**
 * ETL benchmark: a national-scale canonical CSV (404 regions × 120 months × 3 genders × 3 counts
 * = 436,320 rows) imported with runImport into a fresh SQLite file, against Debian's `sqlite3`
 * command-line `.import` of the same rows into a table of the same shape (the observations
 * columns and the same unique index) with the same journal settings (WAL, synchronous=NORMAL).
 *
 * Both sides are timed end to end (ours: read + checksum + parse + validate + one transaction +
 * commit; sqlite3: process start + .import + commit). Each side runs `repeats` times, alternating,
 * and the best run counts (the machine is shared; the minimum is the least disturbed figure).
 *
 *   npx tsx bench/etl.ts [--repeats 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../etl/index.js';
import { openDatabase } from '../server/db/connection.js';
import { silentLogger } from '../server/logger.js';

export interface EtlBenchResult {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  sqliteSeconds: number;
  ratio: number;
}

const REGIONS = 404;
const MONTHS = 120;
const INDICATORS = ['INT', 'ELB', 'LZB'] as const;
const GENDERS = ['total', 'female', 'male'] as const;

function sqlite3Available(): boolean {
  return spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian's sqlite3 CLI when it is missing (the bench runs as root in CI). */
function ensureSqlite3(log: (s: string) => void): void {
  if (sqlite3Available()) return;
  log('sqlite3 CLI missing: apt-get install -y sqlite3');
  const install = () => spawnSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'ignore' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    if (!install()) throw new Error('could not install the sqlite3 CLI (apt-get install -y sqlite3)');
  }
}

/** Deterministic pseudo-random numbers (the same file every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Writes the canonical CSV for runImport and the same rows in the table's column order for
 * sqlite3 (.import maps fields to columns by position and cannot skip the id column).
 */
export function generate(dir: string): { csv: string; cliCsv: string; rows: number } {
  const rnd = lcg(20241120);
  const ours: string[] = ['region;region_name;month;indicator;gender;value;flag'];
  const cli: string[] = [];
  const loadedAt = '2024-11-20T06:00:00.000Z';
  let id = 0;
  for (let r = 0; r < REGIONS; r++) {
    const region = String(1001 + r * 37).padStart(5, '0');
    const name = `Jobcenter ${r + 1}`;
    const size = 2000 + Math.floor(rnd() * 40000);
    for (let m = 0; m < MONTHS; m++) {
      const month = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (const ind of INDICATORS) {
        const base = ind === 'ELB' ? size : ind === 'LZB' ? size * 0.63 : size * 0.02;
        for (const g of GENDERS) {
          const share = g === 'total' ? 1 : g === 'female' ? 0.47 : 0.53;
          const value = Math.round(base * share * (0.95 + rnd() * 0.1));
          // A few suppressed small cells, as in real BA files.
          const suppressed = ind === 'INT' && value < 20 && rnd() < 0.5;
          id++;
          if (suppressed) {
            ours.push(`${region};${name};${month};${ind};${g};*;`);
            cli.push(`${id};${region};${ind};${g};${month};;*;1;${loadedAt};0`);
          } else {
            ours.push(`${region};${name};${month};${ind};${g};${value};`);
            cli.push(`${id};${region};${ind};${g};${month};${value};;1;${loadedAt};0`);
          }
        }
      }
    }
  }
  const csv = join(dir, 'national.csv');
  const cliCsv = join(dir, 'national-sqlite3.csv');
  writeFileSync(csv, `${ours.join('\n')}\n`);
  writeFileSync(cliCsv, `${cli.join('\n')}\n`);
  return { csv, cliCsv, rows: id };
}

async function timeOurs(
  dir: string,
  csv: string,
  run: number,
): Promise<{ seconds: number; inserted: number }> {
  const path = join(dir, `ours-${run}.db`);
  const db = await openDatabase(path); // schema and migrations before the clock starts
  try {
    const t0 = performance.now();
    const s = await runImport({ db, logger: silentLogger() }, [{ kind: 'file', path: csv }], {
      trigger: 'cli',
    });
    const seconds = (performance.now() - t0) / 1000;
    if (s.status !== 'success') throw new Error(`import failed: ${JSON.stringify(s.files[0]?.error)}`);
    return { seconds, inserted: s.inserted };
  } finally {
    await db.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
}

function timeSqlite3(dir: string, cliCsv: string, run: number, rows: number): number {
  const path = join(dir, `sqlite3-${run}.db`);
  // Same shape as `observations` (server/db/migrations): same columns and types, same unique key.
  const schema = `PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE observations (id integer primary key autoincrement, region_id text not null, indicator_code text not null,
  gender text not null, month text not null, value real, flag text, source_file_id integer, loaded_at text not null,
  revision_count integer not null default 0);
CREATE UNIQUE INDEX observations_key ON observations (region_id, indicator_code, gender, month);`;
  execFileSync('sqlite3', [path], { input: schema, stdio: ['pipe', 'ignore', 'inherit'] });
  const t0 = performance.now();
  execFileSync('sqlite3', [path], {
    input: `PRAGMA synchronous=NORMAL;\n.mode list\n.separator ;\n.import ${cliCsv} observations\n`,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const seconds = (performance.now() - t0) / 1000;
  const count = Number(
    execFileSync('sqlite3', [path, 'select count(*) from observations']).toString().trim(),
  );
  if (count !== rows) throw new Error(`sqlite3 imported ${count} rows, expected ${rows}`);
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  return seconds;
}

export async function benchEtl(
  options: { repeats?: number; log?: (line: string) => void } = {},
): Promise<EtlBenchResult> {
  const repeats = Math.max(1, options.repeats ?? 3);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  ensureSqlite3(log);
  const dir = mkdtempSync(join(tmpdir(), 'zm-bench-etl-'));
  try {
    const t0 = performance.now();
    const { csv, cliCsv, rows } = generate(dir);
    log(
      `ETL bench: ${rows.toLocaleString('en')} rows generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const ours: number[] = [];
    const cli: number[] = [];
    for (let run = 0; run < repeats; run++) {
      const o = await timeOurs(dir, csv, run);
      if (o.inserted !== rows) throw new Error(`runImport inserted ${o.inserted} rows, expected ${rows}`);
      ours.push(o.seconds);
      cli.push(timeSqlite3(dir, cliCsv, run, rows));
    }
    const seconds = Math.min(...ours);
    const sqliteSeconds = Math.min(...cli);
    const result: EtlBenchResult = {
      rows,
      seconds,
      rowsPerSec: rows / seconds,
      sqliteSeconds,
      ratio: seconds / sqliteSeconds,
    };
    const fmt = (s: number) => s.toFixed(2).padStart(6);
    log('');
    log(`| ${'run'.padEnd(22)} | ${'best s'.padStart(6)} | ${'rows/s'.padStart(9)} | all runs (s)`);
    log(`|${'-'.repeat(24)}|${'-'.repeat(8)}|${'-'.repeat(11)}|${'-'.repeat(20)}`);
    log(
      `| ${'runImport (ours)'.padEnd(22)} | ${fmt(seconds)} | ${Math.round(rows / seconds)
        .toLocaleString('en')
        .padStart(9)} | ${ours.map((s) => s.toFixed(2)).join(', ')}`,
    );
    log(
      `| ${'sqlite3 CLI .import'.padEnd(22)} | ${fmt(sqliteSeconds)} | ${Math.round(rows / sqliteSeconds)
        .toLocaleString('en')
        .padStart(9)} | ${cli.map((s) => s.toFixed(2)).join(', ')}`,
    );
    log('');
    log(
      `ratio ours / sqlite3 = ${result.ratio.toFixed(2)} (goal ≤ 2.0: ${result.ratio <= 2 ? 'met' : 'NOT met'})`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const i = process.argv.indexOf('--repeats');
  const repeats = i >= 0 ? Number(process.argv[i + 1]) : 3;
  benchEtl({ repeats: Number.isFinite(repeats) ? repeats : 3 }).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
