/**
 * The one place for SQL that differs between SQLite and PostgreSQL. Everything else (migrations,
 * repositories, the ETL) is written once against Kysely and calls these helpers where the engines
 * differ: bulk loading, write transactions, string aggregation, advisory locks.
 */
import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Database } from '../schema.js';
import { pgWriteTransaction, withSessionLock } from './postgres.js';
import { sqliteWriteTransaction } from './sqlite.js';
import type { WriteTx } from './types.js';

export type { BulkFixed, BulkRow, WriteTx } from './types.js';

/** True when `db` (a Kysely handle or transaction) talks to PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Runs `fn` in one write transaction with the dialect's bulk loader: all of it lands, or (on an
 * error, a crash, kill -9) none of it.
 */
export function withWriteTransaction<T>(db: Db, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.dialect === 'sqlite'
    ? sqliteWriteTransaction(db.db, db.sqlite, fn)
    : pgWriteTransaction(db.pool, fn);
}

/**
 * The same for many rows whose keys the caller has validated (an import file): on SQLite the
 * transaction checks no foreign keys and gets a larger page cache (see dialect/sqlite.ts);
 * PostgreSQL loads with COPY either way.
 */
export function withBulkWriteTransaction<T>(db: Db, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.dialect === 'sqlite'
    ? sqliteWriteTransaction(db.db, db.sqlite, fn, { bulk: true })
    : pgWriteTransaction(db.pool, fn);
}

/** `group_concat(expr, sep)` on SQLite, `string_agg(expr, sep)` on PostgreSQL. */
export function stringAgg(
  db: Kysely<Database>,
  expr: RawBuilder<unknown>,
  separator: string,
): RawBuilder<string | null> {
  return isPostgres(db) ? sql`string_agg(${expr}, ${separator})` : sql`group_concat(${expr}, ${separator})`;
}

/**
 * Runs `fn` while holding the named lock across instances (PostgreSQL: a session advisory lock;
 * a second caller waits). SQLite has one instance: `fn` simply runs.
 */
export function serialised<T>(db: Db, key: number, fn: () => Promise<T>): Promise<T> {
  return db.dialect === 'sqlite' ? fn() : withSessionLock(db.pool, key, fn);
}
