import type { Kysely } from 'kysely';
import type { Db } from '../connection.js';
import type { Database, Gender, ValueFlag } from '../schema.js';

/** One observation as the goal service needs it. */
export interface ObservationRow {
  indicator_code: string;
  gender: Gender;
  month: string;
  value: number | null;
  flag: ValueFlag | null;
  revision_count: number;
  loaded_at: string;
}

/**
 * Every observation of a region (all indicators and genders) in one query. Uses a prepared raw
 * statement: this is the bulk read behind every cache fill (and 404 of them for a national load).
 */
export function createRegionObservationsReader(db: Db): (regionId: string) => ObservationRow[] {
  const stmt = db.sqlite.prepare<[string], ObservationRow>(
    `select indicator_code, gender, month, value, flag, revision_count, loaded_at
       from observations where region_id = ?`,
  );
  return (regionId) => stmt.all(regionId);
}

export interface RevisionItem {
  id: number;
  region: string;
  indicator: string;
  gender: Gender;
  month: string;
  oldValue: number | null;
  oldFlag: ValueFlag | null;
  newValue: number | null;
  newFlag: ValueFlag | null;
  changedAt: string;
  sourceFile: string | null;
  importRunId: number | null;
}

/** The revision history of a month, newest first. */
export async function listRevisions(
  db: Kysely<Database>,
  filter: { region: string; month: string; indicator?: string | undefined; gender?: Gender | undefined },
): Promise<RevisionItem[]> {
  let q = db
    .selectFrom('revisions as r')
    .leftJoin('imported_files as f', 'f.id', 'r.source_file_id')
    .select([
      'r.id',
      'r.region_id',
      'r.indicator_code',
      'r.gender',
      'r.month',
      'r.old_value',
      'r.old_flag',
      'r.new_value',
      'r.new_flag',
      'r.changed_at',
      'f.path as source_file',
      'r.import_run_id',
    ])
    .where('r.region_id', '=', filter.region)
    .where('r.month', '=', filter.month);
  if (filter.indicator !== undefined) q = q.where('r.indicator_code', '=', filter.indicator);
  if (filter.gender !== undefined) q = q.where('r.gender', '=', filter.gender);
  const rows = await q.orderBy('r.changed_at', 'desc').orderBy('r.id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    region: r.region_id,
    indicator: r.indicator_code,
    gender: r.gender,
    month: r.month,
    oldValue: r.old_value,
    oldFlag: r.old_flag,
    newValue: r.new_value,
    newFlag: r.new_flag,
    changedAt: r.changed_at,
    sourceFile: r.source_file,
    importRunId: r.import_run_id,
  }));
}
