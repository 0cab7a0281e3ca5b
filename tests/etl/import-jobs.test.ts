/**
 * The import wizard's background jobs (etl/import-jobs.ts) as a shutdown meets them: `settle`
 * waits for every running job, its clean-up included, and says false when the time is up;
 * `abandon` runs each running job's clean-up once, and the job's own end does not run it again.
 * On both engines (TEST_DATABASE_URL), in-process imports of the sample file.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createImportJobs } from '../../etl/import-jobs.js';
import { silentLogger } from '../../server/logger.js';
import { openTestDb } from '../helpers/db.js';

const SAMPLE = fileURLToPath(new URL('../../data/sample/segeberg-sample.csv', import.meta.url));
const clock = () => new Date('2024-11-20T06:00:00Z');

describe('import jobs: settle and abandon (the shutdown)', () => {
  it('settle waits for a running job and its clean-up; false while it runs, true once done', async () => {
    const db = await openTestDb();
    try {
      const jobs = createImportJobs({ db, logger: silentLogger() }, clock);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let cleaned = 0;
      const job = jobs.start('sample.csv', { kind: 'file', path: SAMPLE, name: 'sample.csv' }, async () => {
        await gate;
        cleaned++;
      });
      // The clean-up is held: the job has not ended, whatever its import did.
      expect(await jobs.settle(100)).toBe(false);
      expect(cleaned).toBe(0);
      release();
      expect(await jobs.settle(30_000)).toBe(true);
      expect(cleaned).toBe(1);
      expect(jobs.get(job.id)).toMatchObject({ state: 'done', error: null, percent: 100 });
      expect(jobs.get(job.id)?.finishedAt).not.toBeNull();
      // Nothing running: at once.
      expect(await jobs.settle(0)).toBe(true);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('settle also waits for a job started while it waits', async () => {
    const db = await openTestDb();
    try {
      const jobs = createImportJobs({ db, logger: silentLogger() }, clock);
      let cleanedA = 0;
      const a = jobs.start('a.csv', { kind: 'file', path: SAMPLE, name: 'a.csv' }, () => {
        cleanedA++;
      });
      let result: boolean | undefined;
      const settled = jobs.settle(30_000).then((r) => {
        result = r;
        return r;
      });
      let releaseB: () => void = () => undefined;
      const gateB = new Promise<void>((resolve) => {
        releaseB = resolve;
      });
      const b = jobs.start('b.csv', { kind: 'file', path: SAMPLE, name: 'b.csv' }, () => gateB);
      // The first job ends (its clean-up ran); the second is held by its clean-up.
      for (let i = 0; i < 600 && jobs.get(a.id)?.finishedAt == null; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(cleanedA).toBe(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(result).toBeUndefined();
      releaseB();
      expect(await settled).toBe(true);
      expect(jobs.get(b.id)?.finishedAt).not.toBeNull();
    } finally {
      await db.close();
    }
  }, 60_000);

  it('abandon runs the clean-up of a job still running once; its end does not run it again', async () => {
    const db = await openTestDb();
    try {
      const jobs = createImportJobs({ db, logger: silentLogger() }, clock);
      let cleaned = 0;
      const job = jobs.start('sample.csv', { kind: 'file', path: SAMPLE, name: 'sample.csv' }, () => {
        cleaned++;
      });
      // As a shutdown that stops waiting: the job's import has not even begun (next turn).
      expect(jobs.get(job.id)?.state).toBe('running');
      await jobs.abandon();
      expect(cleaned).toBe(1);
      // Cleaned up at once, not at the job's end: the job is still running.
      expect(jobs.get(job.id)).toMatchObject({ state: 'running', finishedAt: null });
      expect(await jobs.settle(30_000)).toBe(true);
      expect(cleaned).toBe(1);
      // Nothing left to abandon.
      await jobs.abandon();
      expect(cleaned).toBe(1);
    } finally {
      await db.close();
    }
  }, 60_000);
});
