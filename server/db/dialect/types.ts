import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** One row for a bulk insert, in the order of the columns given. */
export type BulkRow = readonly (string | number | null)[];

/** A write transaction: Kysely on the transaction's connection plus the dialect's bulk loader. */
export interface WriteTx {
  trx: Kysely<Database>;
  /**
   * Inserts many rows fast: SQLite through cached multi-row prepared statements, PostgreSQL with
   * COPY FROM STDIN. `rows` is read once; a row array may be reused between iterations.
   */
  insertRows(
    table: keyof Database & string,
    columns: readonly string[],
    rows: Iterable<BulkRow>,
  ): Promise<void>;
}
