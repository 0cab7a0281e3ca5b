/**
 * The real server process (`node --import tsx server/main.ts`) on a temporary database:
 * - every line it writes to stdout is a JSON log object; request lines carry the request id that
 *   the response returns in X-Request-Id;
 * - SIGTERM while idle: exit code 0 without waiting for anything ('shutting down' and 'stopped'
 *   logged, no warning that requests or imports outlived the shutdown's budget), the database
 *   passes integrity_check;
 * - SIGTERM while an uploaded big file is being imported: the process exits, and the database
 *   holds all of that file or none of it (logical checksum against both states); if the client
 *   was told 200, the data must be there;
 * - SIGTERM right after the import wizard accepted a background job (202): the shutdown waits for
 *   the job as for a request, so its file is imported, and its temporary upload is removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../etl/index.js';
import { openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import {
  type CanonicalRow,
  canonicalRows,
  canonicalText,
  dataVersionOf,
  integrityCheck,
  logicalChecksum,
  tempDir,
} from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'shutdown-test-admin-token-0123456789';
/**
 * What an import writes. (After an import the server also evaluates alerts, which writes alert
 * state: a consequence of the new data, not part of the file's all-or-nothing.)
 */
const IMPORT_TABLES = ['regions', 'observations', 'revisions'];
/** What the shutdown logs when its budget (30 s) ran out before requests or imports finished. */
const BUDGET_RAN_OUT = [
  'requests still running at shutdown; closing them',
  'imports still running at shutdown; abandoned them',
];
/** A hang guard, not a speed check: past this, a SIGTERMed server is taken to hang. */
const EXIT_GUARD_MS = 60_000;

interface Running {
  child: ChildProcess;
  port: number;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Resolves when a stdout JSON line with this msg appears. */
  waitForMsg(msg: string, ms?: number): Promise<Record<string, unknown>>;
  sigtermAt: number;
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      TZ: 'Europe/Berlin',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, into: string[], json: boolean) => {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        into.push(line);
        const o = json ? parseJson(line) : null;
        for (const w of waiters.filter((x) => o?.msg === x.msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(o ?? {});
        }
      }
    });
  };
  collect(child.stdout, stdout, true);
  collect(child.stderr, stderr, false);
  const running: Running = {
    child,
    port: 0,
    stdout,
    stderr,
    sigtermAt: 0,
    exited: new Promise((resolve) =>
      child.on('exit', (code, signal) =>
        resolve({ code, signal, ms: performance.now() - running.sigtermAt }),
      ),
    ),
    waitForMsg(msg, ms = 90_000) {
      const found = stdout.map(parseJson).find((o) => o?.msg === msg);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no '${msg}' log line within ${ms} ms:\n${[...stdout, ...stderr].slice(-20).join('\n')}`,
              ),
            ),
          ms,
        );
        waiters.push({
          msg,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        child.once('exit', () => {
          clearTimeout(timer);
          reject(
            new Error(
              `server exited before logging '${msg}':\n${[...stdout, ...stderr].slice(-20).join('\n')}`,
            ),
          );
        });
      });
    },
  };
  const listening = await running.waitForMsg('listening');
  running.port = Number(listening.port);
  expect(running.port).toBeGreaterThan(0);
  return running;
}

/** SIGTERM, then the exit; a clear failure instead of the test's timeout when the server hangs. */
async function terminate(server: Running): Promise<Awaited<Running['exited']>> {
  server.sigtermAt = performance.now();
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the server did not exit within ${EXIT_GUARD_MS / 1000} s of SIGTERM: hung\n${[...server.stdout, ...server.stderr].slice(-20).join('\n')}`,
          ),
        ),
      EXIT_GUARD_MS,
    );
  });
  try {
    return await Promise.race([server.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function bigCsv(regions = 200, prefix = '4'): string {
  const rows: CanonicalRow[] = [];
  for (let i = 0; i < regions; i++) {
    for (const y of [2021, 2022, 2023, 2024])
      rows.push(...canonicalRows(`${prefix}${String(i).padStart(4, '0')}`, `Kreis ${i}`, y, i));
  }
  return canonicalText(rows); // 200 × 48 × 9 = 86,400 rows by default
}

describe('the server process: structured logs and graceful shutdown (reliability)', () => {
  const tmp = tempDir('zm-shutdown-');
  const dirs = {
    DATABASE_PATH: join(tmp.dir, 'zielmonitor.db'),
    INBOX_DIR: join(tmp.dir, 'inbox'),
    ARCHIVE_DIR: join(tmp.dir, 'archive'),
    REJECTED_DIR: join(tmp.dir, 'rejected'),
    OUTBOX_DIR: join(tmp.dir, 'outbox'),
    BACKUP_DIR: join(tmp.dir, 'backups'),
  };
  for (const d of Object.values(dirs).slice(1)) mkdirSync(d, { recursive: true });
  // The server's own temporary directory: where its uploads are spooled (os.tmpdir()).
  const uploads = join(tmp.dir, 'tmp');
  mkdirSync(uploads);
  const env = {
    ...dirs,
    TMPDIR: uploads,
    LOAD_SAMPLE_ON_EMPTY: 'true',
    SCHEDULE_ENABLED: 'true',
    SCHEDULE_CRON: '0 6 * * *',
  };
  const started: Running[] = [];
  afterAll(() => {
    for (const s of started)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    tmp.cleanup();
  });

  it('writes JSON log lines with request ids, and stops cleanly on SIGTERM when idle', async () => {
    const server = await startServer(env);
    started.push(server);
    const base = `http://127.0.0.1:${server.port}`;
    const mine = await fetch(`${base}/api/health`, { headers: { 'X-Request-Id': 'shutdown-test-1' } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-request-id')).toBe('shutdown-test-1');
    const generated = await fetch(`${base}/api/goals`);
    expect(generated.status).toBe(200);
    const generatedId = generated.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await fetch(`${base}/api/months?from=nope`);
    expect(bad.status).toBe(400);
    const badId = bad.headers.get('x-request-id');

    // The request log is written in batches (flushed every 200 ms, server/logger.ts): wait until
    // the three request lines are out (at most 5 s), then check every stdout line.
    const ids = ['shutdown-test-1', generatedId, badId];
    for (let waited = 0; waited < 5000; waited += 50) {
      const seen = server.stdout
        .map(parseJson)
        .filter((o) => o !== null && ids.includes(String(o.requestId)));
      if (seen.length >= ids.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const nonJson = server.stdout.filter((l) => l.trim() !== '' && parseJson(l) === null);
    expect(nonJson, 'stdout lines that are not JSON').toEqual([]);
    const lines = server.stdout.map(parseJson).filter((o): o is Record<string, unknown> => o !== null);
    for (const l of lines) {
      expect(typeof l.level, JSON.stringify(l)).toBe('number');
      expect(typeof l.time, JSON.stringify(l)).toBe('string');
      expect(typeof l.msg, JSON.stringify(l)).toBe('string');
    }
    for (const [id, path, status] of [
      ['shutdown-test-1', '/api/health', 200],
      [generatedId, '/api/goals', 200],
      [badId, '/api/months', 400],
    ] as const) {
      const reqLines = lines.filter((l) => l.requestId === id && l.path === path);
      expect(reqLines, `request line for ${path}`).toHaveLength(1);
      expect(reqLines[0]).toMatchObject({ method: 'GET', status });
    }

    const exit = await terminate(server);
    console.log(`idle SIGTERM: exit code ${exit.code} after ${Math.round(exit.ms)} ms`);
    expect(exit.code).toBe(0);
    const msgs = server.stdout.map(parseJson).map((o) => o?.msg);
    // An idle server waits for nothing: shutting down, then stopped, and the budget never ran out.
    expect(msgs.filter((m) => m === 'shutting down' || m === 'stopped')).toEqual([
      'shutting down',
      'stopped',
    ]);
    expect(msgs.at(-1)).toBe('stopped');
    expect(
      msgs.filter((m) => BUDGET_RAN_OUT.includes(String(m))),
      'the budget ran out',
    ).toEqual([]);
    const db = await openDatabase(dirs.DATABASE_PATH);
    expect(integrityCheck(db.sqlite)).toBe('ok');
    await db.close();
  }, 150_000);

  it('on SIGTERM closes a kept-alive connection once its running request is answered, instead of serving on it', async () => {
    const server = await startServer(env);
    started.push(server);
    // A browser's kept connection (the wall polls on one) with a request under way at SIGTERM: its
    // body arrives after the signal.
    const socket = connect(server.port, '127.0.0.1');
    const received: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => received.push(chunk));
    const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify({
      region: '01060',
      year: 2024,
      indicator: 'K2',
      gender: 'total',
      targetChangePct: 1.5,
      better: 'higher',
    });
    socket.write(
      `PUT /api/targets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    server.sigtermAt = performance.now();
    server.child.kill('SIGTERM');
    await server.waitForMsg('shutting down');
    socket.write(body.slice(10));
    // The answer to the running request, then (as a polling page does) the next request at once.
    for (let i = 0; i < 200 && !received.join('').includes('"target"'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(received.join('')).toMatch(/^HTTP\/1\.1 200 /);
    if (!socket.destroyed) socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const exit = await Promise.race([
      server.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error('the server did not exit within 60 s of SIGTERM: hung')),
          EXIT_GUARD_MS,
        ),
      ),
    ]);
    await socketClosed;
    expect(exit.code).toBe(0);
    // Either the next request found the connection closed, or its answer closed it: no answer
    // after the first keeps the connection, and nothing waited for the budget to run out.
    const answers = received.join('').split(/(?=HTTP\/1\.1 )/);
    expect(answers.length).toBeLessThanOrEqual(2);
    if (answers.length === 2) expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i);
    const msgs = server.stdout.map(parseJson).map((o) => o?.msg);
    expect(
      msgs.filter((m) => BUDGET_RAN_OUT.includes(String(m))),
      'the budget ran out',
    ).toEqual([]);
    expect(msgs.at(-1)).toBe('stopped');
  }, 150_000);

  it('on SIGTERM during an upload import exits and leaves that file all-in or all-out', async () => {
    const text = bigCsv();
    const data = new TextEncoder().encode(text);

    // The two states the database may end in: as now, and with the file imported.
    const db = await openDatabase(dirs.DATABASE_PATH);
    const before = logicalChecksum(db.sqlite, IMPORT_TABLES);
    const beforeVersion = dataVersionOf(db.sqlite);
    const copyPath = join(tmp.dir, 'after.db');
    await db.sqlite.backup(copyPath);
    await db.close();
    const copy = await openDatabase(copyPath);
    const s = await runImport(
      { db: copy, logger: silentLogger() },
      [{ kind: 'buffer', name: 'big.csv', data }],
      {
        trigger: 'upload',
      },
    );
    expect(s.status).toBe('success');
    const after = logicalChecksum(copy.sqlite, IMPORT_TABLES);
    const afterVersion = dataVersionOf(copy.sqlite);
    await copy.close();
    expect(after).not.toBe(before);

    const server = await startServer(env);
    started.push(server);
    const form = new FormData();
    form.append('file', new File([data], 'big.csv', { type: 'text/csv' }));
    const upload = fetch(`http://127.0.0.1:${server.port}/api/imports`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: form,
    }).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (e: unknown) => ({ status: 0, body: e instanceof Error ? e.message : String(e) }),
    );
    // Let the body arrive and the import start, then ask the server to stop.
    await new Promise((r) => setTimeout(r, 400));
    const [exit, answer] = await Promise.all([terminate(server), upload]);
    console.log(
      `SIGTERM during upload: exit code ${exit.code} after ${Math.round(exit.ms)} ms; client got ${answer.status}`,
    );
    expect(exit.code).toBe(0);
    const msgs = server.stdout.map(parseJson).map((o) => o?.msg);
    // The running import settled within the shutdown's budget: nothing was cut off at its end.
    expect(
      msgs.filter((m) => BUDGET_RAN_OUT.includes(String(m))),
      'the budget ran out',
    ).toEqual([]);
    console.log(
      `server log order: ${msgs.filter((m) => ['import finished', 'shutting down', 'stopped'].includes(String(m))).join(' → ')}`,
    );
    expect(msgs.at(-1)).toBe('stopped');

    const final = await openDatabase(dirs.DATABASE_PATH);
    try {
      expect(integrityCheck(final.sqlite)).toBe('ok');
      const state = logicalChecksum(final.sqlite, IMPORT_TABLES);
      const version = dataVersionOf(final.sqlite);
      const isBefore = state === before && version === beforeVersion;
      const isAfter = state === after && version === afterVersion;
      expect(isBefore || isAfter, 'the database must be all-before or all-after the file').toBe(true);
      if (answer.status === 200) expect(isAfter, 'the client was told the import succeeded').toBe(true);
      // No import left 'running' and no lock left behind by a clean shutdown.
      expect(
        final.sqlite.prepare(`select count(*) from import_runs where status = 'running'`).pluck().get(),
      ).toBe(0);
      expect(final.sqlite.prepare(`select count(*) from meta where key = 'import_lock'`).pluck().get()).toBe(
        0,
      );
    } finally {
      await final.close();
    }
  }, 150_000);

  it("on SIGTERM right after a wizard job's 202 waits for the job: imported, its upload removed", async () => {
    // Regions of their own (prefix 6), so the job's import is seen in the data whatever came before.
    const data = new TextEncoder().encode(bigCsv(40, '6'));
    const spooled = () => readdirSync(uploads).filter((n) => n.startsWith('zielmonitor-upload-'));
    const before = spooled();
    const server = await startServer(env);
    started.push(server);
    const form = new FormData();
    form.append('file', new File([data], 'hintergrund.csv', { type: 'text/csv' }));
    const res = await fetch(`http://127.0.0.1:${server.port}/api/import-wizard/jobs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(res.status).toBe(202);
    // At once: the job's worker is only starting, no run row or import lock yet.
    const exit = await terminate(server);
    const msgs = server.stdout.map(parseJson).map((o) => o?.msg);
    console.log(
      `SIGTERM after a wizard job: exit code ${exit.code} after ${Math.round(exit.ms)} ms; ${msgs.filter((m) => ['import finished', 'shutting down', 'stopped'].includes(String(m))).join(' → ')}`,
    );
    expect(exit.code).toBe(0);
    expect(msgs.at(-1)).toBe('stopped');
    expect(msgs).not.toContain('imports still running at shutdown; abandoned them');
    // Before the shutdown waited for jobs, the exit killed the worker: no rows, the upload left.
    expect(spooled().filter((n) => !before.includes(n))).toEqual([]);
    const final = await openDatabase(dirs.DATABASE_PATH);
    try {
      expect(integrityCheck(final.sqlite)).toBe('ok');
      const rows = final.sqlite
        .prepare(`select count(*) from observations where region_id like '6%'`)
        .pluck()
        .get();
      expect(rows).toBe(40 * 48 * 9);
      expect(
        final.sqlite
          .prepare(`select status from imported_files where path = 'hintergrund.csv'`)
          .pluck()
          .all(),
      ).toEqual(['imported']);
    } finally {
      await final.close();
    }
  }, 150_000);
});
