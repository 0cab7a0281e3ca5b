/**
 * The PostgreSQL run (`npm run test:pg`): the API, ETL, alert and reliability suites again, each
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
    ],
    // SQLite's own mechanics (a second connection to the file, the lock row, file crashes, the CLI
    // on DATABASE_PATH): their PostgreSQL counterparts are in tests/pg/.
    exclude: [
      'tests/api/version-per-turn.test.ts',
      'tests/api/goal-precompute.test.ts',
      'tests/etl/lock-crash.test.ts',
      'tests/etl/cli.test.ts',
      'tests/etl/sqlite-bulk.test.ts',
    ],
    globalSetup: ['tests/helpers/pg-global.ts'],
    env: { TEST_DB: 'postgres' },
    reporters: ['default', './tests/support/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
