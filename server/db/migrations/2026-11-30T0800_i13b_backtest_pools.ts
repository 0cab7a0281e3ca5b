// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

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
  await runDdl(
    db,
    `create table backtest_pools (
      build_key text not null, sample integer not null, indicator_code text not null,
      gender text not null, origin_month integer not null, cases integer not null,
      years text not null, errors text not null, detail text not null,
      constraint backtest_pools_pk primary key (build_key, sample, indicator_code, gender, origin_month)
    )`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, 'drop table backtest_pools');
}
