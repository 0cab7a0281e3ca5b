/**
 * `npm run db:copy`: a SQLite installation (sample data and targets, as after a first start)
 * moved to PostgreSQL, checked per table by count and checksum; the goals read the same from both;
 * a target that already holds data is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { seedIfEmpty } from '../../etl/index.js';
import { testConfig } from '../../server/config.js';
import { openDatabase, openPostgres } from '../../server/db/connection.js';
import { syncDataVersion } from '../../server/db/repositories/meta.js';
import { createGoalService } from '../../server/goals/service.js';
import { silentLogger } from '../../server/logger.js';
import { createPgDatabase, dropPgDatabase, pluck } from '../helpers/db.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('db:copy SQLite → PostgreSQL', () => {
  test('every table arrives with the same count and checksum; goals are equal; a used target is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zm-copy-'));
    const path = join(dir, 'zielmonitor.db');
    const src = await openDatabase(path);
    expect(await seedIfEmpty({ db: src, logger: silentLogger() })).toBe(true);
    const url = await createPgDatabase();
    cleanups.push(async () => {
      await dropPgDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    });
    const srcCounts = {
      observations: src.sqlite.prepare('select count(*) from observations').pluck().get(),
      targets: src.sqlite.prepare('select count(*) from targets').pluck().get(),
      version: src.sqlite.prepare(`select value from meta where key = 'data_version'`).pluck().get(),
    };
    await src.close();

    const ok = await run(process.execPath, [
      '--import',
      'tsx',
      'server/db/copy.ts',
      '--from',
      path,
      '--to',
      url,
    ]);
    expect(ok.stdout).toMatch(/^ok\s+observations\s+\d+ Zeilen/m);
    expect(ok.stdout).toContain('Anzahl und Prüfsumme stimmen überein');
    expect(ok.stdout).not.toContain('FEHLER');

    const dst = await openPostgres(url, { poolSize: 2 });
    cleanups.push(() => dst.close());
    expect(await pluck(dst, 'select count(*) from observations')).toBe(srcCounts.observations);
    expect(await pluck(dst, 'select count(*) from targets')).toBe(srcCounts.targets);
    expect(await pluck(dst, `select value from meta where key = 'data_version'`)).toBe(srcCounts.version);
    // New rows continue after the copied ids.
    const maxId = Number(await pluck(dst, 'select max(id) from import_runs'));
    const next = await dst.db
      .insertInto('import_runs')
      .values({
        started_at: 'x',
        finished_at: null,
        trigger: 'cli',
        status: 'failed',
        files_count: 0,
        rows_inserted: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        error: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(next.id).toBe(maxId + 1);

    // The goals read from either database are the same.
    const again = await openDatabase(path, { readonly: true, migrate: false });
    cleanups.push(() => again.close());
    await syncDataVersion(dst);
    const config = testConfig();
    const clock = () => new Date('2025-05-01T10:00:00Z');
    const fromSqlite = await createGoalService({ db: again, config, clock }).getGoals({});
    const fromPg = await createGoalService({ db: dst, config, clock }).getGoals({});
    expect(fromPg.goals.length).toBeGreaterThan(0);
    expect(fromPg).toEqual(fromSqlite);

    // A second copy into the now used database is refused.
    const refused = await run(process.execPath, [
      '--import',
      'tsx',
      'server/db/copy.ts',
      '--from',
      path,
      '--to',
      url,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in refused ? refused.code : 0).toBe(1);
    expect('stderr' in refused ? refused.stderr : '').toContain('Ziel enthält schon Daten');
  }, 180_000);
});
