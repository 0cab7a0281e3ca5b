import type { Kysely, Transaction } from 'kysely';
import type { Month } from '../../../core/vocabulary.js';
import type { Database } from '../schema.js';
import { replaceAllRows } from './replace-all.js';

export interface GoalSnapshotRow {
  regionId: string;
  year: number;
  dataMonth: Month | null;
  /** The goal objects as JSON. */
  body: string;
}

type Q = Kysely<Database> | Transaction<Database>;

/** Replaces every snapshot with `rows` under `key` (call inside a transaction). */
export async function replaceGoalSnapshots(
  db: Q,
  key: string,
  rows: readonly GoalSnapshotRow[],
): Promise<void> {
  const stored = rows.map((r) => ({
    region_id: r.regionId,
    snapshot_key: key,
    year: r.year,
    data_month: r.dataMonth,
    body: r.body,
  }));
  await replaceAllRows(db, 'goal_snapshots', stored, 200);
}

/** True when the stored snapshots were built under `key`. */
export async function hasGoalSnapshots(db: Q, key: string): Promise<boolean> {
  const row = await db.selectFrom('goal_snapshots').select('snapshot_key').limit(1).executeTakeFirst();
  return row?.snapshot_key === key;
}

/** One region's snapshot under `key`; undefined when absent or outdated. */
export async function readGoalSnapshot(
  db: Q,
  regionId: string,
  key: string,
): Promise<GoalSnapshotRow | undefined> {
  const row = await db
    .selectFrom('goal_snapshots')
    .select(['region_id', 'year', 'data_month', 'body'])
    .where('region_id', '=', regionId)
    .where('snapshot_key', '=', key)
    .executeTakeFirst();
  return row && { regionId: row.region_id, year: row.year, dataMonth: row.data_month, body: row.body };
}
