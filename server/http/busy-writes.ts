/**
 * Writes wait for a database busy with an import — asynchronously, for DB_BUSY_WAIT_MS — before
 * their handler runs; past that they answer 503 with Retry-After (see server/db/busy.ts and the
 * error handler). Reads pass straight through: in WAL mode they never wait for a writer.
 */
import type { MiddlewareHandler } from 'hono';
import { waitForWrite } from '../db/busy.js';
import type { Db } from '../db/connection.js';
import type { AppEnv } from './env.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `skip`: paths with their own answer to a running import (POST /api/imports says 409 at once).
 */
export function waitForWritableDb(db: Db, skip: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  // PostgreSQL: row locks, no database-wide write lock to wait for; the pg driver never blocks the loop.
  if (db.dialect !== 'sqlite') return (_c, next) => next();
  const { sqlite } = db;
  const probe = () => {
    // Nothing to probe inside an open transaction of this connection, nor for an in-memory database.
    if (sqlite.inTransaction || sqlite.memory) return;
    // Takes the write lock and gives it back at once; SQLITE_BUSY (no busy timeout) if an import
    // of another thread or process holds it.
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
  };
  return async (c, next) => {
    if (!READS.has(c.req.method) && !skip(c.req.path)) await waitForWrite(probe);
    await next();
  };
}
