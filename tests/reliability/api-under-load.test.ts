/**
 * The API under load while an import runs. A real HTTP server (createApp + @hono/node-server on
 * 127.0.0.1, port 0) over a file database with the API fixture; 20 concurrent clients loop over
 * /api/goals, /api/months, /api/health, /api/version while
 *   1. the ETL command line (`etl/cli.ts`, another process) imports a ~47k-row file into the
 *      same database file — the case that produces SQLITE_BUSY when locking is done wrong;
 *   2. an upload through POST /api/imports of this very server imports another big file.
 * Every response must be 2xx, no request may fail, nothing may say 'database is locked' (bodies
 * and server logs), and afterwards the goals must be the ones of the new data (no stale cache).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import { openDatabase, type SqliteDb } from '../../server/db/connection.js';
import type { AppDeps } from '../../server/deps.js';
import { createGoalService } from '../../server/goals/service.js';
import { ADMIN_TOKEN, insertFixture, REGION_A } from '../api/fixture.js';
import {
  type CanonicalRow,
  canonicalRows,
  canonicalText,
  dataVersionOf,
  integrityCheck,
  tempDir,
} from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONCURRENCY = 20;
const MIN_REQUESTS = 2000;

/** Region A (the fixture's goal region) with new figures for 2023–2024, plus many other regions. */
function bigFile(salt: number, regions: number): string {
  const rows: CanonicalRow[] = [];
  for (const year of [2023, 2024]) rows.push(...canonicalRows(REGION_A, 'Kreis Segeberg', year, salt));
  for (let i = 0; i < regions; i++) {
    const id = `3${String(i).padStart(4, '0')}`;
    for (const year of [2022, 2023, 2024]) rows.push(...canonicalRows(id, `Lastkreis ${i}`, year, salt + i));
  }
  return canonicalText(rows);
}

interface LoadResult {
  requests: number;
  statuses: Map<number, number>;
  errors: string[];
  locked: number;
  maxMs: number;
  latencies: number[];
  /** Requests answered before the import settled. */
  duringImport: number;
  /** Data versions answered by /api/version, with counts: old and new prove the load spanned the commit. */
  versions: Map<string, number>;
}

/** `CONCURRENCY` clients looping over `paths` until `until` settles and at least `min` requests are done. */
async function load(
  base: string,
  paths: readonly string[],
  until: Promise<unknown>,
  min: number,
): Promise<LoadResult> {
  const result: LoadResult = {
    requests: 0,
    statuses: new Map(),
    errors: [],
    locked: 0,
    maxMs: 0,
    latencies: [],
    duringImport: 0,
    versions: new Map(),
  };
  let finished = false;
  const settle = () => {
    finished = true;
    result.duringImport = result.requests;
  };
  until.then(settle, settle);
  const deadline = performance.now() + 90_000;
  const worker = async (w: number) => {
    for (let i = w; (!finished || result.requests < min) && performance.now() < deadline; i += CONCURRENCY) {
      const path = paths[i % paths.length] ?? '/api/health';
      const t = performance.now();
      try {
        const res = await fetch(base + path);
        const text = await res.text();
        const ms = performance.now() - t;
        result.latencies.push(ms);
        result.maxMs = Math.max(result.maxMs, ms);
        result.statuses.set(res.status, (result.statuses.get(res.status) ?? 0) + 1);
        if (/database is locked|SQLITE_BUSY/i.test(text)) result.locked++;
        const v =
          path === '/api/version' && res.status === 200
            ? /"dataVersion":"([^"]*)"/.exec(text)?.[1]
            : undefined;
        if (v !== undefined) result.versions.set(v, (result.versions.get(v) ?? 0) + 1);
        if (res.status < 200 || res.status > 299)
          result.errors.push(`${path}: ${res.status} ${text.slice(0, 200)}`);
      } catch (e) {
        result.errors.push(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      result.requests++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  return result;
}

function p99(latencies: number[]): number {
  const s = [...latencies].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
}

describe('API under load during imports (reliability)', () => {
  const tmp = tempDir('zm-load-');
  const dbPath = join(tmp.dir, 'load.db');
  const logLines: string[] = [];
  let db: SqliteDb;
  let deps: AppDeps;
  let base = '';
  let close: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    db = await openDatabase(dbPath);
    insertFixture(db);
    const config = testConfig({
      ADMIN_TOKEN,
      DATABASE_PATH: dbPath,
      UPLOAD_MAX_BYTES: String(64 * 1024 * 1024),
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const clock = () => new Date('2025-05-01T10:00:00Z');
    // As server/main.ts (serve): uploads are parsed and written in the import worker, off the event
    // loop (in-process, a 5 s block let the server's keep-alive sockets reset under load).
    deps = await createAppDeps({ db, config, logger, clock, build: 'load-test', serve: true });
    const app = createApp(deps);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await db?.close();
    tmp.cleanup();
  });

  const PATHS = [
    '/api/goals',
    `/api/goals?region=${REGION_A}&year=2024`,
    '/api/months',
    `/api/months?region=${REGION_A}&from=2024-01&to=2024-12&gender=total,female`,
    '/api/health',
    '/api/version',
    `/api/goals/K2-total/series?region=${REGION_A}`,
    '/api/imports',
  ];

  /** Waits until the server reports a data version other than `old`, at most `ms`. */
  async function waitForVersion(old: string, ms: number): Promise<string> {
    const end = performance.now() + ms;
    for (;;) {
      const v = ((await (await fetch(`${base}/api/version`)).json()) as { dataVersion: string }).dataVersion;
      if (v !== old || performance.now() > end) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The goals as a fresh service computes them from the database now (no cache involved). */
  async function freshGoals(): Promise<unknown> {
    const fresh = createGoalService({ db, config: deps.config, clock: deps.clock });
    return JSON.parse(JSON.stringify(await fresh.getGoals({ region: REGION_A, year: 2024 })));
  }

  it('serves every request while the command-line ETL imports into the same database file', async () => {
    const csv = join(tmp.dir, 'cli-big.csv');
    writeFileSync(csv, bigFile(5, 170));
    const versionBefore = ((await (await fetch(`${base}/api/version`)).json()) as { dataVersion: string })
      .dataVersion;
    const goalsBefore: unknown = await (await fetch(`${base}/api/goals?region=${REGION_A}&year=2024`)).json();

    const cli = new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'etl/cli.ts', csv], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    const started = performance.now();
    const r = await load(base, PATHS, cli, MIN_REQUESTS);
    const { code, out } = await cli;
    console.log(
      `load during CLI import: ${r.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s, ${r.duringImport} while the import ran, statuses ${JSON.stringify(Object.fromEntries(r.statuses))}, versions seen ${JSON.stringify(Object.fromEntries(r.versions))}, p99 ${p99(r.latencies).toFixed(0)} ms, max ${r.maxMs.toFixed(0)} ms`,
    );
    expect(code, out).toBe(0);
    expect(r.errors.slice(0, 10)).toEqual([]);
    expect(r.locked).toBe(0);
    expect(r.requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
    // The load really spanned the import's commit: /api/version answered both versions.
    expect(r.versions.get(versionBefore) ?? 0).toBeGreaterThan(0);
    expect(r.versions.size).toBeGreaterThanOrEqual(2);
    expect(logLines.filter((l) => /database is locked|SQLITE_BUSY|"level":50/i.test(l)).slice(0, 5)).toEqual(
      [],
    );

    // The server notices the other process's import (within its version check interval) and
    // answers with the new data, not a cached copy of the old.
    const versionAfter = await waitForVersion(versionBefore, 3000);
    expect(Number(versionAfter)).toBe(dataVersionOf(db.sqlite));
    expect(versionAfter).not.toBe(versionBefore);
    const goalsAfter: unknown = await (await fetch(`${base}/api/goals?region=${REGION_A}&year=2024`)).json();
    expect(goalsAfter).not.toEqual(goalsBefore);
    expect(goalsAfter).toEqual(await freshGoals());
  }, 150_000);

  it('serves every request while an upload through the same server imports a big file', async () => {
    const data = new TextEncoder().encode(bigFile(9, 170));
    const versionBefore = ((await (await fetch(`${base}/api/version`)).json()) as { dataVersion: string })
      .dataVersion;
    const form = new FormData();
    form.append('file', new File([data], 'upload-big.csv', { type: 'text/csv' }));
    const upload = fetch(`${base}/api/imports`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: form,
    }).then(async (res) => ({ status: res.status, body: await res.text() }));
    const started = performance.now();
    const r = await load(base, PATHS, upload, MIN_REQUESTS);
    const u = await upload;
    console.log(
      `load during upload import: ${r.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s, ${r.duringImport} while the import ran, statuses ${JSON.stringify(Object.fromEntries(r.statuses))}, versions seen ${JSON.stringify(Object.fromEntries(r.versions))}, p99 ${p99(r.latencies).toFixed(0)} ms, max ${r.maxMs.toFixed(0)} ms`,
    );
    expect(u.status, u.body.slice(0, 300)).toBe(200);
    expect(r.duringImport).toBeGreaterThan(0);
    expect(r.versions.get(versionBefore) ?? 0).toBeGreaterThan(0);
    // The server holds the old version for requests while its own import runs (holdVersion): the
    // new one shows once the import has settled (waitForVersion below), never a mix within a request.
    expect(r.errors.slice(0, 10)).toEqual([]);
    expect(r.locked).toBe(0);
    expect(logLines.filter((l) => /database is locked|SQLITE_BUSY|"level":50/i.test(l)).slice(0, 5)).toEqual(
      [],
    );
    const versionAfter = await waitForVersion(versionBefore, 3000);
    expect(versionAfter).not.toBe(versionBefore);
    expect(Number(versionAfter)).toBe(dataVersionOf(db.sqlite));
    const goalsAfter: unknown = await (await fetch(`${base}/api/goals?region=${REGION_A}&year=2024`)).json();
    expect(goalsAfter).toEqual(await freshGoals());
    expect(integrityCheck(db.sqlite)).toBe('ok');
  }, 150_000);
});
