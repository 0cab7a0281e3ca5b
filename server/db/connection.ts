import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import { maskPassword } from '../../core/redact.js';
import { withSessionLock } from './dialect/postgres.js';
import { kyselyDatabase } from './dialect/sqlite.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/** Which database engine is under the Kysely handle. */
export type DbDialect = 'sqlite' | 'postgres';

interface DbCommon {
  db: Kysely<Database>;
  /** For logs: the SQLite file, or the PostgreSQL URL without its password. */
  path: string;
  close(): Promise<void>;
}

/** SQLite (the embedded default): one better-sqlite3 connection under Kysely. */
export interface SqliteDb extends DbCommon {
  dialect: 'sqlite';
  /** Raw handle for the hot paths that need it (bulk inserts, per-turn data version, backups). */
  sqlite: SqliteDatabase.Database;
}

/**
 * PostgreSQL (DATABASE_URL): a `pg` pool under Kysely. `dataVersion` mirrors meta.data_version:
 * reads are synchronous for the goal cache; `syncDataVersion` refreshes it (every API request,
 * after every write of this process), so an import by another instance is seen by the next request.
 */
export interface PgDb extends DbCommon {
  dialect: 'postgres';
  pool: pg.Pool;
  url: string;
  dataVersion: { value: string; inflight: Promise<string> | null };
}

/** One open database. Code that needs engine-specific SQL narrows on `dialect` (see db/dialect/). */
export type Db = SqliteDb | PgDb;

export interface OpenOptions {
  /** Milliseconds a writer waits for a lock held by another connection before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
  /** SQLite page cache in MB (unset: better-sqlite3's default, 16 MB). */
  cacheMb?: number;
}

/**
 * Opens (and creates) the SQLite file at `path` (or ':memory:'), sets WAL mode, foreign keys and
 * a busy timeout, and runs the migrations.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<SqliteDb> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path, { readonly: options.readonly ?? false });
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  if (!options.readonly) {
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the
    // last commits), and much faster than FULL for imports.
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('foreign_keys = ON');
  if (options.cacheMb !== undefined) sqlite.pragma(`cache_size = -${Math.trunc(options.cacheMb * 1024)}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselyDatabase(sqlite) }) });
  const handle: SqliteDb = {
    dialect: 'sqlite',
    db,
    sqlite,
    path,
    async close() {
      await db.destroy(); // closes the better-sqlite3 handle too
    },
  };
  if (options.migrate ?? !options.readonly) await migrateOrClose(handle);
  return handle;
}

export interface PgOpenOptions {
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Run pending migrations (default true), under a PostgreSQL advisory lock. */
  migrate?: boolean;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** Statement timeout of every connection (ms; default none). */
  statementTimeoutMs?: number;
}

// bigint (count(*), sum of integers) and numeric come back as strings by default; every such
// value here is far below 2^53, and the code expects numbers as better-sqlite3 returns them.
const pgTypes = (types: typeof pg.types) => ({
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === types.builtins.INT8 || oid === types.builtins.NUMERIC) return (v: string) => Number(v);
    return types.getTypeParser(oid, format);
  },
});

/** Opens a pool on the PostgreSQL database at `url` and runs the migrations (under a lock). */
export async function openPostgres(url: string, options: PgOpenOptions = {}): Promise<PgDb> {
  // Loaded here, not at start-up: a SQLite process (the ETL command line) never pays for pg.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes(pg.types),
    application_name: options.applicationName ?? 'zielmonitor',
    ...(options.statementTimeoutMs !== undefined ? { statement_timeout: options.statementTimeoutMs } : {}),
    keepAlive: true,
    // An unreachable database host fails a checkout after 5 s (the pool's default waits forever):
    // /api/health/ready answers 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const handle: PgDb = {
    dialect: 'postgres',
    db,
    pool,
    url,
    path: maskPassword(url, 'postgres'),
    dataVersion: { value: '0', inflight: null },
    async close() {
      await db.destroy(); // ends the pool
    },
  };
  if (options.migrate ?? true) await migrateOrClose(handle);
  return handle;
}

/** DATABASE_URL set: PostgreSQL; otherwise the SQLite file at DATABASE_PATH. */
export function openConfiguredDatabase(
  config: {
    DATABASE_URL: string | null;
    DATABASE_PATH: string;
    DATABASE_POOL_SIZE: number;
    SQLITE_CACHE_MB: number;
  },
  options: { migrate?: boolean } = {},
): Promise<Db> {
  return config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, ...options })
    : openDatabase(config.DATABASE_PATH, { ...options, cacheMb: config.SQLITE_CACHE_MB });
}

async function migrateOrClose(handle: Db): Promise<void> {
  const result = await migrate(handle);
  if (result.error) {
    await handle.close();
    throw result.error instanceof Error ? result.error : new Error(String(result.error));
  }
}

/** Key of the session advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_301_001;

/**
 * Runs the pending migrations. On PostgreSQL two instances starting together wait for each other
 * on an advisory lock (the second one then finds nothing to do).
 */
export async function migrate(handle: Db): Promise<MigrationResultSet> {
  if (handle.dialect === 'sqlite') return migrateToLatest(handle.db);
  return withSessionLock(handle.pool, MIGRATION_LOCK, () => migrateToLatest(handle.db));
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  return migrator.migrateToLatest();
}

/** Names of the migrations this build knows that the database has not run (empty: current). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
