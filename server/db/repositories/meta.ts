import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '../connection.js';
import type { Database } from '../schema.js';

/**
 * The current data version (bumped by every transaction that changes observations or targets).
 * It is asked on every goal request, so it must cost microseconds, not a Kysely round trip:
 * SQLite reads it through the raw handle with a cached prepared statement; PostgreSQL answers
 * from the mirror that `syncDataVersion` keeps current (every API request refreshes it first).
 */
export function createDataVersionReader(db: Db): () => string {
  if (db.dialect === 'postgres') {
    const mirror = db.dataVersion;
    return () => mirror.value;
  }
  const stmt = db.sqlite.prepare<[string], string>('select value from meta where key = ?').pluck();
  return () => stmt.get('data_version') ?? '0';
}

/**
 * PostgreSQL: reads meta.data_version into the mirror, so that this instance's caches turn over
 * after an import in any instance. Concurrent callers share one query. SQLite: nothing to do (the
 * reader asks the file itself).
 */
export function syncDataVersion(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') return Promise.resolve();
  const mirror = db.dataVersion;
  mirror.inflight ??= db.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'data_version')
    .executeTakeFirst()
    .then((row) => {
      mirror.value = row?.value ?? '0';
      return mirror.value;
    })
    .finally(() => {
      mirror.inflight = null;
    });
  return mirror.inflight.then(() => undefined);
}

/** Increments meta.data_version inside `trx` (call it in the transaction that changes data). */
export async function bumpDataVersion(trx: Kysely<Database> | Transaction<Database>): Promise<string> {
  const row = await trx
    .updateTable('meta')
    .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)` })
    .where('key', '=', 'data_version')
    .returning('value')
    .executeTakeFirst();
  if (row) return row.value;
  await trx.insertInto('meta').values({ key: 'data_version', value: '1' }).execute();
  return '1';
}

/** The data version as a number (the ETL's import summary). */
export async function readDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const n = Number(await getDataVersion(db));
  return Number.isFinite(n) ? n : 0;
}

/** meta.data_version through Kysely (for reads inside a transaction); '0' when never bumped. */
export async function getDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'data_version')
    .executeTakeFirst();
  return row?.value ?? '0';
}
