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

/**
 * Refuses fixed values neither engine stores faithfully (NaN, ±Infinity, anything not a number or
 * a text), before a row is written: checked once here for both engines, since PostgreSQL would
 * take 'NaN' into a float column without a word.
 */
export function checkFixed(fixed: BulkFixed): void {
  for (const [column, v] of Object.entries(fixed)) {
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string') {
      throw new RangeError(
        `bulk insert: the fixed value of ${column} must be a finite number or a text (got ${String(v)})`,
      );
    }
  }
}

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
