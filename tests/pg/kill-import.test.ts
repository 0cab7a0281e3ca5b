/**
 * PostgreSQL: kill -9 of an importing process in the middle of its write transaction leaves the
 * old data whole (PostgreSQL rolls the transaction back when the connection drops), releases the
 * import lock with the connection, and the next import closes the dead run as aborted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { ABORTED_MESSAGE } from '../../etl/types.js';
import { openPostgres } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { all, createPgDatabase, dropPgDatabase, pluck } from '../helpers/db.js';

const CHILD = fileURLToPath(new URL('../etl/fixtures/child.ts', import.meta.url));
const HEADER = 'region;region_name;month;indicator;gender;value;flag';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function bigCsv(path: string, regions: number, months: number): number {
  const lines = [HEADER];
  for (let r = 0; r < regions; r++) {
    for (let m = 0; m < months; m++) {
      const month = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (const ind of ['INT', 'ELB', 'LZB'])
        for (const g of ['total', 'female', 'male'])
          lines.push(`${20000 + r};R${r};${month};${ind};${g};${(r * 31 + m * 7) % 9000};`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length - 1;
}

function startChild(args: string[]): { child: ChildProcess; writing: Promise<void>; exit: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const writing = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WRITING in 60 s; ${out} ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('WRITING')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited early; ${out} ${err}`)));
  });
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, writing, exit };
}

describe('PostgreSQL: crash mid-import', () => {
  test('SIGKILL inside the write transaction leaves the database as before the file', async () => {
    const url = await createPgDatabase();
    const db = await openPostgres(url, { poolSize: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'zm-pg-kill-'));
    cleanups.push(async () => {
      await db.close();
      await dropPgDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    });
    const deps = { db, logger: silentLogger() };
    const first = `${HEADER}\n01060;K;2024-01;INT;total;5;\n01060;K;2024-02;INT;total;6;\n`;
    expect(
      (
        await runImport(
          deps,
          [{ kind: 'buffer', name: 'first.csv', data: new TextEncoder().encode(first) }],
          { trigger: 'cli' },
        )
      ).status,
    ).toBe('success');
    const big = join(dir, 'big.csv');
    const rows = bigCsv(big, 60, 120);
    const snapshot = async () => ({
      obs: await all(db, 'select * from observations order by id'),
      regions: await all(db, 'select * from regions order by id'),
      files: await pluck(db, `select count(*) from imported_files where status = 'imported'`),
      version: await pluck(db, `select value from meta where key = 'data_version'`),
    });
    const before = await snapshot();

    const child = startChild(['import', url, big]);
    await child.writing;
    // 50,000 rows are in the child's open transaction, invisible to everyone else.
    expect(await pluck(db, 'select count(*) from observations')).toBe(2);
    expect(
      await pluck(
        db,
        `select count(*) from pg_stat_activity where state like 'idle in transaction%' or wait_event_type = 'Client'`,
      ),
    ).toBeGreaterThan(0);
    child.child.kill('SIGKILL');
    await child.exit;
    expect(child.child.signalCode).toBe('SIGKILL');

    // PostgreSQL notices the dropped connection and rolls back (give it a moment).
    const until = Date.now() + 10_000;
    while (
      (await pluck<number>(
        db,
        `select count(*) from pg_locks where locktype = 'advisory' and objid = 7301002`,
      )) !== 0
    ) {
      if (Date.now() > until) throw new Error('the dead importer still holds the import lock');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await snapshot()).toEqual(before);

    const s = await runImport(deps, [{ kind: 'file', path: big }], { trigger: 'cli' });
    expect(s.status).toBe('success');
    expect(s.inserted).toBe(rows);
    expect(await all(db, 'select status, error from import_runs where id = ?', s.runId - 1)).toEqual([
      // As on SQLite (issue 11): a run a dead importer left 'running' is closed as aborted.
      { status: 'aborted', error: ABORTED_MESSAGE },
    ]);
    expect(await pluck(db, 'select count(*) from observations')).toBe(rows + 2);
  }, 120_000);
});
