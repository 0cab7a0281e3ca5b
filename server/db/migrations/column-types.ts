// Frozen in time like the migrations that use it: never imports app code.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

/**
 * The column types the migrations write once for both engines. SQLite keeps exactly the DDL it
 * always had; PostgreSQL gets identity keys and 8-byte floats (its `real` is only 4 bytes).
 */
export function columnTypes(db: Kysely<unknown>) {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    /** PostgreSQL (for the rare check that needs another function, e.g. JSON validity). */
    pg,
    /** Floating-point values (observations, targets). */
    real: pg ? ('double precision' as const) : ('real' as const),
    /** An integer primary key numbered by the database. */
    id: (c: ColumnDefinitionBuilder) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
  };
}
