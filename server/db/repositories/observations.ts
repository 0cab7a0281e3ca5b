import type { Kysely } from 'kysely';
import type { Db } from '../connection.js';
import type { Database, Gender, ValueFlag } from '../schema.js';

/** One series of a region (an indicator for a gender) as parallel arrays, month by month. */
export interface SeriesColumns {
  indicator: string;
  gender: Gender;
  months: string[];
  values: (number | null)[];
  flags: (ValueFlag | null)[];
  revisionCounts: number[];
}

export interface RegionObservations {
  series: SeriesColumns[];
  /** Latest loaded_at of the region's observations (ISO-8601), null without data. */
  loadedAt: string | null;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isNumberOrNull = (v: unknown): v is number | null => v === null || typeof v === 'number';
const isFlag = (v: unknown): v is ValueFlag | null => v === null || v === '*' || v === '-' || v === 'X';
const isGender = (v: unknown): v is Gender => v === 'total' || v === 'female' || v === 'male';

/** Parses a JSON array produced by SQLite and checks every element (cheaply: this runs per row). */
function jsonArray<T>(text: unknown, guard: (v: unknown) => v is T, what: string): T[] {
  const parsed: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
  if (!Array.isArray(parsed) || !parsed.every(guard))
    throw new Error(`observations: unexpected ${what} in series`);
  return parsed;
}

/**
 * Reads every observation of a region (all indicators and genders) in one query. This is the bulk
 * read behind every cache fill (404 of them for a national load). better-sqlite3 spends most of
 * its time creating one JS object per row, so SQLite aggregates each series into JSON arrays (one
 * row per indicator and gender) which JSON.parse turns into arrays far faster.
 */
export function createRegionObservationsReader(db: Db): (regionId: string) => RegionObservations {
  const stmt = db.sqlite
    .prepare<[string], unknown[]>(
      `select indicator_code, gender, json_group_array(month), json_group_array(value),
              json_group_array(flag), json_group_array(revision_count), max(loaded_at)
         from observations where region_id = ? group by indicator_code, gender`,
    )
    .raw();
  return (regionId) => {
    const series: SeriesColumns[] = [];
    let loadedAt: string | null = null;
    for (const [indicator, gender, months, values, flags, counts, loaded] of stmt.all(regionId)) {
      if (!isString(indicator) || !isGender(gender)) throw new Error('observations: unexpected series key');
      series.push({
        indicator,
        gender,
        months: jsonArray(months, isString, 'month'),
        values: jsonArray(values, isNumberOrNull, 'value'),
        flags: jsonArray(flags, isFlag, 'flag'),
        revisionCounts: jsonArray(counts, isNumber, 'revision count'),
      });
      if (isString(loaded) && (loadedAt === null || loaded > loadedAt)) loadedAt = loaded;
    }
    return { series, loadedAt };
  };
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
