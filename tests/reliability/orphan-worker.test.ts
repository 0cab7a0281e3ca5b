/**
 * The command line killed on its own (SIGKILL of its process, not of the group): its import worker
 * is then an orphan, busy parsing and writing, and never sees its channel close. It must not
 * commit the import its user killed: it checks its parent at each progress step and before the
 * commit, and ends there. SQLite (the command line writes DATABASE_PATH).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { integrityCheck, manyRegionsCsv, tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** Polls `read` every 20 ms until it returns a value (not undefined), or fails after `ms`. */
async function until<T>(what: string, read: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pids of a process's children (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

test('killing the command line alone ends its worker without a commit', async () => {
  const tmp = tempDir('zm-orphan-');
  cleanups.push(tmp.cleanup);
  const dbPath = join(tmp.dir, 'zm.db');
  const file = join(tmp.dir, 'gross.csv');
  // 3,000 regions × 108 rows: a few seconds of parse and write.
  writeFileSync(file, manyRegionsCsv(3000));
  const cli = spawn(process.execPath, ['dist/etl/cli.js', file], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATABASE_PATH: dbPath,
      LOG_LEVEL: 'warn',
      TZ: 'Europe/Berlin',
    },
    stdio: 'ignore',
  });
  const cliPid = cli.pid ?? 0;
  cleanups.push(() => cli.kill('SIGKILL'));
  const worker = await until('the import worker', () => childrenOf(cliPid)[0]);
  cleanups.push(() => {
    try {
      process.kill(worker, 'SIGKILL');
    } catch {
      // ended
    }
  });
  // The worker has begun its run (its row is written before the file is read).
  await until('the run', () => {
    if (!existsSync(dbPath)) return undefined;
    const db = new SqliteDatabase(dbPath, { readonly: true, fileMustExist: true });
    try {
      const hasRuns = db.prepare("select 1 from sqlite_master where name = 'import_runs'").get();
      return hasRuns && db.prepare("select id from import_runs where status = 'running'").get()
        ? true
        : undefined;
    } catch {
      return undefined;
    } finally {
      db.close();
    }
  });
  // Into the parse, which holds the event loop for seconds (without the check, the orphan then
  // committed all 324,000 rows; killed earlier, while it still awaits its file, it saw the channel
  // close and ended by itself).
  await new Promise((r) => setTimeout(r, 300));
  cli.kill('SIGKILL');
  await until('the orphan to end', () => (existsSync(`/proc/${worker}`) ? undefined : true));

  const db = new SqliteDatabase(dbPath);
  cleanups.push(() => db.close());
  expect(integrityCheck(db)).toBe('ok');
  expect(db.prepare('select count(*) from observations').pluck().get()).toBe(0);
  expect(db.prepare("select count(*) from imported_files where status = 'imported'").pluck().get()).toBe(0);
  expect(db.prepare('select status from import_runs').pluck().all()).toEqual(['running']);
});
