/**
 * The API as clients meet it: HTTP against the production server (`node dist/server/main.js`,
 * log lines to a file) on the national database.
 * - req/s against a bare node:http server sending the same bytes (bench/bare-server.mjs), for one
 *   URL and for requests spread over 404 regions × 9 data months; autocannon with 50 connections,
 *   the two servers in alternating slices so that other load on the machine hits both alike;
 *   CPU per request from /proc of each server process;
 * - the goals of all 404 regions on a freshly started server, sequentially over one keep-alive
 *   connection (curl), against the bare server replaying that server's answers the same way;
 * - /api/comparison for every region (fresh server, the same), and for a quarter of them
 *   (linearity);
 * - /api/regions, first answer and median of repeated ones.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { median, processCpuMs, processRss, ROOT, startServer, timedGet } from './lib.js';
import { regionIds, SPREAD_MONTHS } from './national.js';
import { topEntries } from './profile-top.js';

export interface Slice {
  reqPerSec: number;
  cpuUsPerReq: number;
  p99Ms: number;
  errors: number;
}

export interface VersusBare {
  api: Slice[];
  bare: Slice[];
  /** api / bare req/s per slice pair. */
  ratios: number[];
}

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Records each path's answer from the production server as it goes over the wire (warming its
 * caches as a client would): bytes not decoded, so that the bare server replays exactly what was
 * sent. `acceptEncoding`: what the client asks for (none: the uncompressed answers autocannon
 * gets, as it sends no Accept-Encoding).
 */
async function record(
  base: string,
  paths: readonly string[],
  acceptEncoding?: string,
): Promise<Record<string, Recorded>> {
  const out: Record<string, Recorded> = {};
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  try {
    for (const path of paths) {
      out[path] = await new Promise<Recorded>((resolve, reject) => {
        httpGet(base + path, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const kept: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (
                typeof v === 'string' &&
                !['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)
              )
                kept[k] = v;
            kept['content-length'] = String(body.byteLength);
            resolve({ status: res.statusCode ?? 0, headers: kept, body: body.toString('base64') });
          });
        }).on('error', reject);
      });
    }
  } finally {
    agent.destroy();
  }
  return out;
}

async function startBare(file: string): Promise<{ pid: number; base: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bench/bare-server.mjs', file], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  for await (const chunk of child.stderr) {
    err += String(chunk);
    const m = /listening (\d+)/.exec(err);
    if (m && child.pid !== undefined) {
      const pid = child.pid;
      return { pid, base: `http://127.0.0.1:${m[1]}`, stop: () => child.kill('SIGTERM') };
    }
  }
  throw new Error(`bare server did not start: ${err}`);
}

/** One autocannon slice: `paths` requested round-robin over all connections. */
export async function slice(
  base: string,
  pid: number,
  paths: readonly string[],
  seconds: number,
): Promise<Slice> {
  let next = 0;
  const cpu0 = processCpuMs(pid);
  const r = await autocannon({
    url: base,
    connections: 50,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const path = paths[next++ % paths.length] ?? '/';
          return { ...req, path };
        },
      },
    ],
  });
  const cpu = processCpuMs(pid) - cpu0;
  const n = Math.max(1, r.requests.total);
  return {
    reqPerSec: r.requests.total / seconds,
    cpuUsPerReq: (cpu * 1000) / n,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

/** The production server against the bare one on `paths`, in `slices` alternating pairs. */
export async function versusBare(
  dir: string,
  api: { pid: number; base: string },
  paths: readonly string[],
  options: { slices: number; seconds: number; name: string },
): Promise<VersusBare> {
  const file = join(dir, `recorded-${options.name}.json`);
  writeFileSync(file, JSON.stringify(await record(api.base, paths)));
  const bare = await startBare(file);
  const out: VersusBare = { api: [], bare: [], ratios: [] };
  try {
    // A short warm-up of both (JIT, connections), not counted.
    await slice(api.base, api.pid, paths, 1);
    await slice(bare.base, bare.pid, paths, 1);
    for (let i = 0; i < options.slices; i++) {
      const first = i % 2 === 0;
      const a = first ? await slice(api.base, api.pid, paths, options.seconds) : null;
      const b = await slice(bare.base, bare.pid, paths, options.seconds);
      const a2 = a ?? (await slice(api.base, api.pid, paths, options.seconds));
      out.api.push(a2);
      out.bare.push(b);
      out.ratios.push(a2.reqPerSec / b.reqPerSec);
    }
  } finally {
    bare.stop();
    rmSync(file, { force: true });
  }
  return out;
}

/** The Accept-Encoding of the sequential fresh-server runs (what browsers and the wall send). */
const SEQUENTIAL_ENCODING = 'br, gzip';

/**
 * Sequential GETs of `paths` against `base` over one keep-alive connection, by curl: a C client,
 * whose own cost per request is small against node's fetch (which needs about 0.7 ms per request
 * by itself, more than the server's answer). Total milliseconds of the curl process; every answer
 * must be 200.
 */
export function curlSequential(base: string, paths: readonly string[]): number {
  const args = ['-s', '-H', `Accept-Encoding: ${SEQUENTIAL_ENCODING}`, '-w', '%{stderr}%{http_code}\n'];
  const t0 = performance.now();
  const r = spawnSync('curl', [...args, ...paths.map((p) => base + p)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  const codes = String(r.stderr).trim().split('\n');
  const bad = codes.filter((c) => c !== '200');
  if (r.status !== 0 || codes.length !== paths.length || bad.length > 0)
    throw new Error(
      `curl: exit ${r.status}, ${codes.length} answers, not 200: ${bad.slice(0, 3).join(', ')}`,
    );
  return ms;
}

/** One sequential run on a fresh production server, then the same against the bare server. */
async function freshAndBare(
  dbPath: string,
  logFile: string,
  dir: string,
  paths: readonly string[],
): Promise<{ fresh: number; bare: number; start: number }> {
  const started = performance.now();
  const s = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false' });
  const start = performance.now() - started;
  let fresh: number;
  const file = join(dir, 'recorded-sequential.json');
  try {
    fresh = curlSequential(s.base, paths);
    writeFileSync(file, JSON.stringify(await record(s.base, paths, SEQUENTIAL_ENCODING)));
  } finally {
    await s.stop();
  }
  const bare = await startBare(file);
  try {
    return { fresh, bare: curlSequential(bare.base, paths), start };
  } finally {
    bare.stop();
    rmSync(file, { force: true });
  }
}

export interface ColdFigures {
  /** Goals of all regions, fresh server each time, ms per run. */
  goalsAll: number[];
  /** The same paths against the bare server sending the same bytes, ms per run (the floor). */
  goalsBare: number[];
  /**
   * Those servers' start, from spawning node to the line that says they listen (ms): the start-up
   * reading of every region's stored goals into memory happens before it.
   */
  goalsStart: number[];
  /** Comparison of all regions on a fresh server, ms per run. */
  comparisonAll: number[];
  comparisonBare: number[];
  /** Comparison of the first quarter of the regions on a fresh server, ms per run. */
  comparisonQuarter: number[];
  /** /api/regions: the first answer of a fresh server, and the median of 50 after it (ms). */
  regionsFirst: number[];
  regionsWarm: number[];
}

/**
 * Figures on freshly started servers: what the first users after a start (or an import) meet.
 * Each sequential run on a fresh server is followed by the same requests against the bare server
 * replaying that server's answers, so the floor (client, loopback, node:http) is measured in the
 * same minute.
 */
export async function coldFigures(
  dbPath: string,
  logFile: string,
  dir: string,
  repeats: number,
): Promise<ColdFigures> {
  const ids = regionIds();
  const goals = ids.map((id) => `/api/goals?region=${id}`);
  const comparison = ids.map((id) => `/api/comparison?region=${id}`);
  const out: ColdFigures = {
    goalsAll: [],
    goalsBare: [],
    goalsStart: [],
    comparisonAll: [],
    comparisonBare: [],
    comparisonQuarter: [],
    regionsFirst: [],
    regionsWarm: [],
  };
  for (let run = 0; run < repeats; run++) {
    const s = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false' });
    out.regionsFirst.push(await timedGet(`${s.base}/api/regions`));
    const warm: number[] = [];
    for (let i = 0; i < 50; i++) warm.push(await timedGet(`${s.base}/api/regions`));
    out.regionsWarm.push(median(warm));
    await s.stop();

    const g = await freshAndBare(dbPath, logFile, dir, goals);
    out.goalsAll.push(g.fresh);
    out.goalsBare.push(g.bare);
    out.goalsStart.push(g.start);

    const c = await freshAndBare(dbPath, logFile, dir, comparison);
    out.comparisonAll.push(c.fresh);
    out.comparisonBare.push(c.bare);

    const q = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false' });
    out.comparisonQuarter.push(curlSequential(q.base, comparison.slice(0, ids.length / 4)));
    await q.stop();
  }
  return out;
}

/** The paths of the two req/s scenarios. */
export function apiScenarios(): { one: string[]; spread: string[] } {
  const spread: string[] = [];
  for (const id of regionIds())
    for (const m of SPREAD_MONTHS) spread.push(`/api/goals?region=${id}&month=${m}`);
  return { one: ['/api/goals'], spread };
}

export interface RssFigures {
  rssMb: number;
  peakMb: number;
  requests: number;
}

/**
 * Resident memory of the production server under the full scenario: alerts on (evaluated at
 * start-up for every region), the goals of every region at its latest month and at each of 9
 * months, every region's month table, every comparison and the region list.
 */
export async function rssFullScenario(
  dbPath: string,
  logFile: string,
  outbox: string,
  nodeArgs: readonly string[] = [],
): Promise<RssFigures> {
  const s = await startServer(
    dbPath,
    logFile,
    { ALERTS_ENABLED: 'true', ALERT_RECIPIENTS: 'controlling@example.org', OUTBOX_DIR: outbox },
    nodeArgs,
  );
  try {
    const { spread } = apiScenarios();
    const ids = regionIds();
    const paths = [
      '/api/regions',
      ...ids.map((id) => `/api/goals?region=${id}`),
      ...spread,
      ...ids.map((id) => `/api/months?region=${id}`),
      ...ids.map((id) => `/api/comparison?region=${id}`),
      ...ids.map((id) => `/api/goals/K2-total/series?region=${id}`),
    ];
    // Four clients at a time, as a few browsers and the wall would.
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const p = paths[next++];
        if (p !== undefined) await timedGet(s.base + p, { 'accept-encoding': 'gzip, deflate, br' });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const rss = processRss(s.pid);
    return { ...rss, requests: paths.length };
  } finally {
    await s.stop();
  }
}

/**
 * The national database as a user makes it: the ETL bundle on the CSV, then the targets (untimed;
 * `npm run bench -- --only api` uses it instead of the ETL rows' database).
 */
export function nationalDatabase(dir: string, files: { csv: string; targets: string }): string {
  const dbPath = join(dir, 'national.db');
  for (const args of [[files.csv], ['--targets', files.targets]]) {
    execFileSync(process.execPath, ['dist/etl/cli.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
  }
  return dbPath;
}

/**
 * Starts the production server once on a database fresh from an import and waits for its log line
 * "derived data ready" (summaries, goal snapshots and the forecast backtest of the new data
 * version, built once and stored); returns the milliseconds from start to that line. Every server
 * started later meets an already-computed database, as after the first start following an import.
 */
export async function prepareDerived(
  dbPath: string,
  dir: string,
  env: Record<string, string> = {},
): Promise<number> {
  const logFile = join(dir, 'prepare.log');
  rmSync(logFile, { force: true });
  const t0 = performance.now();
  const s = await startServer(dbPath, logFile, { ALERTS_ENABLED: 'false', ...env });
  try {
    for (;;) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      if (log.includes('"derived data ready"')) return performance.now() - t0;
      if (log.includes('"goal snapshots not stored"') || log.includes('"goal snapshots failed"'))
        throw new Error(`derived data not built:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await s.stop();
  }
}

/**
 * Where the production server's CPU goes under the one-URL scenario (autocannon, 50 connections,
 * `seconds`), from `node --cpu-prof`: the top entries by self time, start-up included.
 */
export async function apiProfile(
  dbPath: string,
  dir: string,
  seconds: number,
): Promise<{ name: string; where: string; pct: number }[]> {
  const profDir = join(dir, 'api-profile');
  const s = await startServer(dbPath, join(dir, 'profile.log'), { ALERTS_ENABLED: 'false' }, [
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
  ]);
  try {
    await slice(s.base, s.pid, apiScenarios().one, seconds);
  } finally {
    await s.stop();
  }
  const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  return prof ? topEntries(join(profDir, prof), 12) : [];
}
