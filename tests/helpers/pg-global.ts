/**
 * vitest globalSetup of the PostgreSQL run: fails the whole run at once when PostgreSQL is not
 * reachable (no test is skipped), and drops this run's throw-away databases at the end.
 */
import pg from 'pg';
import { PG_TEST_PREFIX, testDatabaseUrl } from './db.js';

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

import { randomBytes } from 'node:crypto';

const run = randomBytes(3).toString('hex');

export async function setup(): Promise<void> {
  process.env.TEST_DB = 'postgres';
  // The workers inherit it: their databases are named zm_test_<run>_…, dropped at teardown.
  process.env.ZM_TEST_RUN = run;
  try {
    await withAdmin((c) => c.query('select 1'));
  } catch (e) {
    throw new Error(
      `TEST_DB=postgres: PostgreSQL is not available (${e instanceof Error ? e.message : String(e)}). Start it with: bash scripts/pg-ci.sh`,
    );
  }
}

export async function teardown(): Promise<void> {
  await withAdmin(async (c) => {
    const r = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${PG_TEST_PREFIX}${run}_%`,
    ]);
    for (const { datname } of r.rows) await c.query(`drop database if exists "${datname}" with (force)`);
  });
}
