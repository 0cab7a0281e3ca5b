/**
 * PostgreSQL: imports in the worker process (as the server runs them). The worker opens a pool of
 * its own on the same database: the result equals an import in the calling thread, and a worker
 * that runs out of memory mid-import becomes an aborted run with the file rejected; its connections
 * end with it, so PostgreSQL rolls its transaction back and frees the import lock, and the next
 * import works.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { type EtlDeps, type IsolationOptions, runImport } from '../../etl/index.js';
import type { Db } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { dataVersion, observations } from '../etl/helpers.js';
import { openTestPostgres, pluck } from '../helpers/db.js';
import { manyRegionsCsv } from '../reliability/helpers.js';

const SAMPLE = new URL('../../data/sample/segeberg-sample.csv', import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<Db> {
  const db = await openTestPostgres();
  cleanups.push(() => db.close());
  return db;
}

const deps = (db: Db, isolation?: IsolationOptions): EtlDeps => ({
  db,
  logger: silentLogger(),
  clock: () => new Date('2024-11-20T06:00:00Z'),
  ...(isolation ? { isolation } : {}),
});

describe('PostgreSQL: imports in a worker process', () => {
  test('give the same database as an import in the calling thread; the worker’s connections end with it', async () => {
    const a = await database();
    const b = await database();
    const progress: string[] = [];
    const inWorker = await runImport(
      deps(a, { maxOldGenerationSizeMb: 256 }),
      [{ kind: 'file', path: SAMPLE }],
      { trigger: 'cli' },
      { onProgress: (p) => progress.push(p.phase) },
    );
    const inThread = await runImport(deps(b), [{ kind: 'file', path: SAMPLE }], { trigger: 'cli' });
    expect(inWorker.status).toBe('success');
    expect(inWorker.inserted).toBeGreaterThan(0);
    expect(inWorker.inserted).toBe(inThread.inserted);
    expect(await observations(a)).toEqual(await observations(b));
    expect(progress).toContain('write');
    // This process's mirror of the data version has the worker's commit.
    expect(a.dialect === 'postgres' && Number(a.dataVersion.value)).toBe(await dataVersion(a));
    expect(
      await pluck(
        a,
        `select count(*) from pg_stat_activity where datname = current_database() and application_name = 'zielmonitor-import'`,
      ),
    ).toBe(0);
  });

  test('a worker out of memory is an aborted run with the file rejected; the data and the lock are as before', async () => {
    const db = await database();
    await runImport(deps(db), [{ kind: 'file', path: SAMPLE }], { trigger: 'cli' });
    const before = await observations(db);
    const version = await dataVersion(db);
    const summary = await runImport(
      deps(db, { maxOldGenerationSizeMb: 24 }),
      [{ kind: 'buffer', name: 'gross.csv', data: manyRegionsCsv(2500) }], // 270,000 rows: more than 24 MB hold
      { trigger: 'upload' },
    );
    expect(summary.status).toBe('aborted');
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]).toMatchObject({ path: 'gross.csv', status: 'rejected' });
    expect(summary.files[0]?.error?.message).toBe(
      'Import abgebrochen: die Datei braucht mehr Speicher als erlaubt (Grenze IMPORT_WORKER_MAX_MB)',
    );
    expect(await pluck(db, 'select status from import_runs where id = ?', summary.runId)).toBe('aborted');
    expect(await pluck(db, 'select error from imported_files where run_id = ?', summary.runId)).toContain(
      'Datei gross.csv: Import abgebrochen',
    );
    expect(await observations(db)).toEqual(before);
    expect(await dataVersion(db)).toBe(version);

    // The advisory lock went with the dead worker's session: the next import (in a worker) runs.
    const next = await runImport(
      deps(db, { maxOldGenerationSizeMb: 256 }),
      [{ kind: 'buffer', name: 'klein.csv', data: manyRegionsCsv(2) }],
      { trigger: 'cli' },
    );
    expect(next.status).toBe('success');
    expect(next.inserted).toBe(216);
  }, 120_000);
});
