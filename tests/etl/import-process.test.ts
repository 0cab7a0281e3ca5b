/**
 * Imports with isolation run in a child process of their own (etl/isolated.ts), not in a thread
 * of the caller: its lock row carries another process id, and the child ends with its parent, so
 * that an import whose server was killed is all-in or all-out and leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { LOCK_KEY, processAlive } from '../../etl/lock.js';
import { openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { sqliteOf } from '../helpers/db.js';
import { manyRegionsCsv, observationsChecksum, tempDir } from '../reliability/helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until<T>(what: string, probe: () => T | null, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts the parent on `source`; returns it with the worker's process id, read from the lock row. */
async function startParent(dbPath: string, source: string, sqlite: ReturnType<typeof sqliteOf>) {
  const parent = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/etl/fixtures/isolated-parent.ts', dbPath, source],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const started = { parent, workerPid: 0 };
  cleanups.push(() => {
    parent.kill('SIGKILL');
    if (started.workerPid > 0 && processAlive(started.workerPid)) process.kill(started.workerPid, 'SIGKILL');
  });
  const lock = await until(
    'the import lock',
    () => {
      const raw = sqlite.prepare('select value from meta where key = ?').pluck().get(LOCK_KEY);
      return typeof raw === 'string' ? (JSON.parse(raw) as { pid: number }) : null;
    },
    30_000,
  );
  started.workerPid = lock.pid;
  return started;
}

describe('the import worker process', () => {
  test('ends when its parent is killed while it waits for a download', async () => {
    const tmp = tempDir('zm-import-process-');
    cleanups.push(tmp.cleanup);
    // A source that answers its headers and then nothing: without its parent the worker would
    // wait for the download's timeout (10 minutes).
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      res.write('region;region_name;month;indicator;gender;value;flag\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const { port } = server.address() as AddressInfo;
    const db = await openDatabase(join(tmp.dir, 'zm.db'));
    cleanups.push(() => db.close());
    const { parent, workerPid } = await startParent(
      join(tmp.dir, 'zm.db'),
      `http://127.0.0.1:${port}/daten.csv`,
      sqliteOf(db),
    );
    expect(workerPid).not.toBe(parent.pid);
    expect(processAlive(workerPid)).toBe(true);
    // Every thread of it at nice 10 (V8's helper threads too), its parent as it was.
    const niceOfThreads = readdirSync(`/proc/${workerPid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${workerPid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(niceOfThreads.length).toBeGreaterThan(1);
    expect(new Set(niceOfThreads)).toEqual(new Set([10]));
    expect(getPriority(parent.pid)).toBe(getPriority());
    // A signal to the whole process group (Ctrl+C, systemd's stop) is its parent's to act on.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.kill(workerPid, signal);
    await new Promise((r) => setTimeout(r, 500));
    expect(processAlive(workerPid)).toBe(true);
    parent.kill('SIGKILL');
    await until('the worker process to end', () => (processAlive(workerPid) ? null : true), 20_000);
  }, 60_000);

  test('a file being imported when the parent is killed: all-in or all-out, and the lock is free', async () => {
    const tmp = tempDir('zm-import-process-');
    cleanups.push(tmp.cleanup);
    const dbPath = join(tmp.dir, 'zm.db');
    const csv = join(tmp.dir, 'gross.csv');
    writeFileSync(csv, manyRegionsCsv(1500)); // 162,000 rows: the import takes a while
    const db = await openDatabase(dbPath);
    cleanups.push(() => db.close());
    const sqlite = sqliteOf(db);
    const before = observationsChecksum(sqlite);

    const { parent, workerPid } = await startParent(dbPath, csv, sqlite);
    expect(workerPid).not.toBe(parent.pid);
    expect(workerPid).not.toBe(process.pid);
    expect(processAlive(workerPid)).toBe(true);

    parent.kill('SIGKILL');
    await until('the worker process to end', () => (processAlive(workerPid) ? null : true), 30_000);

    // All-out, or all-in if the kill came while SQLite's synchronous write was running to its end.
    const after = observationsChecksum(sqlite);
    const rows = sqlite.prepare('select count(*) from observations').pluck().get();
    if (after !== before) expect(rows).toBe(162_000);

    // The dead worker's lock is no one's: the next import through a worker process runs.
    const next = await runImport(
      { db, logger: silentLogger(), isolation: { maxOldGenerationSizeMb: 256 } },
      [{ kind: 'buffer', name: 'klein.csv', data: manyRegionsCsv(1, 2022) }],
      { trigger: 'cli' },
    );
    expect(next.status).toBe('success');
  }, 120_000);

  test('a worker process that cannot be started fails the import at once, and the next one runs', async () => {
    const tmp = tempDir('zm-import-process-');
    cleanups.push(tmp.cleanup);
    const db = await openDatabase(join(tmp.dir, 'zm.db'));
    cleanups.push(() => db.close());
    const deps = { db, logger: silentLogger(), isolation: { maxOldGenerationSizeMb: 256 } };
    const source = (year = 2022) => [
      { kind: 'buffer' as const, name: `klein-${year}.csv`, data: manyRegionsCsv(1, year) },
    ];
    expect((await runImport(deps, source(), { trigger: 'cli' })).status).toBe('success');
    const exitListeners = process.listenerCount('exit');
    const execPath = process.execPath;
    process.execPath = join(tmp.dir, 'no-node-here'); // fork's ENOENT: an 'error' event and no 'close'
    try {
      await expect(runImport(deps, source(), { trigger: 'cli' })).rejects.toThrow(/ENOENT/);
    } finally {
      process.execPath = execPath;
    }
    expect(process.listenerCount('exit')).toBe(exitListeners);
    const next = await runImport(deps, source(2021), { trigger: 'cli' });
    expect(next.status).toBe('success');
    expect(next.inserted).toBe(108);
  });

  test('a zombie is not alive: an init that does not reap cannot keep a dead worker’s lock', async () => {
    // `sleep 5` replaces the shell and never reaps the shell's background child: it stays a zombie.
    const sh = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => {
      sh.kill('SIGKILL');
    });
    const pid = await new Promise<number>((resolve) =>
      sh.stdout.once('data', (d: Buffer) => resolve(Number(d))),
    );
    await until('the zombie', () => (processAlive(pid) ? null : true), 10_000);
    expect(() => process.kill(pid, 0)).not.toThrow(); // signal 0 still finds it
    expect(processAlive(sh.pid ?? 0)).toBe(true);
    expect(processAlive(process.pid)).toBe(true);
  });
});
