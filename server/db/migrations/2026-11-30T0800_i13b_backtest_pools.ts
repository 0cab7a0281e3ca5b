// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';

/**
 * `backtest_pools`: the forecast backtest of every region (every past year and origin month: the
 * yoy3 forecast, the naive baseline and the actual December change), computed once per data
 * version and stored, so that a fresh server reads the forecast intervals' history instead of
 * recomputing it over the whole database. One row per pool (sample or real regions), indicator,
 * gender and origin month; the cases as JSON arrays in the order they were computed: `years` and
 * `errors` (actual − forecast, what the intervals need, read at start-up) and `detail` (region,
 * actual, forecast and naive baseline per case, read only for the report). `build_key` is
 * `<data_version>:<format>:<build id>`; `meta.backtest_build` names the complete build served
 * (see docs/decisions/003-goal-precompute.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backtest_pools')
    .addColumn('build_key', 'text', (c) => c.notNull())
    .addColumn('sample', 'integer', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('origin_month', 'integer', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addColumn('years', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('backtest_pools_pk', [
      'build_key',
      'sample',
      'indicator_code',
      'gender',
      'origin_month',
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('backtest_pools').execute();
}
