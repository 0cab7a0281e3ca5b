/** SQLite-only SQL: BEGIN IMMEDIATE transactions and bulk inserts through cached prepared statements. */
import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import { type BulkFixed, type BulkRow, checkFixed, type WriteTx } from './types.js';

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

/**
 * Statements with an import's own values (BulkFixed): the last one of each shape per connection,
 * replaced when the values change, so that the cache does not grow with every import while the
 * regions one file merges (one call each) share them.
 */
const fixedStatements = new WeakMap<
  SqliteDatabase.Database,
  Map<string, { text: string; stmt: SqliteDatabase.Statement }>
>();

function preparedFixed(
  handle: SqliteDatabase.Database,
  shape: string,
  text: string,
): SqliteDatabase.Statement {
  let byShape = fixedStatements.get(handle);
  if (!byShape) {
    byShape = new Map();
    fixedStatements.set(handle, byShape);
  }
  const last = byShape.get(shape);
  if (last?.text === text) return last.stmt;
  const stmt = handle.prepare(text);
  byShape.set(shape, { text, stmt });
  return stmt;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Bulk insert into `table`, inside the caller's transaction (a failure or crash leaves the table
 * as it was; a duplicate key fails the insert and with it the transaction).
 */
function insertRowsSync(
  handle: SqliteDatabase.Database,
  table: string,
  columns: readonly string[],
  rows: Iterable<BulkRow>,
  fixed: BulkFixed = {},
): void {
  checkFixed(fixed);
  const fixedColumns = Object.keys(fixed);
  const head = `insert into ${ident(table)} (${[...columns, ...fixedColumns].map(ident).join(', ')}) values `;
  const tuple = `(${[...columns.map(() => '?'), ...fixedColumns.map((c) => sqlLiteral(fixed[c]))].join(', ')})`;
  const prepare = (text: string, kind: string) =>
    fixedColumns.length > 0 ? preparedFixed(handle, `${head}${kind}`, text) : prepared(handle, text);
  // Prepared when first needed: a merge of a few rows never prepares the batch statement.
  let many: SqliteDatabase.Statement | null = null;
  const width = columns.length;
  const size = BATCH * width;
  const batch: (string | number | null)[] = new Array(size);
  let n = 0;
  for (const row of rows) {
    for (let i = 0; i < width; i++) batch[n++] = row[i] ?? null;
    if (n === size) {
      many ??= prepare(head + Array(BATCH).fill(tuple).join(', '), 'many');
      many.run(batch);
      n = 0;
    }
  }
  if (n === 0) return;
  const one = prepare(head + tuple, 'one');
  for (let k = 0; k < n; k += width) one.run(batch.slice(k, k + width));
}

/** A fixed value (checked by checkFixed) as an SQL literal: a number as is, a text quoted with its quotes doubled. */
function sqlLiteral(v: string | number | undefined): string {
  return typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
}

/**
 * Page cache of a bulk write (KiB, as SQLite's negative cache_size): the transaction's pages stay
 * in memory until the commit instead of spilling into the WAL halfway (the national file's 30 MB
 * fit). The observations have no index beside their key since migration i13c, so a first load
 * has no index to drop and build again (docs/benchmarks.md, "Issue 13, eighth round").
 */
const BULK_CACHE_KIB = 64 * 1024;

/**
 * Connection settings for a bulk write, restored afterwards. Foreign-key checks off: they cost
 * index lookups per row and cannot fail for a bulk write whose keys the caller validated (the
 * ETL: regions and the file row inserted in the same transaction, indicators checked against
 * the table). The pragma is per connection and has no effect inside a transaction, so it is set
 * before BEGIN, while this write holds the connection.
 */
function bulkSettings(handle: SqliteDatabase.Database): () => void {
  const fk = handle.pragma('foreign_keys', { simple: true }) === 1;
  const cache = handle.pragma('cache_size', { simple: true }) as number;
  if (fk) handle.pragma('foreign_keys = OFF');
  handle.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  return () => {
    handle.pragma(`cache_size = ${cache}`);
    if (fk) handle.pragma('foreign_keys = ON');
  };
}

/**
 * Runs `fn` in one BEGIN IMMEDIATE transaction (the write lock is taken at BEGIN, so a concurrent
 * writer fails fast instead of mid-way). Kysely's connection is the raw handle's connection, so
 * the bulk statements run inside the same transaction. `bulk`: see `bulkSettings`.
 */
export async function sqliteWriteTransaction<T>(
  db: Kysely<Database>,
  handle: SqliteDatabase.Database,
  fn: (tx: WriteTx) => Promise<T>,
  options: { bulk?: boolean } = {},
): Promise<T> {
  return db.connection().execute(async (conn) => {
    const restore = options.bulk === true && !handle.inTransaction ? bulkSettings(handle) : null;
    try {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn({
          trx: conn,
          insertRows: async (table, columns, rows, fixed) =>
            insertRowsSync(handle, table, columns, rows, fixed),
        });
        await sql`commit`.execute(conn);
        return result;
      } catch (e) {
        if (handle.inTransaction) await sql`rollback`.execute(conn);
        throw e;
      }
    } finally {
      restore?.();
    }
  });
}

/** Prepared statements kept per connection for Kysely's queries (distinct SQL texts). */
const KYSELY_STATEMENTS = 256;

/**
 * The handle as Kysely's SqliteDialect sees it, with its prepared statements kept: Kysely's driver
 * prepares every query anew, which cost a fresh server more than running the query (about 40 µs
 * per request on the goal read; bench/api.ts's fresh-server profile, docs/benchmarks.md). A
 * statement is reused only when it is not busy (an open `iterate()` of a streamed query); at most
 * KYSELY_STATEMENTS texts are kept, least recently used out first. SQLite prepares a kept
 * statement again by itself after a schema change.
 */
export function kyselyDatabase(handle: SqliteDatabase.Database): {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
} {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text) {
      const stmt = kept.get(text);
      if (stmt !== undefined && !stmt.busy) {
        kept.delete(text);
        kept.set(text, stmt);
        return stmt;
      }
      const fresh = handle.prepare(text);
      if (stmt === undefined) {
        kept.set(text, fresh);
        if (kept.size > KYSELY_STATEMENTS) {
          const oldest = kept.keys().next().value;
          if (oldest !== undefined) kept.delete(oldest);
        }
      }
      return fresh;
    },
    close() {
      kept.clear();
      handle.close();
    },
  };
}
