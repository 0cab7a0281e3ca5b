/**
 * The PostgreSQL run (`npm run test:pg`): the API, ETL and alert suites and the reliability tests
 * that are not about the SQLite file again, each
 * database a throw-away PostgreSQL database (tests/helpers/db.ts), plus the PostgreSQL-only tests
 * (several instances on one database). Fails at once when PostgreSQL is not reachable.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: [
      'tests/api/**/*.test.ts',
      'tests/etl/**/*.test.ts',
      'tests/alerts/**/*.test.ts',
      'tests/pg/**/*.test.ts',
      // The reliability tests that are not about SQLite's file mechanics.
      'tests/reliability/logs.test.ts',
      'tests/reliability/hostile-input.test.ts',
      'tests/reliability/hostile-inbox.test.ts',
      'tests/reliability/fuzz-files.test.ts',
      'tests/reliability/upload-responsive.test.ts',
    ],
    // SQLite's own mechanics (a second connection to the file, the lock row, file crashes, the CLI
    // on DATABASE_PATH): their PostgreSQL counterparts are in tests/pg/.
    exclude: [
      'tests/api/version-per-turn.test.ts',
      'tests/api/goal-precompute.test.ts',
      'tests/etl/lock-crash.test.ts',
      'tests/etl/cli.test.ts',
      'tests/etl/sqlite-bulk.test.ts',
      // Not in `include`, so not run here (SQLite-only, each for the reason given):
      // - tests/reliability/kill-import.test.ts: SIGKILL at points inside a SQLite write
      //   transaction, then `pragma integrity_check` of the file (PostgreSQL: tests/pg/kill-import);
      // - tests/reliability/import-worker.test.ts: the import worker process writing the SQLite file
      //   through its own connection, its lock row (PostgreSQL: tests/pg/import-worker);
      // - tests/reliability/hostile-corpus.test.ts: the corpus through that worker process against
      //   a file with busy_timeout 0, checked with `pragma integrity_check`;
      // - tests/reliability/api-under-load.test.ts: the ETL CLI as a second process on the same
      //   SQLite file (DATABASE_PATH), the SQLITE_BUSY case, then `pragma integrity_check`;
      // - tests/reliability/shutdown.test.ts: a server process on DATABASE_PATH killed mid-import,
      //   the file's integrity and a `.backup()` copy of it.
    ],
    globalSetup: ['tests/helpers/pg-global.ts'],
    env: { TEST_DB: 'postgres' },
    reporters: ['default', './tests/support/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One file at a time. The reliability test of issue 11 polls /api/goals while a 400,000-row
    // upload imports into PostgreSQL; when it still timed each poll (under 500 ms), with a second
    // test file beside it on the 2 cores its slowest poll was 409 and 532 ms in two CI runs of
    // 2 December (the second failed), against 163-352 ms in the SQLite run of the same test. The
    // run takes about 2 minutes longer (241 -> 369 s in CI on 2 December).
    fileParallelism: false,
  },
});
