/**
 * The import wizard's background jobs (etl/import-jobs.ts) as a shutdown meets them: `settle`
 * waits for every running job, its clean-up included, and says false when the time is up;
 * `abandon` runs each running job's clean-up once, and the job's own end does not run it again.
 * On both engines (TEST_DATABASE_URL), in-process imports of the sample file.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createImportJobs, type ImportJob, type ImportJobs } from '../../etl/import-jobs.js';
import { silentLogger } from '../../server/logger.js';
import { openTestDb } from '../helpers/db.js';

const SAMPLE = fileURLToPath(new URL('../../data/sample/segeberg-sample.csv', import.meta.url));
const clock = () => new Date('2024-11-20T06:00:00Z');

/** A job registry on a fresh test database, closed after `test`. */
async function withJobs(test: (jobs: ImportJobs) => Promise<void>): Promise<void> {
  const db = await openTestDb();
  try {
    await test(createImportJobs({ db, logger: silentLogger() }, clock));
  } finally {
    await db.close();
  }
}

/** A job importing the sample file under `name`, with `done` as its clean-up. */
const startSample = (jobs: ImportJobs, name: string, done: () => Promise<void> | void): ImportJob =>
  jobs.start(name, { kind: 'file', path: SAMPLE, name }, done);

/** A promise that resolves when `release` is called (a clean-up held open). */
function held(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('import jobs: settle and abandon (the shutdown)', () => {
  it(
    'settle waits for a running job and its clean-up; false while it runs, true once done',
    () =>
      withJobs(async (jobs) => {
        const gate = held();
        let cleaned = 0;
        const job = startSample(jobs, 'sample.csv', async () => {
          await gate.promise;
          cleaned++;
        });
        // The clean-up is held: the job has not ended, whatever its import did.
        expect(await jobs.settle(100)).toBe(false);
        expect(cleaned).toBe(0);
        gate.release();
        expect(await jobs.settle(30_000)).toBe(true);
        expect(cleaned).toBe(1);
        expect(jobs.get(job.id)).toMatchObject({ state: 'done', error: null, percent: 100 });
        expect(jobs.get(job.id)?.finishedAt).not.toBeNull();
        // Nothing running: at once.
        expect(await jobs.settle(0)).toBe(true);
      }),
    60_000,
  );

  it(
    'settle also waits for a job started while it waits',
    () =>
      withJobs(async (jobs) => {
        let cleanedA = 0;
        const a = startSample(jobs, 'a.csv', () => {
          cleanedA++;
        });
        let result: boolean | undefined;
        const settled = jobs.settle(30_000).then((r) => {
          result = r;
          return r;
        });
        const gateB = held();
        const b = startSample(jobs, 'b.csv', () => gateB.promise);
        // The first job ends (its clean-up ran); the second is held by its clean-up.
        for (let i = 0; i < 600 && jobs.get(a.id)?.finishedAt == null; i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(cleanedA).toBe(1);
        await new Promise((r) => setTimeout(r, 50));
        expect(result).toBeUndefined();
        gateB.release();
        expect(await settled).toBe(true);
        expect(jobs.get(b.id)?.finishedAt).not.toBeNull();
      }),
    60_000,
  );

  it(
    'abandon runs the clean-up of a job still running once; its end does not run it again',
    () =>
      withJobs(async (jobs) => {
        let cleaned = 0;
        const job = startSample(jobs, 'sample.csv', () => {
          cleaned++;
        });
        // As a shutdown that stops waiting: the job's import has not even begun (next turn).
        expect(jobs.get(job.id)?.state).toBe('running');
        expect(await jobs.abandon()).toBe(1);
        expect(cleaned).toBe(1);
        // Cleaned up at once, not at the job's end: the job is still running.
        expect(jobs.get(job.id)).toMatchObject({ state: 'running', finishedAt: null });
        expect(await jobs.settle(30_000)).toBe(true);
        expect(cleaned).toBe(1);
        // Nothing left to abandon.
        expect(await jobs.abandon()).toBe(0);
        expect(cleaned).toBe(1);
      }),
    60_000,
  );
});
