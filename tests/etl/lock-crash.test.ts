import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ImportBusyError, runImport } from '../../etl/index.js';
import { openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { buf, dataVersion, tempDir } from './helpers.js';

/** The SQLite lock row and file crashes are SQLite's own (PostgreSQL: tests/pg/). */
async function memoryDeps() {
  const db = await openDatabase(':memory:');
  return { db, logger: silentLogger(), clock: () => new Date('2024-11-20T06:00:00Z') };
}

const CHILD = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));
const HEADER = 'region;region_name;month;indicator;gender;value;flag';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startChild(args: string[]): {
  child: ChildProcess;
  waitFor(text: string, ms?: number): Promise<void>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    exit,
    waitFor: (text, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child did not print ${text} in ${ms} ms; stdout: ${out}; stderr: ${err}`)),
          ms,
        );
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout?.on('data', check);
        child.on('exit', () => {
          if (!out.includes(text)) {
            clearTimeout(timer);
            reject(new Error(`child exited before printing ${text}; stdout: ${out}; stderr: ${err}`));
          }
        });
        check();
      }),
  };
}

function bigCsv(path: string, regions: number, months: number): number {
  const lines = [HEADER];
  for (let r = 0; r < regions; r++) {
    for (let m = 0; m < months; m++) {
      const month = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (const ind of ['INT', 'ELB', 'LZB']) {
        for (const g of ['total', 'female', 'male'])
          lines.push(`${20000 + r};R${r};${month};${ind};${g};${(r * 31 + m * 7) % 9000};`);
      }
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length - 1;
}

async function fileDb() {
  const t = tempDir();
  const path = join(t.dir, 'zm.db');
  const db = await openDatabase(path);
  cleanups.push(t.cleanup, () => db.close());
  return { dir: t.dir, path, db, deps: { db, logger: silentLogger() } };
}

describe('one import at a time', () => {
  test('in-process: a second import while one runs is refused with ImportBusyError', async () => {
    const deps = await memoryDeps();
    cleanups.push(() => deps.db.close());
    const data = buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`);
    const first = runImport(deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' });
    const second = await runImport(deps, [{ kind: 'buffer', name: 'b.csv', data }], { trigger: 'api' }).catch(
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(ImportBusyError);
    expect(String(second)).toMatch(/anderer Import läuft/);
    expect((await first).status).toBe('success');
    // Released afterwards, also after a rejected file.
    const bad = await runImport(
      deps,
      [{ kind: 'buffer', name: 'bad.csv', data: buf(`${HEADER}\n01060;K;2024-13;INT;total;5;\n`) }],
      { trigger: 'cli' },
    );
    expect(bad.status).toBe('failed');
    expect(
      (await runImport(deps, [{ kind: 'buffer', name: 'c.csv', data }], { trigger: 'cli' })).status,
    ).toBe('unchanged');
    expect(deps.db.sqlite.prepare(`select count(*) from meta where key = 'import_lock'`).pluck().get()).toBe(
      0,
    );
  });

  test('in-process: two connections to the same database file exclude each other', async () => {
    const a = await fileDb();
    const b = await openDatabase(a.path);
    cleanups.push(() => b.close());
    const data = buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`);
    const first = runImport(a.deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' });
    await expect(
      runImport({ db: b, logger: silentLogger() }, [{ kind: 'buffer', name: 'b.csv', data }], {
        trigger: 'cli',
      }),
    ).rejects.toThrow(ImportBusyError);
    await first;
  });

  test('cross-process: a lock held by another process refuses; once that process is gone it is taken over', async () => {
    const { path, deps } = await fileDb();
    const holder = startChild(['hold', path]);
    await holder.waitFor('LOCKED');
    const data = buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`);
    const err = await runImport(deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportBusyError);
    expect(String(err)).toContain(`Prozess ${holder.child.pid}`);
    expect(deps.db.sqlite.prepare('select count(*) from import_runs').pluck().get()).toBe(0);
    holder.child.kill('SIGKILL');
    await holder.exit;
    const s = await runImport(deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' });
    expect(s.status).toBe('success');
  });

  test('a lock from another host is honoured until its heartbeat is stale', async () => {
    const deps = await memoryDeps();
    cleanups.push(() => deps.db.close());
    const now = new Date('2024-11-20T06:00:00Z');
    const lock = (heartbeat: string) =>
      deps.db.sqlite
        .prepare(
          `insert into meta (key, value) values ('import_lock', ?) on conflict(key) do update set value = excluded.value`,
        )
        .run(JSON.stringify({ pid: 1, host: 'other-host', token: 't', since: heartbeat, heartbeat }));
    const data = buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`);
    lock(new Date(now.getTime() - 5 * 60_000).toISOString());
    await expect(
      runImport(deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' }),
    ).rejects.toThrow(/other-host/);
    lock(new Date(now.getTime() - 31 * 60_000).toISOString());
    expect(
      (await runImport(deps, [{ kind: 'buffer', name: 'a.csv', data }], { trigger: 'cli' })).status,
    ).toBe('success');
  });
});

/** Every observation, in the order of its key. */
const ALL_OBSERVATIONS = 'select * from observations order by region_id, month, indicator_code, gender';

describe('crash mid-import', () => {
  test('SIGKILL inside the write transaction leaves the database as before the file', async () => {
    const { dir, path, db, deps } = await fileDb();
    // Data already there, which must survive untouched.
    await runImport(
      deps,
      [{ kind: 'buffer', name: 'first.csv', data: buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`) }],
      { trigger: 'cli' },
    );
    const big = join(dir, 'big.csv');
    const rows = bigCsv(big, 60, 120);
    const before = {
      obs: db.sqlite.prepare(ALL_OBSERVATIONS).all(),
      files: db.sqlite.prepare(`select count(*) from imported_files where status = 'imported'`).pluck().get(),
      version: await dataVersion(db),
    };

    const child = startChild(['import', path, big]);
    await child.waitFor('WRITING');
    // The child is now spinning inside its open transaction with 50,000+ rows written.
    child.child.kill('SIGKILL');
    await child.exit;
    expect(child.child.signalCode).toBe('SIGKILL');

    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.sqlite.prepare(ALL_OBSERVATIONS).all()).toEqual(before.obs);
    expect(
      db.sqlite.prepare(`select count(*) from imported_files where status = 'imported'`).pluck().get(),
    ).toBe(before.files);
    expect(await dataVersion(db)).toBe(before.version);
    // The dead importer's lock is taken over, and its run row (left 'running') is closed as aborted.
    const s = await runImport(deps, [{ kind: 'file', path: big }], { trigger: 'cli' });
    expect(s.status).toBe('success');
    expect(db.sqlite.prepare('select status, error from import_runs where id = ?').get(s.runId - 1)).toEqual({
      status: 'aborted',
      error: 'Import abgebrochen (Absturz oder Neustart)',
    });
    expect(s.inserted).toBe(rows);
    expect(db.sqlite.prepare('select count(*) from observations').pluck().get()).toBe(rows + 1);
  });

  test('kills at arbitrary moments leave all-before or all-after, never a part', async () => {
    const { dir, path, db } = await fileDb();
    const big = join(dir, 'big.csv');
    const rows = bigCsv(big, 30, 60);
    for (const delay of [400, 900, 1400, 2000]) {
      db.sqlite.exec(
        'delete from revisions; delete from observations; delete from imported_files; delete from import_runs;',
      );
      const child = startChild(['run', path, big]);
      await new Promise((r) => setTimeout(r, delay));
      child.child.kill('SIGKILL');
      await child.exit;
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = Number(db.sqlite.prepare('select count(*) from observations').pluck().get());
      expect([0, rows]).toContain(count);
    }
  }, 60_000);
});
