import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '../connection.js';
import type { Database } from '../schema.js';

/**
 * The current data version (bumped by every transaction that changes observations or targets).
 * Read through the raw handle with a cached prepared statement: it is asked on every goal request,
 * so it must cost microseconds, not a Kysely round trip.
 */
export function createDataVersionReader(db: Db): () => string {
  const stmt = db.sqlite.prepare<[string], string>('select value from meta where key = ?').pluck();
  return () => stmt.get('data_version') ?? '0';
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

/** meta.data_version through Kysely (for reads inside a transaction); '0' when never bumped. */
export async function getDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'data_version')
    .executeTakeFirst();
  return row?.value ?? '0';
}
