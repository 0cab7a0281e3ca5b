/** Derived tables rebuilt whole: every row deleted, the new rows inserted in chunks. */
import type { InsertObject, Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Replaces every row of `table` with `rows` (call inside a transaction). Chunks keep each insert
 * under the bound-parameter limits of SQLite and PostgreSQL.
 */
export async function replaceAllRows<T extends keyof Database & string>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: readonly InsertObject<Database, T>[],
  chunkSize: number,
): Promise<void> {
  await db.deleteFrom(table).execute();
  for (let i = 0; i < rows.length; i += chunkSize) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunkSize))
      .execute();
  }
}
