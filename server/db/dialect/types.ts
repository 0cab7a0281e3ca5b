import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** One row for a bulk insert, in the order of the columns given. */
export type BulkRow = readonly (string | number | null)[];

/**
 * Columns whose value is the same in every row of a bulk insert (an import's file id and time):
 * written once into the statement (SQLite) or each COPY line (PostgreSQL) instead of being bound
 * per row, which cost the national file's first load about a fifth of its write.
 */
export type BulkFixed = Readonly<Record<string, string | number>>;

/** A write transaction: Kysely on the transaction's connection plus the dialect's bulk loader. */
export interface WriteTx {
  trx: Kysely<Database>;
  /**
   * Inserts many rows fast: SQLite through cached multi-row prepared statements, PostgreSQL with
   * COPY FROM STDIN. `rows` is read once; a row array may be reused between iterations. `fixed`:
   * further columns with one value for all rows.
   */
  insertRows(
    table: keyof Database & string,
    columns: readonly string[],
    rows: Iterable<BulkRow>,
    fixed?: BulkFixed,
  ): Promise<void>;
}
