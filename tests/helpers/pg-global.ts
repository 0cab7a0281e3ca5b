/**
 * vitest globalSetup of the PostgreSQL run: fails the whole run at once when PostgreSQL is not
 * reachable (no test is skipped), migrates the template every test database is copied from, and
 * drops this run's throw-away databases at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres } from '../../server/db/connection.js';
import { createPgDatabase, PG_TEST_PREFIX, testDatabaseUrl } from './db.js';

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const run = randomBytes(3).toString('hex');
let reachable = false;

export async function setup(): Promise<void> {
  process.env.TEST_DB = 'postgres';
  // The workers inherit it: their databases are named zm_test_<run>_…, dropped at teardown.
  process.env.ZM_TEST_RUN = run;
  try {
    await withAdmin((c) => c.query('select 1'));
    reachable = true;
  } catch (e) {
    throw new Error(
      `TEST_DB=postgres: PostgreSQL is not available (${e instanceof Error ? e.message : String(e)}). Start it with: bash scripts/pg-ci.sh`,
    );
  }
  // Migrated once; openTestPostgres copies it (CREATE DATABASE … TEMPLATE). Its name matches the
  // run's prefix, so the teardown drops it too.
  const template = `${PG_TEST_PREFIX}${run}_template`;
  const db = await openPostgres(await createPgDatabase({ name: template }), { poolSize: 2 });
  await db.close();
  process.env.ZM_TEST_TEMPLATE = template;
}

export async function teardown(): Promise<void> {
  if (!reachable) return; // setup has already failed the run, naming the cause
  const names = await withAdmin(async (c) => {
    const r = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${PG_TEST_PREFIX}${run}_%`,
    ]);
    return r.rows.map((row) => row.datname);
  });
  // Databases the tests left open (about a hundred): four connections drop them side by side.
  const drop = () =>
    withAdmin(async (c) => {
      for (let name = names.pop(); name !== undefined; name = names.pop())
        await c.query(`drop database if exists "${name}" with (force)`);
    });
  await Promise.all([drop(), drop(), drop(), drop()]);
}
