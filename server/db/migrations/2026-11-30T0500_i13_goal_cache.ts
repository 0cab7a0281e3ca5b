// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

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
  await runDdl(
    db,
    `create index observations_region_month
       on observations (region_id, month, indicator_code, gender, value, flag, revision_count);
    create table region_summaries (
      region_id text primary key, data_version text not null, observations integer not null,
      first_month text, last_month text, latest_data_month text, loaded_at text
    );
    create table goal_snapshots (
      region_id text primary key, snapshot_key text not null, year integer not null, data_month text,
      body text not null
    );`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    'drop table goal_snapshots; drop table region_summaries; drop index observations_region_month;',
  );
}
