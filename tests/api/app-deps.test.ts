/**
 * createAppDeps: the one wiring of database, logger, goal service, alert service and ETL that the
 * server, the test fixtures and the benches share. Runs on the engine of the run (SQLite, or
 * PostgreSQL under `npm run test:pg`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import { pendingMigrations } from '../../server/db/connection.js';
import { createPgDatabase, dropPgDatabase, openTestDb, pluck, TEST_DB } from '../helpers/db.js';

const dir = mkdtempSync(join(tmpdir(), 'zm-app-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createAppDeps', () => {
  it('opens the configured database (DATABASE_URL or DATABASE_PATH) migrated, and close() closes it', async () => {
    const url = TEST_DB === 'postgres' ? await createPgDatabase() : null;
    try {
      const env: Record<string, string> =
        url === null ? { DATABASE_PATH: join(dir, 'zm.db') } : { DATABASE_URL: url };
      const deps = await createAppDeps({ config: testConfig(env) });
      expect(deps.db.dialect).toBe(TEST_DB);
      expect(await pendingMigrations(deps.db.db)).toEqual([]);
      // The app over it answers; an empty database has no data yet.
      const res = await createApp(deps).request('/api/goals');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'no_data' } });
      await deps.close();
      await expect(pluck(deps.db, 'select 1')).rejects.toThrow();
    } finally {
      if (url !== null) await dropPgDatabase(url);
    }
  });

  it('wires the server set-up only when asked: worker imports and work after each import', async () => {
    const db = await openTestDb();
    try {
      const plain = await createAppDeps({ db, config: testConfig() });
      expect(plain.db).toBe(db);
      expect(plain.etl.isolation).toBeUndefined();
      expect(plain.etl.afterImport).toBeUndefined();
      expect(plain.etl.limits).toMatchObject({ csvMaxRows: 2_000_000 });

      const config = testConfig({ IMPORT_WORKER_MAX_MB: '256', AT_RISK_BAND_PCT: '2', CSV_MAX_ROWS: '5000' });
      const served = await createAppDeps({ db, config, serve: true });
      expect(served.etl.isolation).toMatchObject({
        maxOldGenerationSizeMb: 256,
        niceness: 10,
        goalOptions: { atRiskBandPct: 2 },
      });
      expect(served.etl.afterImport).toBeTypeOf('function');
      expect(served.etl.limits).toMatchObject({ csvMaxRows: 5000 });
      const quiet = await createAppDeps({ db, config, serve: true, afterImport: 'none' });
      expect(quiet.etl.afterImport).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
