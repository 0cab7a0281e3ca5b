/** SQLite-only SQL: BEGIN IMMEDIATE transactions and bulk inserts through cached prepared statements. */
import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { BulkRow, WriteTx } from './types.js';

/** Rows per multi-row INSERT: the driver's per-call overhead is the bulk path's main cost. */
const BATCH = 64;

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

function prepared(handle: SqliteDatabase.Database, text: string): SqliteDatabase.Statement {
  let cache = statements.get(handle);
  if (!cache) {
    cache = new Map();
    statements.set(handle, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = handle.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

function insertRowsSync(
  handle: SqliteDatabase.Database,
  table: string,
  columns: readonly string[],
  rows: Iterable<BulkRow>,
): void {
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const one = prepared(handle, head + tuple);
  const many = prepared(handle, head + Array(BATCH).fill(tuple).join(', '));
  const width = columns.length;
  const batch: (string | number | null)[] = [];
  for (const row of rows) {
    for (let i = 0; i < width; i++) batch.push(row[i] ?? null);
    if (batch.length === BATCH * width) {
      many.run(batch);
      batch.length = 0;
    }
  }
  for (let k = 0; k < batch.length; k += width) one.run(batch.slice(k, k + width));
}

/**
 * Runs `fn` in one BEGIN IMMEDIATE transaction (the write lock is taken at BEGIN, so a concurrent
 * writer fails fast instead of mid-way). Kysely's connection is the raw handle's connection, so
 * the bulk statements run inside the same transaction.
 */
export async function sqliteWriteTransaction<T>(
  db: Kysely<Database>,
  handle: SqliteDatabase.Database,
  fn: (tx: WriteTx) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn({
        trx: conn,
        insertRows: async (table, columns, rows) => insertRowsSync(handle, table, columns, rows),
      });
      await sql`commit`.execute(conn);
      return result;
    } catch (e) {
      if (handle.inTransaction) await sql`rollback`.execute(conn);
      throw e;
    }
  });
}
