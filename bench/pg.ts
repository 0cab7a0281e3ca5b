/**
 * The PostgreSQL column of the benchmarks (`npm run bench` can print it beside SQLite):
 * - ETL: the national canonical file (436,320 rows, bench/etl.ts) imported with runImport into a
 *   fresh PostgreSQL database, against `psql \copy` of the same rows into the same table
 *   (see timePsql); goal: ratio ≤ 2.0;
 * - /api/goals at 50 connections on PostgreSQL and on SQLite (the same national data set, copied
 *   with db:copy): requests/s, p99 and server CPU per request;
 * - the goals of all 404 regions from a cold cache on PostgreSQL beside SQLite.
 * Needs the PostgreSQL of scripts/pg-ci.sh (TEST_DATABASE_URL, as the tests).
 *
 *   npx tsx bench/pg.ts [--repeats 2] [--seconds 8]
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { runImport } from '../etl/index.js';
import { createAppDeps } from '../server/app-deps.js';
import { testConfig } from '../server/config.js';
import { type Db, openDatabase, openPostgres } from '../server/db/connection.js';
import { copyDatabase } from '../server/db/copy.js';
import { syncDataVersion } from '../server/db/repositories/meta.js';
import { createPgDatabase, dropPgDatabase } from '../tests/helpers/db.js';
import { loadNationalData, regionIds } from './api-data.js';
import { generate } from './pg-data.js';

export interface PgBenchResult {
  etl: { rows: number; seconds: number; psqlSeconds: number; bareTableSeconds: number; ratio: number };
  goals: Record<'sqlite' | 'postgres', { rps: number; p99: number; cpuUsPerRequest: number }>;
  coldAllRegionsMs: Record<'sqlite' | 'postgres', number>;
}

async function timeEtl(csv: string): Promise<number> {
  const url = await createPgDatabase();
  const db = await openPostgres(url);
  try {
    const t0 = performance.now();
    const { etl } = await createAppDeps({ db, config: testConfig() });
    const s = await runImport(etl, [{ kind: 'file', path: csv }], { trigger: 'cli' });
    if (s.status !== 'success') throw new Error(`import failed: ${JSON.stringify(s.files[0]?.error)}`);
    return (performance.now() - t0) / 1000;
  } finally {
    await db.close();
    await dropPgDatabase(url);
  }
}

/**
 * psql \copy of the same rows into the product's own `observations` table (a migrated database
 * with the file's regions and an import_runs/imported_files row in place): the same columns,
 * constraints, foreign keys and indexes the ETL writes into. The foreign-key checks are most of
 * PostgreSQL's cost here (a bare table without them loads about 3× faster), so comparing against a
 * bare table would measure the schema, not the ETL; `bareSeconds` reports that figure too.
 */
async function timePsql(
  cliCsv: string,
  rows: number,
  regions: readonly string[],
): Promise<{ seconds: number; bareSeconds: number }> {
  const url = await createPgDatabase();
  const db = await openPostgres(url);
  await db.close();
  const psql = (sqlText: string) =>
    execFileSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sqlText], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  try {
    psql(
      `insert into import_runs (id, started_at, trigger, status) overriding system value values (1, 'x', 'cli', 'running')`,
    );
    psql(
      `insert into imported_files (id, run_id, path, sha256, size, status, imported_at) overriding system value values (1, 1, 'x', 'x', 1, 'imported', 'x')`,
    );
    psql(`insert into regions (id, name) values ${regions.map((r) => `('${r}', 'x')`).join(',')}`);
    psql(`create table bare (id integer primary key, region_id text not null, indicator_code text not null,
      gender text not null, month text not null, value double precision, flag text, source_file_id integer,
      loaded_at text not null, revision_count integer not null default 0);
      create unique index bare_key on bare (region_id, indicator_code, gender, month)`);
    const copy = (table: string) => {
      const t0 = performance.now();
      psql(
        `\\copy ${table} (id, region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at, revision_count) from '${cliCsv}' with (format csv, delimiter ';')`,
      );
      const seconds = (performance.now() - t0) / 1000;
      const n = Number(
        execFileSync('psql', [url, '-At', '-c', `select count(*) from ${table}`])
          .toString()
          .trim(),
      );
      if (n !== rows) throw new Error(`psql copied ${n} rows into ${table}, expected ${rows}`);
      return seconds;
    };
    return { seconds: copy('observations'), bareSeconds: copy('bare') };
  } finally {
    await dropPgDatabase(url);
  }
}

async function loadTest(target: string, path: string, seconds: number) {
  const server = fork(fileURLToPath(new URL('./api-server.ts', import.meta.url)), [target, path], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const [ready] = (await once(server, 'message')) as [{ honoPort: number }];
    const cpu = async () => {
      server.send('cpu');
      for (;;) {
        const [m] = (await once(server, 'message')) as [{ type: string; cpu: number }];
        if (m.type === 'cpu') return m.cpu;
      }
    };
    const url = `http://127.0.0.1:${ready.honoPort}${path}`;
    await autocannon({ url, connections: 50, duration: 1 }); // warm-up
    const before = await cpu();
    const r = await autocannon({ url, connections: 50, duration: seconds });
    const used = (await cpu()) - before;
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return {
      rps: r.requests.average,
      p99: r.latency.p99,
      cpuUsPerRequest: used / Math.max(1, r.requests.total),
    };
  } finally {
    server.kill('SIGKILL');
  }
}

async function coldAll(db: Db): Promise<number> {
  await syncDataVersion(db);
  const { goals } = await createAppDeps({
    db,
    config: testConfig(),
    clock: () => new Date('2024-11-20T10:00:00Z'),
  });
  const t0 = performance.now();
  for (const id of regionIds()) await goals.getGoals({ region: id });
  return performance.now() - t0;
}

export async function benchPg(
  options: { repeats?: number; seconds?: number; log?: (line: string) => void } = {},
): Promise<PgBenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'zm-bench-pg-'));
  const urls: string[] = [];
  try {
    // ETL vs psql \copy.
    const { csv, cliCsv, rows } = generate(dir);
    const regions = [
      ...new Set(
        readFileSync(cliCsv, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(';')[1] ?? ''),
      ),
    ];
    const ours: number[] = [];
    const psql: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < Math.max(1, options.repeats ?? 2); i++) {
      ours.push(await timeEtl(csv));
      const p = await timePsql(cliCsv, rows, regions);
      psql.push(p.seconds);
      bare.push(p.bareSeconds);
    }
    const etl = {
      rows,
      seconds: Math.min(...ours),
      psqlSeconds: Math.min(...psql),
      bareTableSeconds: Math.min(...bare),
      ratio: 0,
    };
    etl.ratio = etl.seconds / etl.psqlSeconds;
    log(
      `ETL ${rows} rows into PostgreSQL: ours ${etl.seconds.toFixed(2)} s (${ours.map((s) => s.toFixed(2)).join(', ')}), psql \\copy into the same table ${etl.psqlSeconds.toFixed(2)} s (${psql.map((s) => s.toFixed(2)).join(', ')}), ratio ${etl.ratio.toFixed(2)} (goal ≤ 2.0: ${etl.ratio <= 2 ? 'met' : 'NOT met'}); psql \\copy into a bare table without foreign keys ${etl.bareTableSeconds.toFixed(2)} s`,
    );

    // The national API data set in SQLite, copied to PostgreSQL.
    const sqlitePath = join(dir, 'api.db');
    const src = await openDatabase(sqlitePath);
    loadNationalData(src);
    await src.close();
    const pgUrl = await createPgDatabase();
    urls.push(pgUrl);
    const copySrc = await openDatabase(sqlitePath, { readonly: true, migrate: false });
    const copyDst = await openPostgres(pgUrl);
    await copyDatabase(copySrc, copyDst);
    await copySrc.close();

    const path = `/api/goals?region=${regionIds()[0]}`;
    const seconds = options.seconds ?? 8;
    const goals = {
      sqlite: await loadTest(sqlitePath, path, seconds),
      postgres: await loadTest(pgUrl, path, seconds),
    };
    for (const [k, g] of Object.entries(goals)) {
      log(
        `/api/goals at 50 connections, ${k.padEnd(8)}: ${Math.round(g.rps)} req/s, p99 ${g.p99} ms, server CPU ${g.cpuUsPerRequest.toFixed(0)} µs/request`,
      );
    }
    log(`req/s PostgreSQL / SQLite = ${(goals.postgres.rps / goals.sqlite.rps).toFixed(2)}`);

    const sqliteDb = await openDatabase(sqlitePath, { readonly: true, migrate: false });
    const coldAllRegionsMs = { sqlite: await coldAll(sqliteDb), postgres: await coldAll(copyDst) };
    await sqliteDb.close();
    await copyDst.close();
    log(
      `goals of all 404 regions, cold: SQLite ${coldAllRegionsMs.sqlite.toFixed(0)} ms, PostgreSQL ${coldAllRegionsMs.postgres.toFixed(0)} ms`,
    );
    return { etl, goals, coldAllRegionsMs };
  } finally {
    for (const u of urls) await dropPgDatabase(u).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const num = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    const n = i >= 0 ? Number(process.argv[i + 1]) : def;
    return Number.isFinite(n) ? n : def;
  };
  benchPg({ repeats: num('repeats', 2), seconds: num('seconds', 8) }).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
