/**
 * A database busy with an import (issue 11): the server's connection has no busy timeout, so the
 * event loop never waits inside SQLite; a write that meets another writer waits asynchronously for
 * a bounded time, then answers 503 + Retry-After "Ein Import läuft gerade" — never 500; reads
 * answer at once (WAL). The other writer is a second connection (as another process would be), and
 * in the last test a real CLI import in a child process.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { setDefaultBusyWait } from '../../server/db/busy.js';
import { sessionFor, tokenFor } from '../auth/principals.js';
import { sqliteOf } from '../helpers/db.js';
import { canonicalRows, canonicalText, tempDir } from '../reliability/helpers.js';
import { ADMIN_TOKEN, getJson, REGION_A, setup, type TestContext } from './fixture.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const target = {
  region: REGION_A,
  year: 2024,
  indicator: 'K2',
  gender: 'total',
  targetChangePct: 2,
  better: 'higher',
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  setDefaultBusyWait(10_000);
});

async function serverOnFile(): Promise<{ ctx: TestContext; path: string; dir: string }> {
  const tmp = tempDir('zm-busy-');
  const path = join(tmp.dir, 'zm.db');
  const ctx = await setup({ databasePath: path });
  // As server/main.ts does after start-up.
  sqliteOf(ctx.db).pragma('busy_timeout = 0');
  cleanups.push(tmp.cleanup, () => ctx.db.close());
  return { ctx, path, dir: tmp.dir };
}

const putTarget = (ctx: TestContext) =>
  getJson(ctx, '/api/targets', { method: 'PUT', headers: auth, body: JSON.stringify(target) });

/**
 * Counts the ticks of a 10 ms interval timer until `run` settles: while the event loop is free the
 * timer keeps firing, while a synchronous call holds it none fire at all.
 */
async function countTicks<T>(run: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
  }, 10);
  try {
    const result = await run();
    return { result, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('busy database', () => {
  test('a write meeting another writer waits without blocking, then answers 503 with Retry-After; reads answer meanwhile', async () => {
    const { ctx, path } = await serverOnFile();
    const other = new SqliteDatabase(path);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE'); // an import holding the write lock
    setDefaultBusyWait(1000);

    // The write goes first; one timer turn later (the write is waiting by then) a read is sent.
    // The order the two answers arrive in shows whether the loop stayed free during the wait: a
    // synchronous busy timeout would hold it for the whole second, so the read could not even be
    // sent before the write had its 503.
    const answered: string[] = [];
    const t = performance.now();
    const write = countTicks(() => putTarget(ctx)).finally(() => answered.push('write'));
    await new Promise((r) => setTimeout(r, 20));
    const read = getJson(ctx, `/api/goals?region=${REGION_A}&year=2024`).finally(() => answered.push('read'));
    const [{ result: put, ticks }, goals] = await Promise.all([write, read]);
    const waited = performance.now() - t;
    expect(put.status).toBe(503);
    expect(put.res.headers.get('retry-after')).toBe('1');
    expect(put.body).toMatchObject({ error: { code: 'database_busy' } });
    expect(JSON.stringify(put.body)).toContain('Ein Import läuft gerade');
    expect(waited).toBeGreaterThanOrEqual(950);
    // Reads answer while the write waits (WAL), and the loop kept turning all through the wait.
    expect(goals.status).toBe(200);
    expect(answered, 'the read answered while the write still waited').toEqual(['read', 'write']);
    expect(ticks, 'timer ticks while the write waited').toBeGreaterThanOrEqual(10);

    const mute = await getJson(ctx, '/api/alerts/mutes', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ goal: 'K2', until: '2099-12-31' }),
    });
    expect(mute.status).toBe(503);
    other.exec('ROLLBACK');
  });

  test("a signed-in person's reads answer while an import holds the write lock (their last-seen stamp waits)", async () => {
    const { ctx, path } = await serverOnFile();
    // Last seen two minutes ago: the stamp is due, and its write meets the import.
    const before = new Date(ctx.deps.clock().getTime() - 120_000);
    const session = await sessionFor(ctx, 'Sabine', 'controller', { lastSeenAt: before });
    const token = await tokenFor(ctx, 'Skript', 'viewer');
    const other = new SqliteDatabase(path);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE'); // an import holding the write lock
    const viaSession = await getJson(ctx, `/api/goals?region=${REGION_A}&year=2024`, {
      headers: { cookie: `zm_session=${session.cookie}` },
    });
    expect(viaSession.status).toBe(200);
    const viaToken = await getJson(ctx, '/api/me', { headers: { authorization: `Bearer ${token.token}` } });
    expect(viaToken.status).toBe(200);
    expect(viaToken.body).toMatchObject({ name: 'Skript' });
    other.exec('ROLLBACK');
    // Once the import is done, the next request writes the stamp.
    await getJson(ctx, '/api/me', { headers: { cookie: `zm_session=${session.cookie}` } });
    const seen = sqliteOf(ctx.db)
      .prepare('select last_seen_at from sessions where id = ?')
      .pluck()
      .get(session.sessionId);
    expect(seen).toBe(ctx.deps.clock().toISOString());
  });

  test('a write answers 2xx once the other writer commits within the wait', async () => {
    const { ctx, path } = await serverOnFile();
    const other = new SqliteDatabase(path);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    setDefaultBusyWait(5000);
    setTimeout(() => other.exec('COMMIT'), 300);
    const t = performance.now();
    const put = await putTarget(ctx);
    expect(put.status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(250);
  });

  test('server writes during a CLI import in another process answer 2xx or 503, never 500', async () => {
    const { ctx, path, dir } = await serverOnFile();
    setDefaultBusyWait(300);
    // 200 regions × 12 months × 9 series: 21,600 rows per repetition, 4 years.
    const parts: string[] = [];
    for (let y = 2019; y <= 2022; y++)
      for (let i = 0; i < 200; i++) {
        const text = canonicalText(canonicalRows(`R${String(i).padStart(5, '0')}`, `Region ${i}`, y));
        parts.push(parts.length === 0 ? text : text.slice(text.indexOf('\n') + 1));
      }
    const file = join(dir, 'big.csv');
    writeFileSync(file, parts.join(''));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'etl/cli.ts'), file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: path, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    const statuses: number[] = [];
    let duringImport = 0;
    const lockHeld = () =>
      sqliteOf(ctx.db).prepare(`select 1 from meta where key = 'import_lock'`).pluck().get() === 1;
    while (running) {
      const held = lockHeld();
      const put = await putTarget(ctx);
      statuses.push(put.status);
      if (held) duringImport++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await exited, output).toBe(0);
    expect(output).toContain('importiert');
    expect(duringImport).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  }, 120_000);
});
