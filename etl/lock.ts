/**
 * One import at a time. Two guards:
 * - in-process: a set of databases with an import in progress (keyed by file path, or by the
 *   connection for ':memory:', or by the PostgreSQL pool),
 * - cross-process, SQLite: a lock row `import_lock` in `meta`, claimed in a BEGIN IMMEDIATE
 *   transaction. A lock whose holder process is gone (same host) or whose heartbeat is older than
 *   the stale timeout is taken over, so a crashed import never blocks the next one for long.
 * - cross-instance, PostgreSQL: a session advisory lock held on its own connection for the whole
 *   import; PostgreSQL releases it when the holder's connection ends (also on kill -9).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import { z } from 'zod';
import type { Db } from '../server/db/connection.js';
import { trySessionLock } from '../server/db/dialect/postgres.js';
import { DomainError } from '../server/domain/errors.js';

/** Another import is running (the API answers 409). */
export class ImportBusyError extends DomainError {
  constructor(message = 'Ein anderer Import läuft gerade; bitte später erneut versuchen.') {
    super('import_busy', message);
    this.name = 'ImportBusyError';
  }
}

export const LOCK_KEY = 'import_lock';
/** A heartbeat older than this means the holder hung or died on another host. */
export const STALE_LOCK_MS = 30 * 60 * 1000;

const lockSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  token: z.string(),
  since: z.string(),
  heartbeat: z.string(),
});
type LockValue = z.infer<typeof lockSchema>;

const inProcessByPath = new Set<string>();
const inProcessByHandle = new WeakSet<SqliteDatabase.Database>();

/**
 * Claims the in-process guard for a database file without touching the database (the parent of
 * an import worker holds it while the worker holds the lock row). Returns the release function.
 */
export function holdInProcess(path: string): () => void {
  if (inProcessByPath.has(path)) {
    throw new ImportBusyError(
      'Ein anderer Import läuft gerade in diesem Prozess; bitte warten, bis er fertig ist.',
    );
  }
  inProcessByPath.add(path);
  return () => {
    inProcessByPath.delete(path);
  };
}

/**
 * Whether process `pid` of this host still runs. A zombie does not: an import worker whose server
 * was killed is reparented to the system's init, and an init that does not reap (a container's
 * or a micro-VM's) leaves it a zombie, which signal 0 still finds (Linux: its state in /proc).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Gone since the signal, or no /proc (not Linux: signal 0 is all there is).
    return !existsSync('/proc/self/stat');
  }
}

export interface ImportLock {
  /** Refreshes the heartbeat (call between files). */
  touch(): void;
  /** Frees the lock (await it before the next import of this process may start). */
  release(): void | Promise<void>;
}

function readLock(sqlite: SqliteDatabase.Database): LockValue | null | 'invalid' {
  const raw: unknown = sqlite.prepare('select value from meta where key = ?').pluck().get(LOCK_KEY);
  if (raw === undefined) return null;
  try {
    const parsed = lockSchema.safeParse(JSON.parse(String(raw)));
    return parsed.success ? parsed.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

function isBusyError(e: unknown): boolean {
  return e instanceof Error && 'code' in e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED');
}

/** Key of the PostgreSQL session advisory lock that serialises imports across instances. */
const PG_IMPORT_LOCK = 7_301_002;
const inProcessByPool = new WeakSet<pg.Pool>();

/** Claims the import lock of `db` or throws ImportBusyError saying who holds it. */
export async function acquireImportLock(db: Db, now: () => Date): Promise<ImportLock> {
  if (db.dialect === 'sqlite') return acquireSqliteImportLock(db.sqlite, now);
  const pool = db.pool;
  if (inProcessByPool.has(pool)) {
    throw new ImportBusyError(
      'Ein anderer Import läuft bereits in diesem Prozess; bitte warten, bis er fertig ist.',
    );
  }
  inProcessByPool.add(pool);
  let session: Awaited<ReturnType<typeof trySessionLock>>;
  try {
    session = await trySessionLock(pool, PG_IMPORT_LOCK);
  } catch (e) {
    inProcessByPool.delete(pool);
    throw e;
  }
  if (!session) {
    inProcessByPool.delete(pool);
    throw new ImportBusyError(
      'Ein anderer Import läuft bereits (in dieser oder einer anderen Instanz); bitte später erneut versuchen.',
    );
  }
  const held = session;
  let released = false;
  return {
    touch() {},
    async release() {
      if (released) return;
      released = true;
      try {
        await held.release();
      } finally {
        inProcessByPool.delete(pool);
      }
    },
  };
}

/**
 * The busy message when the lock row names another import that still runs (its process alive on
 * this host, or its heartbeat fresh); null when the row is free, ours (a leftover), dead or stale.
 */
function heldByOther(current: LockValue | null | 'invalid', now: () => Date, staleMs: number): string | null {
  if (current === null || current === 'invalid') return null;
  const host = hostname();
  const age = now().getTime() - Date.parse(current.heartbeat);
  const dead = current.host === host && current.pid !== process.pid && !processAlive(current.pid);
  const sameProcessLeftover = current.host === host && current.pid === process.pid;
  if (dead || sameProcessLeftover || age > staleMs) return null;
  return `Ein anderer Import läuft gerade (Prozess ${current.pid} auf ${current.host}, seit ${current.since}); bitte später erneut versuchen.`;
}

/**
 * Whether an import runs now on `db` (in this process, another process or another instance): the
 * busy message, or null. Only a look, claiming nothing: an import may start right after it, and
 * then the import's own claim refuses. It lets a background import answer 409 before it starts.
 */
export async function importInProgress(db: Db, now: () => Date): Promise<string | null> {
  if (db.dialect === 'postgres') {
    if (inProcessByPool.has(db.pool))
      return 'Ein anderer Import läuft bereits in diesem Prozess; bitte warten, bis er fertig ist.';
    // Advisory locks belong to a database; a bigint key shows in pg_locks as classid (high half),
    // objid (low half), objsubid 1.
    const r = await db.pool.query<{ held: boolean }>(
      `select exists (select 1 from pg_locks where locktype = 'advisory' and granted
        and database = (select oid from pg_database where datname = current_database())
        and classid = $1 and objid = $2 and objsubid = 1) as held`,
      [Math.floor(PG_IMPORT_LOCK / 2 ** 32), PG_IMPORT_LOCK % 2 ** 32],
    );
    return r.rows[0]?.held
      ? 'Ein anderer Import läuft bereits (in dieser oder einer anderen Instanz); bitte später erneut versuchen.'
      : null;
  }
  const sqlite = db.sqlite;
  if (sqlite.memory ? inProcessByHandle.has(sqlite) : inProcessByPath.has(resolve(sqlite.name))) {
    return 'Ein anderer Import läuft gerade in diesem Prozess; bitte warten, bis er fertig ist.';
  }
  return heldByOther(readLock(sqlite), now, STALE_LOCK_MS);
}

/** SQLite: claims both guards or throws ImportBusyError saying who holds the lock. */
export function acquireSqliteImportLock(
  sqlite: SqliteDatabase.Database,
  now: () => Date,
  staleMs: number = STALE_LOCK_MS,
): ImportLock {
  const memory = sqlite.memory;
  const path = resolve(sqlite.name);
  if (memory ? inProcessByHandle.has(sqlite) : inProcessByPath.has(path)) {
    throw new ImportBusyError(
      'Ein anderer Import läuft gerade in diesem Prozess; bitte warten, bis er fertig ist.',
    );
  }
  const token = randomUUID();
  const host = hostname();
  const claim = sqlite.transaction(() => {
    const held = heldByOther(readLock(sqlite), now, staleMs);
    if (held !== null) throw new ImportBusyError(held);
    const stamp = now().toISOString();
    const value: LockValue = { pid: process.pid, host, token, since: stamp, heartbeat: stamp };
    sqlite
      .prepare(
        'insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value',
      )
      .run(LOCK_KEY, JSON.stringify(value));
  });
  try {
    claim.immediate();
  } catch (e) {
    if (isBusyError(e)) {
      throw new ImportBusyError(
        'Die Datenbank wird gerade von einem anderen Import beschrieben; bitte später erneut versuchen.',
      );
    }
    throw e;
  }
  if (memory) inProcessByHandle.add(sqlite);
  else inProcessByPath.add(path);

  let released = false;
  const ours = () => {
    const current = readLock(sqlite);
    return current !== null && current !== 'invalid' && current.token === token ? current : null;
  };
  return {
    touch() {
      if (released) return;
      const current = ours();
      if (!current) return;
      sqlite
        .prepare('update meta set value = ? where key = ?')
        .run(JSON.stringify({ ...current, heartbeat: now().toISOString() }), LOCK_KEY);
    },
    release() {
      if (released) return;
      released = true;
      if (memory) inProcessByHandle.delete(sqlite);
      else inProcessByPath.delete(path);
      try {
        sqlite
          .transaction(() => {
            if (ours()) sqlite.prepare('delete from meta where key = ?').run(LOCK_KEY);
          })
          .immediate();
      } catch {
        // The row is left behind; the next claim sees it as ours-dead or stale and takes over.
      }
    },
  };
}
