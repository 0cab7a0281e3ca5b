// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';

/**
 * Read paths that must not grow with the history (see docs/decisions/003-goal-precompute.md):
 * - `observations_region_month`: covers the goal read "one region, months m-24..m" (every
 *   column it reads is in the index, so SQLite never visits the table).
 * - `region_summaries`: per region how much data it has and its latest data month, rebuilt once
 *   per data version; /api/regions and the default period read it instead of scanning observations.
 * - `goal_snapshots`: every region's goals at its latest data month, computed once per data
 *   version (at import, or by the first server that needs them) and served from here.
 *   `snapshot_key` is the data version plus the format of the goal objects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('observations_region_month')
    .on('observations')
    .columns(['region_id', 'month', 'indicator_code', 'gender', 'value', 'flag', 'revision_count'])
    .execute();

  await db.schema
    .createTable('region_summaries')
    .addColumn('region_id', 'text', (c) => c.primaryKey())
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('observations', 'integer', (c) => c.notNull())
    .addColumn('first_month', 'text')
    .addColumn('last_month', 'text')
    .addColumn('latest_data_month', 'text')
    .addColumn('loaded_at', 'text')
    .execute();

  await db.schema
    .createTable('goal_snapshots')
    .addColumn('region_id', 'text', (c) => c.primaryKey())
    .addColumn('snapshot_key', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('data_month', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('goal_snapshots').execute();
  await db.schema.dropTable('region_summaries').execute();
  await db.schema.dropIndex('observations_region_month').execute();
}
