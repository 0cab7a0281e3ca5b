/**
 * The database a test runs on. `TEST_DB=postgres` (npm run test:pg) runs the suites against
 * PostgreSQL: every `openTestDb()` creates a throw-away database (dropped again by
 * tests/helpers/pg-global.ts when the run ends) on the server at TEST_DATABASE_URL, which
 * scripts/pg-ci.sh prints. It is a copy of a template the run migrated once (ZM_TEST_TEMPLATE),
 * which is several times faster than migrating every database; the migrations still run (and
 * find nothing to do) when it is opened. Without that server the run FAILS, it never silently falls back to
 * SQLite. Otherwise (`npm test`): a fresh in-memory SQLite database.
 */
import { randomBytes } from 'node:crypto';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type Db, openDatabase, openPostgres, type PgDb, type SqliteDb } from '../../server/db/connection.js';
import type { Database } from '../../server/db/schema.js';

export const TEST_DB: 'sqlite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** Prefix of every throw-away PostgreSQL database the tests create. */
export const PG_TEST_PREFIX = 'zm_test_';

/**
 * The admin URL of the test server (a role with CREATEDB). Default: the role scripts/pg-ci.sh
 * creates on the local cluster. When nothing answers there, the run fails (never skips).
 */
export function testDatabaseUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ?? 'postgres://zielmonitor_test:zielmonitor_test@localhost:5432/postgres'
  );
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates a PostgreSQL database for one test and returns its URL: empty, or a copy of the
 * database `template` (which nobody may be connected to).
 */
export async function createPgDatabase(options: { template?: string; name?: string } = {}): Promise<string> {
  const admin = testDatabaseUrl();
  const name =
    options.name ?? `${PG_TEST_PREFIX}${process.env.ZM_TEST_RUN ?? 'x'}_${randomBytes(5).toString('hex')}`;
  const template = options.template ?? 'template0';
  const client = new pg.Client({ connectionString: admin });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${new URL(admin).host} is not reachable (${e instanceof Error ? e.message : String(e)}); start it with scripts/pg-ci.sh`,
    );
  }
  try {
    // C collation: text sorts byte-wise, as in SQLite.
    await client.query(
      `create database "${name}" template "${template}" encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
    );
  } finally {
    await client.end();
  }
  return withDatabase(admin, name);
}

/** Drops a database made by createPgDatabase (terminating its leftover connections). */
export async function dropPgDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith(PG_TEST_PREFIX)) throw new Error(`refusing to drop ${name}`);
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of the kind this run tests (see TEST_DB). `close()` also drops it. */
export async function openTestDb(): Promise<Db> {
  if (TEST_DB === 'sqlite') return openDatabase(':memory:');
  return openTestPostgres();
}

/** A fresh, migrated PostgreSQL database (also in a SQLite run: for the PostgreSQL-only tests). */
export async function openTestPostgres(options: { poolSize?: number } = {}): Promise<PgDb> {
  const url = await createPgDatabase({ template: process.env.ZM_TEST_TEMPLATE });
  const db = await openPostgres(url, { poolSize: options.poolSize ?? 4 });
  const close = db.close;
  db.close = async () => {
    await close();
    // Best effort: the run's global teardown drops whatever is left.
    await dropPgDatabase(url).catch(() => undefined);
  };
  return db;
}

/** All rows of a query written with Kysely's `sql` tag (placeholders work on both engines). */
export async function rows<T = Record<string, unknown>>(
  db: Db | Kysely<Database>,
  query: ReturnType<typeof sql>,
): Promise<T[]> {
  const k = 'dialect' in db ? db.db : db;
  return (await query.execute(k)).rows as T[];
}

/** The first column of the first row (e.g. a count), or undefined without rows. */
export async function scalar<T = unknown>(
  db: Db | Kysely<Database>,
  query: ReturnType<typeof sql>,
): Promise<T> {
  const [first] = await rows(db, query);
  return (first === undefined ? undefined : Object.values(first)[0]) as T;
}

export { sql };

/**
 * Raw SQL with `?` placeholders on either engine (PostgreSQL gets `$1, $2, …`); for test set-up
 * and assertions only.
 */
export async function all<T = Record<string, unknown>>(
  db: Db,
  text: string,
  ...params: unknown[]
): Promise<T[]> {
  let n = 0;
  const q = db.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
  return (await db.db.executeQuery(CompiledQuery.raw(q, params))).rows as T[];
}

/** The first row, or undefined. */
export async function get<T = Record<string, unknown>>(
  db: Db,
  text: string,
  ...params: unknown[]
): Promise<T | undefined> {
  return (await all<T>(db, text, ...params))[0];
}

/** The first column of the first row (a count, a name), or undefined. */
export async function pluck<T = unknown>(db: Db, text: string, ...params: unknown[]): Promise<T | undefined> {
  const row = await get(db, text, ...params);
  return row === undefined ? undefined : (Object.values(row)[0] as T);
}

/** The first column of every row. */
export async function pluckAll<T = unknown>(db: Db, text: string, ...params: unknown[]): Promise<T[]> {
  return (await all(db, text, ...params)).map((r) => Object.values(r)[0] as T);
}

/** The better-sqlite3 handle of a test that is about SQLite's own mechanics (fails on PostgreSQL). */
export function sqliteOf(db: Db): SqliteDb['sqlite'] {
  if (db.dialect !== 'sqlite') throw new Error('this test needs a SQLite database');
  return db.sqlite;
}
