/**
 * PostgreSQL-only SQL: bulk loading with COPY FROM STDIN, transactions pinned to one pool client,
 * and session advisory locks (migrations, imports, the schedule/alert leader).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import type pg from 'pg';
import type { Database } from '../schema.js';
import { type BulkFixed, type BulkRow, checkFixed, type WriteTx } from './types.js';

/** A Kysely handle on one checked-out client (the transaction's connection). */
function kyselyOn(client: pg.PoolClient): Kysely<Database> {
  const pool: PostgresPool = {
    connect: async () => ({
      query: client.query.bind(client) as never,
      release: () => undefined,
    }),
    end: async () => undefined,
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** One COPY text-format field. */
function copyField(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

const CHUNK_CHARS = 256 * 1024;

function* copyChunks(rows: Iterable<BulkRow>, fixed: readonly (string | number)[]): Generator<string> {
  // The fixed columns end every line alike.
  const tail = fixed.map((v) => `\t${copyField(v)}`).join('');
  let chunk = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + copyField(row[i] ?? null);
    chunk += `${line}${tail}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** COPY … FROM STDIN of `rows` into `table` on the transaction's client. */
async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<BulkRow>,
  fixed: BulkFixed = {},
): Promise<void> {
  checkFixed(fixed);
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  // Loaded on first use: a SQLite process (the ETL command line) never pays for it.
  const { from: copyFrom } = await import('pg-copy-streams');
  const all = [...columns, ...Object.keys(fixed)];
  const stream = client.query(copyFrom(`COPY ${ident(table)} (${all.map(ident).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(copyChunks(rows, Object.values(fixed))), stream);
}

/** Runs `fn` in one transaction on one client: all of it commits, or none of it. */
export async function pgWriteTransaction<T>(pool: pg.Pool, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection error between two statements surfaces in the next query; do not crash on it.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const trx = kyselyOn(client);
    const result = await fn({
      trx,
      insertRows: (table, columns, rows, fixed) => copyRows(client, table, columns, rows, fixed),
    });
    await client.query('commit');
    return result;
  } catch (e) {
    try {
      await client.query('rollback');
    } catch {
      broken = true;
    }
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** A session advisory lock held on its own connection until `release()` (or until the process dies). */
export interface SessionLock {
  release(): Promise<void>;
}

/** Takes the session advisory lock `key` without waiting; null when another session holds it. */
export async function trySessionLock(pool: pg.Pool, key: number): Promise<SessionLock | null> {
  const client = await pool.connect();
  let ok = false;
  try {
    const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]);
    ok = r.rows[0]?.ok === true;
  } finally {
    if (!ok) client.release();
  }
  if (!ok) return null;
  let released = false;
  // The connection may die while the lock is held (server restart, terminated backend): the lock
  // is gone with it; drop the client instead of letting its error crash the process.
  client.on('error', (err) => {
    if (released) return;
    released = true;
    client.release(err);
  });
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query('select pg_advisory_unlock($1)', [key]);
        client.release();
      } catch (e) {
        // The connection is gone, and the lock with it: drop the client from the pool.
        client.release(e instanceof Error ? e : true);
      }
    },
  };
}

/** Runs `fn` holding the session advisory lock `key`, waiting for it when another session holds it. */
export async function withSessionLock<T>(pool: pg.Pool, key: number, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}
