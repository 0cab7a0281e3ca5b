/**
 * API benchmark (issue 3): with a national data set loaded (404 regions × 45 months × 3 genders ×
 * INT/ELB/LZB, six targets each),
 * - autocannon at 50 connections for ~10 s per server (in alternating slices) against
 *   GET /api/goals?region=… on the real server
 *   (createApp + @hono/node-server, production logging and middleware), and in the same script
 *   against a bare node:http server that sends the same bytes with the same headers;
 *   goals: requests/s ratio ≥ 0.7, p99 ≤ 10 ms;
 * - the time to compute the goals of all 404 regions from a cold cache; goal ≤ 200 ms.
 *
 * The servers run in a child process (bench/api-server.ts) so that the load generator does not
 * share their event loop. Loopback only; every loop is bounded.
 *
 * Run alone: npx tsx bench/api.ts   (DURATION_S=… to change the 10 s per run)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { testConfig } from '../server/config.js';
import { openDatabase } from '../server/db/connection.js';
import { createGoalService } from '../server/goals/service.js';
import { loadNationalData, REGION_COUNT, regionIds } from './api-data.js';

export interface ApiBenchResult {
  regions: number;
  observations: number;
  loadMs: number;
  responseBytes: number;
  api: LoadFigures;
  bare: LoadFigures;
  ratio: number;
  coldAllRegionsMs: number;
  coldAllRegionsCpuMs: number;
  warmAllRegionsMs: number;
  /** All regions again right after a data-version bump (an import): cold cache, warm code. */
  afterImportAllRegionsMs: number;
  afterImportAllRegionsCpuMs: number;
  /** Load average (1 min) when the run ended: figures on a busy machine are worse. */
  loadAverage: number;
  serverRssMb: number;
  goals: { ratio: boolean; p99: boolean; cold: boolean };
}

interface ReadyMessage {
  type: 'ready';
  honoPort: number;
  barePort: number;
  bytes: number;
  status: number;
}

function isReady(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && 'type' in m && m.type === 'ready';
}

function isRss(m: unknown): m is { type: 'rss'; rss: number } {
  return typeof m === 'object' && m !== null && 'type' in m && m.type === 'rss' && 'rss' in m;
}

async function nextMessage<T>(
  child: ChildProcess,
  guard: (m: unknown) => m is T,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('benchmark server did not answer in time')), timeoutMs);
    const onMessage = (m: unknown) => {
      if (!guard(m)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`benchmark server exited early (code ${code})`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function isCpu(m: unknown): m is { type: 'cpu'; cpu: number } {
  return typeof m === 'object' && m !== null && 'type' in m && m.type === 'cpu' && 'cpu' in m;
}

interface LoadFigures {
  requestsPerSec: number;
  p99Ms: number;
  p50Ms: number;
  errors: number;
  non2xx: number;
  /** CPU time of the server process per answered request (µs): robust on a shared machine. */
  cpuUsPerRequest: number;
}

interface Tally {
  requests: number;
  seconds: number;
  latencies: number[];
  errors: number;
  non2xx: number;
  cpuUs: number;
}

const emptyTally = (): Tally => ({ requests: 0, seconds: 0, latencies: [], errors: 0, non2xx: 0, cpuUs: 0 });

/** One slice of load at 50 connections; every response time is kept for exact percentiles. */
async function slice(child: ChildProcess, url: string, durationS: number, into: Tally): Promise<void> {
  child.send('cpu');
  const cpu0 = (await nextMessage(child, isCpu, 5_000)).cpu;
  const t0 = performance.now();
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: 50, duration: durationS, pipelining: 1 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      into.latencies.push(responseTime);
    });
  });
  into.seconds += (performance.now() - t0) / 1000;
  child.send('cpu');
  into.cpuUs += (await nextMessage(child, isCpu, 5_000)).cpu - cpu0;
  into.requests += r.requests.total;
  into.errors += r.errors + r.timeouts;
  into.non2xx += r.non2xx;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function figures(t: Tally): LoadFigures {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    requestsPerSec: t.requests / t.seconds,
    p99Ms: ms(percentile(sorted, 99)),
    p50Ms: ms(percentile(sorted, 50)),
    errors: t.errors,
    non2xx: t.non2xx,
    cpuUsPerRequest: t.cpuUs / Math.max(1, t.requests),
  };
}

export async function benchApi(
  options: { durationS?: number; rounds?: number; print?: boolean } = {},
): Promise<ApiBenchResult> {
  const durationS = options.durationS ?? Number(process.env.DURATION_S ?? 10);
  const rounds = Math.max(1, options.rounds ?? Number(process.env.ROUNDS ?? 5));
  const dir = mkdtempSync(join(tmpdir(), 'zm-bench-api-'));
  const dbPath = join(dir, 'national.db');
  let child: ChildProcess | null = null;
  try {
    const t0 = performance.now();
    const db = await openDatabase(dbPath);
    const observations = loadNationalData(db);
    const loadMs = performance.now() - t0;
    const ids = regionIds();

    // Cold: a fresh service, every region computed from the database once.
    const config = testConfig({ DATABASE_PATH: dbPath });
    const cold = createGoalService({ db, config });
    const c0 = performance.now();
    const cpu0 = process.cpuUsage();
    let goalsComputed = 0;
    for (const id of ids) goalsComputed += (await cold.getGoals({ region: id })).goals.length;
    const coldAllRegionsMs = performance.now() - c0;
    const cpu1 = process.cpuUsage(cpu0);
    // CPU time too: on a busy machine wall time includes waiting for a core.
    const coldAllRegionsCpuMs = (cpu1.user + cpu1.system) / 1000;
    if (goalsComputed !== REGION_COUNT * 6)
      throw new Error(`expected ${REGION_COUNT * 6} goals, got ${goalsComputed}`);
    const w0 = performance.now();
    for (const id of ids) await cold.getGoals({ region: id });
    const warmAllRegionsMs = performance.now() - w0;
    // What a running server does after an import: the data version moves, every cached result
    // is dropped and recomputed - a cold cache, but code the JIT has already compiled (the first
    // figure above also pays for compiling it, once per process).
    db.sqlite
      .prepare(`update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`)
      .run();
    const a0 = performance.now();
    const acpu0 = process.cpuUsage();
    for (const id of ids) await cold.getGoals({ region: id });
    const afterImportAllRegionsMs = performance.now() - a0;
    const acpu = process.cpuUsage(acpu0);
    const afterImportAllRegionsCpuMs = (acpu.user + acpu.system) / 1000;
    await db.close();

    const region = ids[Math.floor(ids.length / 2)] ?? '10001';
    const path = `/api/goals?region=${region}`;
    const serverFile = join(dirname(fileURLToPath(import.meta.url)), 'api-server.ts');
    child = fork(serverFile, [dbPath, path], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await nextMessage(child, isReady, 30_000);
    if (ready.status !== 200) throw new Error(`GET ${path} answered ${ready.status}`);

    // Short warm-ups, then the measured runs: the two servers take turns in `rounds` slices of
    // durationS / rounds seconds each, so that a burst of other work on a shared machine falls on
    // both alike instead of on whichever happened to run at the time.
    const bareUrl = `http://127.0.0.1:${ready.barePort}${path}`;
    const apiUrl = `http://127.0.0.1:${ready.honoPort}${path}`;
    await slice(child, bareUrl, 1, emptyTally());
    await slice(child, apiUrl, 1, emptyTally());
    const bareTally = emptyTally();
    const apiTally = emptyTally();
    for (let i = 0; i < rounds; i++) {
      await slice(child, bareUrl, durationS / rounds, bareTally);
      await slice(child, apiUrl, durationS / rounds, apiTally);
    }
    const bare = figures(bareTally);
    const api = figures(apiTally);

    child.send('rss');
    const { rss } = await nextMessage(child, isRss, 5_000);
    const ratio = api.requestsPerSec / bare.requestsPerSec;
    const result: ApiBenchResult = {
      regions: REGION_COUNT,
      observations,
      loadMs,
      responseBytes: ready.bytes,
      api,
      bare,
      ratio,
      coldAllRegionsMs,
      coldAllRegionsCpuMs,
      warmAllRegionsMs,
      afterImportAllRegionsMs,
      afterImportAllRegionsCpuMs,
      loadAverage: loadavg()[0] ?? 0,
      serverRssMb: rss / 1024 / 1024,
      goals: { ratio: ratio >= 0.7, p99: api.p99Ms <= 10, cold: coldAllRegionsMs <= 200 },
    };
    if (options.print ?? true) printTable(result);
    return result;
  } finally {
    if (child && child.exitCode === null) {
      child.send('stop');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(r: ApiBenchResult): void {
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const rows: [string, string, string, string][] = [
    [
      'data set',
      `${r.regions} regions, ${r.observations} observations`,
      '',
      `${r.loadMs.toFixed(0)} ms to load`,
    ],
    [
      'GET /api/goals (Hono)',
      `${r.api.requestsPerSec.toFixed(0)} req/s`,
      '',
      `p50 ${r.api.p50Ms} ms, p99 ${r.api.p99Ms} ms, ${r.api.cpuUsPerRequest.toFixed(1)} µs CPU/request`,
    ],
    [
      'bare node:http, same bytes',
      `${r.bare.requestsPerSec.toFixed(0)} req/s`,
      '',
      `p50 ${r.bare.p50Ms} ms, p99 ${r.bare.p99Ms} ms, ${r.bare.cpuUsPerRequest.toFixed(1)} µs CPU/request`,
    ],
    ['requests/s ratio', r.ratio.toFixed(2), '≥ 0.70', ok(r.goals.ratio)],
    ['p99 at 50 connections', `${r.api.p99Ms} ms`, '≤ 10 ms', ok(r.goals.p99)],
    [
      'goals of 404 regions, cold',
      `${r.coldAllRegionsMs.toFixed(1)} ms (${r.coldAllRegionsCpuMs.toFixed(0)} ms CPU)`,
      '≤ 200 ms',
      ok(r.goals.cold),
    ],
    [
      'goals of 404 regions, after an import',
      `${r.afterImportAllRegionsMs.toFixed(1)} ms (${r.afterImportAllRegionsCpuMs.toFixed(0)} ms CPU)`,
      '',
      'cold cache, compiled code',
    ],
    ['goals of 404 regions, cached', `${r.warmAllRegionsMs.toFixed(1)} ms`, '', ''],
    // Not the production figure (that is bench/rss.ts: the bundled server under plain node): this
    // process runs under the tsx loader and also holds the bare server and the bench's caches.
    ['benchmark server process RSS', `${r.serverRssMb.toFixed(0)} MB`, '', 'tsx; see bench/rss.ts'],
    ['errors / non-2xx', `${r.api.errors + r.bare.errors} / ${r.api.non2xx + r.bare.non2xx}`, '0', ''],
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  console.log(
    `\nAPI benchmark (response ${r.responseBytes} bytes, load average ${r.loadAverage.toFixed(1)})`,
  );
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(w[i] ?? 0)).join('  '));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchApi().then(
    (r) => process.exit(r.api.errors + r.bare.errors === 0 ? 0 : 1),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
