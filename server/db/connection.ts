import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, SqliteDialect } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/** One open database: the typed Kysely handle and the raw better-sqlite3 handle under it. */
export interface Db {
  db: Kysely<Database>;
  /** Raw handle for synchronous bulk work (the ETL's one-transaction writes, backups). */
  sqlite: SqliteDatabase.Database;
  path: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Milliseconds a writer waits for a lock held by another connection before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

/**
 * Opens (and creates) the SQLite file at `path` (or ':memory:'), sets WAL mode, foreign keys and
 * a busy timeout, and runs the migrations.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Db> {
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  if (options.migrate ?? !options.readonly) {
    const result = await migrateToLatest(db);
    if (result.error) {
      await db.destroy();
      throw result.error instanceof Error ? result.error : new Error(String(result.error));
    }
  }
  return {
    db,
    sqlite,
    path,
    async close() {
      await db.destroy(); // closes the better-sqlite3 handle too
    },
  };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  return migrator.migrateToLatest();
}
