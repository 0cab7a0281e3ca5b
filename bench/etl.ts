/**
 * The ETL as people run it: `npm run etl -- national.csv` as a whole process (npm, node start-up,
 * migrations, parse, validation, one transaction, exit) against Debian's
 * `sqlite3` importing the same rows with a plain `.import` (the issue's baseline: a table made
 * from the CSV header, no constraints), each into a fresh database file. Beside them: the bundle
 * without npm (`node dist/etl/cli.js`), and sqlite3 into a table of the observations' shape
 * (AUTOINCREMENT id, unique key), which shows what the schema itself costs.
 * The four run in turn, `repeats` times; figures are medians with their range.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, timed } from './lib.js';
import type { NationalFiles } from './national.js';
import { topEntriesOfThreads } from './profile-top.js';

export interface EtlBenchResult {
  rows: number;
  npm: number[];
  bundle: number[];
  sqlitePlain: number[];
  sqliteShaped: number[];
  /** npm run etl / plain .import, per run. */
  ratios: number[];
  /**
   * CPU seconds (user + system, the process and its children, by /usr/bin/time) of `npm run etl`
   * and of the plain `.import`, per run: beside the wall times, a figure that moves less with the
   * load of a shared machine. Empty without /usr/bin/time.
   */
  npmCpu: number[];
  sqlitePlainCpu: number[];
  /** The database the last `npm run etl` built, with the targets loaded: the API benches use it. */
  dbPath: string;
  profile: { name: string; where: string; pct: number }[];
}

function ensureSqlite3(log: (s: string) => void): void {
  if (spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status === 0) return;
  log('sqlite3 CLI missing: apt-get install -y sqlite3');
  spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  if (spawnSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'ignore' }).status !== 0)
    throw new Error('could not install the sqlite3 CLI (apt-get install -y sqlite3)');
}

function removeDb(path: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true });
}

function count(db: string, table: string): number {
  return Number(
    execFileSync('sqlite3', [db, `select count(*) from ${table}`])
      .toString()
      .trim(),
  );
}

/** The rows in the column order of the observations table (for the shaped sqlite3 import). */
function shapedCsv(csv: string, out: string): void {
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n').slice(1);
  const loadedAt = '2024-11-20T06:00:00.000Z';
  const rows = lines.map((line) => {
    const [region, , month, ind, g, value, flag] = line.split(';');
    const isFlag = value === '*' || value === '-' || value === 'X';
    return `${region};${ind};${g};${month};${isFlag ? '' : value};${isFlag ? value : flag};1;${loadedAt};0;0`;
  });
  writeFileSync(out, `${rows.join('\n')}\n`);
}

// No CHECKs: sqlite3's .import writes empty fields as '' (not NULL), which they would reject.
// The shape of migration i13c: keyed by (region_id, month, indicator_code, gender), WITHOUT ROWID.
const SHAPED_SCHEMA = `CREATE TABLE observations (region_id text not null,
  indicator_code text not null, gender text not null, month text not null, value real, flag text,
  source_file_id integer, loaded_at text not null, revision_count integer not null default 0,
  provisional integer not null default 0,
  PRIMARY KEY (region_id, month, indicator_code, gender)) WITHOUT ROWID;`;

export async function benchEtl(
  dir: string,
  files: NationalFiles,
  options: { repeats: number; log: (s: string) => void },
): Promise<EtlBenchResult> {
  const { log } = options;
  ensureSqlite3(log);
  const shaped = join(dir, 'national-shaped.csv');
  shapedCsv(files.csv, shaped);
  const res: EtlBenchResult = {
    rows: files.rows,
    npm: [],
    bundle: [],
    sqlitePlain: [],
    sqliteShaped: [],
    ratios: [],
    npmCpu: [],
    sqlitePlainCpu: [],
    dbPath: join(dir, 'npm.db'),
    profile: [],
  };
  for (let run = 0; run < options.repeats; run++) {
    const npmDb = res.dbPath;
    removeDb(npmDb);
    const timeFile = join(dir, 'time.txt');
    res.npm.push(
      timed('npm', ['run', '--silent', 'etl', '--', files.csv], { DATABASE_PATH: npmDb }, undefined, {
        file: timeFile,
        into: res.npmCpu,
      }),
    );
    if (count(npmDb, 'observations') !== files.rows) throw new Error('npm run etl: wrong row count');

    const plainDb = join(dir, 'plain.db');
    removeDb(plainDb);
    res.sqlitePlain.push(
      timed('sqlite3', [plainDb], {}, `.mode csv\n.separator ;\n.import ${files.csv} observations\n`, {
        file: timeFile,
        into: res.sqlitePlainCpu,
      }),
    );
    if (count(plainDb, 'observations') !== files.rows) throw new Error('sqlite3 plain: wrong row count');
    removeDb(plainDb);

    const bundleDb = join(dir, 'bundle.db');
    removeDb(bundleDb);
    res.bundle.push(timed(process.execPath, ['dist/etl/cli.js', files.csv], { DATABASE_PATH: bundleDb }));
    removeDb(bundleDb);

    const shapedDb = join(dir, 'shaped.db');
    removeDb(shapedDb);
    execFileSync('sqlite3', [shapedDb], { input: SHAPED_SCHEMA });
    res.sqliteShaped.push(
      timed('sqlite3', [shapedDb], {}, `.mode list\n.separator ;\n.import ${shaped} observations\n`),
    );
    if (count(shapedDb, 'observations') !== files.rows) throw new Error('sqlite3 shaped: wrong row count');
    removeDb(shapedDb);
    res.ratios.push((res.npm.at(-1) ?? 0) / (res.sqlitePlain.at(-1) ?? 1));
    log(
      `  run ${run + 1}: npm run etl ${res.npm.at(-1)?.toFixed(2)} s, sqlite3 plain ${res.sqlitePlain.at(-1)?.toFixed(2)} s, bundle ${res.bundle.at(-1)?.toFixed(2)} s, sqlite3 shaped ${res.sqliteShaped.at(-1)?.toFixed(2)} s`,
    );
  }
  // Where the CLI's time goes: one more run under the CPU profiler.
  const profDir = join(dir, 'etl-profile');
  const profDb = join(dir, 'profile.db');
  timed(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, 'dist/etl/cli.js', files.csv], {
    DATABASE_PATH: profDb,
  });
  removeDb(profDb);
  // One profile per process: the command line's and its import worker's (summed, idle left out).
  const profiles = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  res.profile = topEntriesOfThreads(
    profiles.map((f) => join(profDir, f)),
    12,
  );
  // The API benches need the targets too, loaded the way a user loads them.
  timed(process.execPath, ['dist/etl/cli.js', '--targets', files.targets], { DATABASE_PATH: res.dbPath });
  log(`  ratio npm run etl / sqlite3 plain .import: median ${median(res.ratios).toFixed(2)}`);
  return res;
}
