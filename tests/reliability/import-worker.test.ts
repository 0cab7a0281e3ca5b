/**
 * Imports in a worker process (issue 11): the same result as in the calling thread; a worker that
 * runs out of memory becomes an aborted run with the file rejected, the lock freed and the next
 * import working; poison files left in the inbox's in-progress folder are rejected, not retried;
 * runs left 'running' by a dead importer show as 'aborted' after a restart.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createImportJobs } from '../../etl/import-jobs.js';
import {
  ABORTED_MESSAGE,
  type EtlDeps,
  type IsolationOptions,
  inProgressDir,
  loadJobcenterDirectory,
  recoverAbortedRuns,
  runImport,
  runScheduledImport,
} from '../../etl/index.js';
import { recoverCrashedRun } from '../../etl/isolated.js';
import { settleInProgress } from '../../etl/schedule.js';
import { testConfig } from '../../server/config.js';
import { type Db, openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { sqliteOf } from '../helpers/db.js';
import { dataChecksum, manyRegionsCsv, observationsChecksum, tempDir } from './helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SAMPLE = `${ROOT}data/sample/segeberg-sample.csv`;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fileDb(): Promise<{ db: Db; dir: string }> {
  const tmp = tempDir('zm-worker-');
  const db = await openDatabase(join(tmp.dir, 'zm.db'));
  cleanups.push(tmp.cleanup, () => db.close());
  // As server/main.ts does at start: the Jobcenter directory is reference data, loaded before any
  // import (a run refreshes it; it is not part of what a rejected file may change).
  await loadJobcenterDirectory(db);
  return { db, dir: tmp.dir };
}

const deps = (db: Db, isolation?: IsolationOptions): EtlDeps => ({
  db,
  logger: silentLogger(),
  clock: () => new Date('2024-11-20T06:00:00Z'),
  ...(isolation ? { isolation } : {}),
});

/** The inbox, archive and rejected folders under `dir`. */
const inboxConfig = (dir: string) =>
  testConfig({
    INBOX_DIR: join(dir, 'inbox'),
    ARCHIVE_DIR: join(dir, 'archive'),
    REJECTED_DIR: join(dir, 'rejected'),
  });

const lockRow = (db: Db) =>
  sqliteOf(db).prepare(`select value from meta where key = 'import_lock'`).pluck().get();

describe('imports in a worker process', () => {
  test('give the same database as an import in the calling thread, with progress reported', async () => {
    const a = await fileDb();
    const b = await fileDb();
    const progress: string[] = [];
    const inWorker = await runImport(
      deps(a.db, { maxOldGenerationSizeMb: 256 }),
      [{ kind: 'file', path: SAMPLE }],
      { trigger: 'cli' },
      { onProgress: (p) => progress.push(p.phase) },
    );
    const inThread = await runImport(deps(b.db), [{ kind: 'file', path: SAMPLE }], { trigger: 'cli' });
    expect(inWorker.status).toBe('success');
    expect(inWorker.inserted).toBe(inThread.inserted);
    expect(observationsChecksum(sqliteOf(a.db))).toBe(observationsChecksum(sqliteOf(b.db)));
    expect(progress).toContain('write');
    expect(lockRow(a.db)).toBeUndefined();
  });

  test('a worker out of memory is an aborted run with the file rejected; the lock is freed, the next import works', async () => {
    const { db } = await fileDb();
    const before = dataChecksum(sqliteOf(db));
    const data = manyRegionsCsv(2500); // 270,000 rows: far more than a 24 MB heap holds
    // A running clock: the run's start and its abort differ.
    const summary = await runImport(
      { ...deps(db, { maxOldGenerationSizeMb: 24 }), clock: () => new Date() },
      [{ kind: 'buffer', name: 'gross.csv', data }],
      { trigger: 'upload' },
    );
    expect(summary.status).toBe('aborted');
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]).toMatchObject({ path: 'gross.csv', status: 'rejected' });
    expect(summary.files[0]?.error?.message).toBe(
      'Import abgebrochen: die Datei braucht mehr Speicher als erlaubt (Grenze IMPORT_WORKER_MAX_MB)',
    );
    expect(
      sqliteOf(db).prepare('select status from import_runs where id = ?').pluck().get(summary.runId),
    ).toBe('aborted');
    expect(
      sqliteOf(db).prepare('select error from imported_files where run_id = ?').pluck().get(summary.runId),
    ).toContain('Datei gross.csv: Import abgebrochen');
    // The record names the file's content (the worker had read it), and the run its real start.
    const content = { sha256: createHash('sha256').update(data).digest('hex'), size: data.byteLength };
    expect(summary.files[0]).toMatchObject(content);
    expect(
      sqliteOf(db).prepare('select sha256, size from imported_files where run_id = ?').get(summary.runId),
    ).toEqual(content);
    const run = sqliteOf(db)
      .prepare('select started_at, finished_at from import_runs where id = ?')
      .get(summary.runId) as { started_at: string; finished_at: string };
    expect(summary.startedAt).toBe(run.started_at);
    expect(summary.finishedAt).toBe(run.finished_at);
    expect(summary.startedAt < summary.finishedAt).toBe(true);
    expect(dataChecksum(sqliteOf(db))).toBe(before);
    expect(lockRow(db)).toBeUndefined();

    const next = await runImport(
      deps(db, { maxOldGenerationSizeMb: 256 }),
      [{ kind: 'file', path: SAMPLE }],
      {
        trigger: 'cli',
      },
    );
    expect(next.status).toBe('success');
  }, 60_000);

  test("the wizard's background job imports in the worker: out of memory fails the job with the reason", async () => {
    const { db, dir } = await fileDb();
    const before = dataChecksum(sqliteOf(db));
    const path = join(dir, 'upload-temp');
    writeFileSync(path, manyRegionsCsv(2500));
    let cleaned = 0;
    const jobs = createImportJobs(
      deps(db, { maxOldGenerationSizeMb: 24 }),
      () => new Date('2024-11-20T06:00:00Z'),
    );
    // The job's clean-up runs once it has ended, whatever the outcome: awaited, not polled.
    let ended: () => void = () => undefined;
    const end = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const started = jobs.start('gross.csv', { kind: 'file', path, name: 'gross.csv' }, () => {
      cleaned++;
      ended();
    });
    await end;
    // In the server's own process (the job's import before) the file imported: no heap limit.
    expect(jobs.get(started.id)).toMatchObject({
      state: 'failed',
      file: 'gross.csv',
      error: expect.stringContaining('die Datei braucht mehr Speicher als erlaubt'),
    });
    expect(jobs.get(started.id)?.summary?.status).toBe('aborted');
    expect(dataChecksum(sqliteOf(db))).toBe(before);
    expect(cleaned).toBe(1);
  }, 60_000);

  test('a worker that died after its file committed: the run is aborted, the file stands as imported', async () => {
    const { db } = await fileDb();
    // What a worker killed between its file's commit and its report leaves: the file's row and
    // observations committed, the run still 'running'.
    const data = readFileSync(SAMPLE);
    const imported = await runImport(deps(db), [{ kind: 'buffer', name: 'segeberg.csv', data }], {
      trigger: 'upload',
    });
    // Every data line of the sample is one new observation (a header and 324 lines).
    const lines = data.toString('utf8').trimEnd().split('\n').length - 1;
    expect(lines).toBe(324);
    expect(imported.inserted).toBe(lines);
    sqliteOf(db)
      .prepare(`update import_runs set status = 'running', finished_at = null where id = ?`)
      .run(imported.runId);
    const afterCommit = dataChecksum(sqliteOf(db));
    const isolated = {
      ...deps(db),
      database: { dialect: 'sqlite', path: '' } as const,
      isolation: { maxOldGenerationSizeMb: 256 },
    };
    const reason = 'Importprozess beendet (SIGKILL)';
    const fileRows = () =>
      sqliteOf(db)
        .prepare('select status, rows_inserted from imported_files where run_id = ? order by id')
        .all(imported.runId);

    const summary = await recoverCrashedRun(
      isolated,
      0,
      imported.runId,
      { index: 0, label: 'segeberg.csv' },
      [],
      reason,
    );
    expect(summary.status).toBe('aborted');
    expect(summary.files).toEqual([
      {
        path: 'segeberg.csv',
        sha256: imported.files[0]?.sha256,
        size: data.length,
        status: 'imported',
        inserted: 324,
        updated: 0,
        unchanged: 0,
        error: null,
      },
    ]);
    expect(summary.inserted).toBe(imported.inserted);
    expect(summary.changed).toBe(true);
    expect(fileRows()).toEqual([{ status: 'imported', rows_inserted: imported.inserted }]);
    expect(
      sqliteOf(db).prepare('select status from import_runs where id = ?').pluck().get(imported.runId),
    ).toBe('aborted');
    expect(dataChecksum(sqliteOf(db))).toBe(afterCommit);

    // A second file of the same name, reported done before it: this one's row is not there, so it
    // is rejected with the reason.
    const second = await recoverCrashedRun(
      isolated,
      0,
      imported.runId,
      { index: 1, label: 'segeberg.csv' },
      summary.files,
      reason,
    );
    expect(second.files.map((f) => f.status)).toEqual(['imported', 'rejected']);
    expect(second.files[1]?.error?.message).toBe(reason);
    expect(fileRows()).toEqual([
      { status: 'imported', rows_inserted: imported.inserted },
      { status: 'rejected', rows_inserted: 0 },
    ]);
  });

  test('an inbox file that kills the worker is moved to the rejected folder with the reason, once', async () => {
    const { db, dir } = await fileDb();
    const config = inboxConfig(dir);
    mkdirSync(config.INBOX_DIR, { recursive: true });
    writeFileSync(join(config.INBOX_DIR, 'gift.csv'), manyRegionsCsv(2500));
    const d = { ...deps(db, { maxOldGenerationSizeMb: 24 }), clock: () => new Date(Date.now() + 60_000) };
    const summary = await runScheduledImport(d, config);
    expect(summary?.status).toBe('aborted');
    expect(readdirSync(config.INBOX_DIR)).toEqual([]);
    const rejected = readdirSync(config.REJECTED_DIR).sort();
    expect(rejected).toHaveLength(2);
    const errorFile = rejected.find((n) => n.endsWith('.error.txt')) ?? '';
    expect(readFileSync(join(config.REJECTED_DIR, errorFile), 'utf8')).toContain('mehr Speicher als erlaubt');
    // The next run has nothing to do: the poison file is not retried.
    expect(await runScheduledImport(d, config)).toBeNull();
  }, 60_000);
});

describe('poison files and dead runs', () => {
  test('a file left in progress that the database holds as imported (the run died after its commit) is archived, not rejected', async () => {
    const { db, dir } = await fileDb();
    const config = inboxConfig(dir);
    const committed = manyRegionsCsv(3);
    const first = await runImport(deps(db), [{ kind: 'buffer', name: 'mai.csv', data: committed }], {
      trigger: 'cron',
    });
    expect(first.status).toBe('success');
    const after = dataChecksum(sqliteOf(db));
    const stamped = (d: string) => readdirSync(d).map((n) => n.replace(/^\d{8}T\d{6}Z_/, ''));

    // Found by the next run: unchanged, archived.
    mkdirSync(inProgressDir(config), { recursive: true });
    writeFileSync(join(inProgressDir(config), 'mai.csv'), committed);
    const d = { ...deps(db), clock: () => new Date(Date.now() + 60_000) };
    const summary = await runScheduledImport(d, config);
    expect(summary?.files).toMatchObject([{ status: 'unchanged', error: null }]);
    expect(stamped(config.ARCHIVE_DIR)).toEqual(['mai.csv']);
    expect(existsSync(config.REJECTED_DIR) ? readdirSync(config.REJECTED_DIR) : []).toEqual([]);
    expect(existsSync(inProgressDir(config))).toBe(false);

    // Settled after a worker crash: the committed file to the archive, the other one rejected.
    mkdirSync(inProgressDir(config), { recursive: true });
    writeFileSync(join(inProgressDir(config), 'mai.csv'), committed);
    writeFileSync(join(inProgressDir(config), 'juni.csv'), manyRegionsCsv(4));
    const rejected = await settleInProgress(
      db,
      config,
      new Date('2024-11-21T06:00:00Z'),
      'Importprozess beendet',
    );
    expect(rejected).toBe(1);
    expect(stamped(config.ARCHIVE_DIR)).toEqual(['mai.csv', 'mai.csv']);
    expect(stamped(config.REJECTED_DIR).sort()).toEqual(['juni.csv', 'juni.csv.error.txt']);
    expect(existsSync(inProgressDir(config))).toBe(false);
    expect(dataChecksum(sqliteOf(db))).toBe(after);
  });

  test("a file left in the inbox's in-progress folder is rejected with 'Import abgebrochen (Absturz oder Neustart)'", async () => {
    const { db, dir } = await fileDb();
    const config = inboxConfig(dir);
    mkdirSync(inProgressDir(config), { recursive: true });
    writeFileSync(join(inProgressDir(config), 'gift.xlsx'), 'whatever killed the last run');
    // The dead run's row, as a SIGKILL leaves it.
    sqliteOf(db)
      .prepare(
        `insert into import_runs (started_at, trigger, status, files_count) values (?, 'cron', 'running', 1)`,
      )
      .run('2024-11-19T06:00:00.000Z');
    const before = dataChecksum(sqliteOf(db));
    const d = { ...deps(db), clock: () => new Date(Date.now() + 60_000) };
    const summary = await runScheduledImport(d, config);
    expect(summary?.files).toMatchObject([
      {
        status: 'rejected',
        error: { message: ABORTED_MESSAGE, file: join(inProgressDir(config), 'gift.xlsx') },
      },
    ]);
    expect(dataChecksum(sqliteOf(db))).toBe(before);
    expect(existsSync(inProgressDir(config))).toBe(false);
    const rejected = readdirSync(config.REJECTED_DIR).sort();
    expect(rejected.map((n) => n.replace(/^\d{8}T\d{6}Z_/, ''))).toEqual([
      'gift.xlsx',
      'gift.xlsx.error.txt',
    ]);
    expect(readFileSync(join(config.REJECTED_DIR, rejected[1] ?? ''), 'utf8')).toContain(ABORTED_MESSAGE);
    expect(sqliteOf(db).prepare('select status, error from import_runs order by id').all()).toEqual([
      { status: 'aborted', error: ABORTED_MESSAGE },
      { status: 'failed', error: expect.stringContaining(ABORTED_MESSAGE) },
    ]);
  });

  test("at start-up a run left 'running' shows as aborted, unless an import holds the lock", async () => {
    const { db } = await fileDb();
    const insert = sqliteOf(db).prepare(
      `insert into import_runs (started_at, trigger, status, files_count) values ('2024-11-19T06:00:00.000Z', 'cli', 'running', 1)`,
    );
    insert.run();
    expect(await recoverAbortedRuns(deps(db))).toBe(1);
    expect(sqliteOf(db).prepare('select status, error from import_runs').get()).toEqual({
      status: 'aborted',
      error: ABORTED_MESSAGE,
    });
    // A live importer (another process) holds the lock: its run stays 'running'.
    insert.run();
    sqliteOf(db)
      .prepare(`insert into meta (key, value) values ('import_lock', ?)`)
      .run(
        JSON.stringify({
          pid: process.ppid,
          host: (await import('node:os')).hostname(),
          token: 'x',
          since: new Date().toISOString(),
          heartbeat: new Date().toISOString(),
        }),
      );
    expect(await recoverAbortedRuns({ db: db, clock: () => new Date() })).toBe(0);
    expect(
      sqliteOf(db).prepare(`select count(*) from import_runs where status = 'running'`).pluck().get(),
    ).toBe(1);
  });
});
