import type { Kysely } from 'kysely';
import { isMonth, type Month } from '../../../core/months.js';
import type { Db } from '../connection.js';
import type { Database, Gender, ValueFlag } from '../schema.js';

/** What a month holds in a series (`SeriesColumns.states`); bit 3 set: the value was revised. */
export const OBS_ABSENT = 0;
export const OBS_VALUE = 1;
/** A marker instead of a number: `*`, `-`, `X` (the value is NULL). */
export const OBS_FLAG: Readonly<Record<ValueFlag, number>> = { '*': 2, '-': 3, X: 4 };
export const OBS_REVISED = 8;
/** Bit 4 set: the value is provisional (a BA projection). */
export const OBS_PROVISIONAL = 16;

/**
 * One series of a region (an indicator for a gender), aligned with `RegionObservations.months`:
 * position i holds month i. Typed arrays, not an object per month: a national load keeps the
 * series of many regions in memory, and building them is on the path of every cold request.
 */
export interface SeriesColumns {
  indicator: string;
  gender: Gender;
  /** The value, NaN where the month is absent or holds a marker. */
  values: Float64Array;
  /** OBS_ABSENT, OBS_VALUE or an OBS_FLAG code, plus OBS_REVISED and OBS_PROVISIONAL. */
  states: Uint8Array;
}

export interface RegionObservations {
  /** Every month with any observation of the region, ascending ('YYYY-MM'). */
  months: Month[];
  series: SeriesColumns[];
  /** Latest loaded_at of the region's observations (ISO-8601), null without data. */
  loadedAt: string | null;
}

const isGender = (v: unknown): v is Gender => v === 'total' || v === 'female' || v === 'male';

function parseArray(text: unknown, what: string): unknown[] {
  const parsed: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
  if (!Array.isArray(parsed)) throw new Error(`observations: ${what} is not an array`);
  return parsed;
}

function monthsOf(text: string): Month[] {
  const months: Month[] = [];
  for (const m of parseArray(text, 'month')) {
    if (!isMonth(m)) throw new Error('observations: unexpected month');
    months.push(m);
  }
  return months;
}

/**
 * Reads every observation of a region (all indicators and genders) in one query. This is the bulk
 * read behind every cache fill (404 of them for a national load). better-sqlite3 spends most of
 * its time creating one JS value per row and column (measured: plain `.raw()` rows take twice as
 * long), so SQLite aggregates each series into JSON arrays (one row per indicator and gender);
 * marker and revision are folded into one small integer per month in SQL. Series usually share
 * one month list: an identical JSON text is parsed once.
 */
export function createRegionObservationsReader(
  db: Db,
): (regionId: string) => RegionObservations | Promise<RegionObservations> {
  const state = `case flag when '*' then ${OBS_FLAG['*']} when '-' then ${OBS_FLAG['-']}
                           when 'X' then ${OBS_FLAG.X} else ${OBS_VALUE} end
                 | (case when revision_count > 0 then ${OBS_REVISED} else 0 end)
                 | (case when provisional = 1 then ${OBS_PROVISIONAL} else 0 end)`;
  if (db.dialect === 'postgres') {
    // The same shape from PostgreSQL: JSON texts of each series, months in order.
    const text = `select indicator_code, gender, json_agg(month order by month)::text,
              json_agg(value order by month)::text, json_agg((${state}) order by month)::text, max(loaded_at)
         from observations where region_id = $1 group by indicator_code, gender`;
    return async (regionId) => {
      const result = await db.pool.query<unknown[]>({ text, values: [regionId], rowMode: 'array' });
      return toRegionObservations(result.rows);
    };
  }
  const stmt = db.sqlite
    .prepare<[string], unknown[]>(
      // Months in order whatever plan SQLite picks (the key leads with region and month, so the
      // groups come from a temporary B-tree, whose order within a group is not promised).
      `select indicator_code, gender, json_group_array(month order by month),
              json_group_array(value order by month), json_group_array(${state} order by month),
              max(loaded_at)
         from observations where region_id = ? group by indicator_code, gender`,
    )
    .raw();
  return (regionId) => toRegionObservations(stmt.all(regionId));
}

/** Series rows (indicator, gender, JSON months, JSON values, JSON states, loaded_at) as columns. */
function toRegionObservations(rows: unknown[][]): RegionObservations {
  let loadedAt: string | null = null;
  // Pass 1: the month lists (parsed once per distinct JSON text) and their union.
  const monthLists = new Map<string, Month[]>();
  for (const row of rows) {
    const text = row[2];
    if (typeof text !== 'string') throw new Error('observations: unexpected month list');
    if (!monthLists.has(text)) monthLists.set(text, monthsOf(text));
    const loaded = row[5];
    if (typeof loaded === 'string' && (loadedAt === null || loaded > loadedAt)) loadedAt = loaded;
  }
  let months: Month[];
  if (monthLists.size === 1) {
    months = [...monthLists.values()][0] ?? [];
  } else {
    const all = new Set<Month>();
    for (const list of monthLists.values()) for (const m of list) all.add(m);
    // 'YYYY-MM' sorts as text in calendar order.
    months = [...all].sort();
  }
  const position = new Map<string, number>();
  for (let i = 0; i < months.length; i++) position.set(months[i] ?? '', i);

  // Pass 2: values and states, aligned with `months`.
  const series: SeriesColumns[] = [];
  for (const [indicator, gender, monthText, valueText, stateText] of rows) {
    if (typeof indicator !== 'string' || !isGender(gender) || typeof monthText !== 'string')
      throw new Error('observations: unexpected series key');
    const own = monthLists.get(monthText) ?? [];
    const vals = parseArray(valueText, 'value');
    const codes = parseArray(stateText, 'state');
    if (vals.length !== own.length || codes.length !== own.length)
      throw new Error(`observations: ragged series ${indicator}/${gender}`);
    const values = new Float64Array(months.length).fill(Number.NaN);
    const states = new Uint8Array(months.length);
    const aligned = own === months;
    for (let k = 0; k < own.length; k++) {
      const i = aligned ? k : (position.get(own[k] ?? '') ?? -1);
      const v = vals[k];
      const code = codes[k];
      if (i < 0 || typeof code !== 'number' || !(v === null || typeof v === 'number'))
        throw new Error(`observations: unexpected value in series ${indicator}/${gender}`);
      values[i] = v ?? Number.NaN;
      states[i] = code;
    }
    series.push({ indicator, gender, values, states });
  }
  return { months, series, loadedAt };
}

/**
 * Reads the months `from`..`to` of one region (every indicator and gender): the goal read, which
 * needs about 25 months, not the whole history. SQLite's table is keyed (region_id, month, …)
 * and PostgreSQL's covering index `observations_region_month` leads with the same columns, so the
 * read is one range of one B-tree and its cost follows the window, not the history. `loadedAt` is
 * left null (the region summary carries it).
 */
export async function readRegionWindow(
  db: Kysely<Database>,
  regionId: string,
  from: Month,
  to: Month,
): Promise<RegionObservations> {
  const rows = await db
    .selectFrom('observations')
    .select(['month', 'indicator_code', 'gender', 'value', 'flag', 'revision_count', 'provisional'])
    .where('region_id', '=', regionId)
    .where('month', '>=', from)
    .where('month', '<=', to)
    .orderBy('month')
    .execute();
  const months: Month[] = [];
  for (const r of rows) if (months.at(-1) !== r.month) months.push(r.month);
  const position = new Map<Month, number>();
  for (const [i, m] of months.entries()) position.set(m, i);
  const byKey = new Map<string, SeriesColumns>();
  for (const r of rows) {
    const key = `${r.indicator_code}|${r.gender}`;
    let s = byKey.get(key);
    if (!s) {
      s = {
        indicator: r.indicator_code,
        gender: r.gender,
        values: new Float64Array(months.length).fill(Number.NaN),
        states: new Uint8Array(months.length),
      };
      byKey.set(key, s);
    }
    const i = position.get(r.month) ?? 0;
    s.values[i] = r.value ?? Number.NaN;
    s.states[i] =
      (r.flag === null ? OBS_VALUE : OBS_FLAG[r.flag]) |
      (r.revision_count > 0 ? OBS_REVISED : 0) |
      (r.provisional === 1 ? OBS_PROVISIONAL : 0);
  }
  return { months, series: [...byKey.values()], loadedAt: null };
}

/**
 * The values of `codes` (gender total) at one month for many regions, by region and code: the
 * Vergleichstyp comparison reads all members of a type at once (covering index, one seek each).
 */
export async function readTotalsAt(
  db: Kysely<Database>,
  regionIds: readonly string[],
  month: Month,
  codes: readonly string[],
): Promise<Map<string, Map<string, number | null>>> {
  const out = new Map<string, Map<string, number | null>>();
  if (regionIds.length === 0 || codes.length === 0) return out;
  const rows = await db
    .selectFrom('observations')
    .select(['region_id', 'indicator_code', 'value'])
    .where('region_id', 'in', [...regionIds])
    .where('month', '=', month)
    .where('indicator_code', 'in', [...codes])
    .where('gender', '=', 'total')
    .execute();
  for (const r of rows) {
    let m = out.get(r.region_id);
    if (!m) {
      m = new Map();
      out.set(r.region_id, m);
    }
    m.set(r.indicator_code, r.value);
  }
  return out;
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
  filter: { region: string; month: Month; indicator?: string | undefined; gender?: Gender | undefined },
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
