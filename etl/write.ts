/**
 * Writes one validated file in ONE transaction: the imported_files row, new regions,
 * inserted/updated observations with their revisions, and the data_version bump. Either all of it
 * lands or (on error or crash) none of it. Written once for both engines; the bulk inserts go
 * through the dialect's loader (SQLite: multi-row prepared statements, PostgreSQL: COPY).
 */
import type { Kysely } from 'kysely';
import { isMonth, type Month } from '../core/months.js';
import type { Gender } from '../core/vocabulary.js';
import type { Db } from '../server/db/connection.js';
import { type BulkFixed, type BulkRow, withBulkWriteTransaction } from '../server/db/dialect/index.js';
import { bumpDataVersion } from '../server/db/repositories/meta.js';
import type { Database } from '../server/db/schema.js';
import { regionKind } from './regions.js';
import { FLAG_CODES, GENDER_CODES, type ObservationRows } from './rows.js';
import { monthString } from './values.js';

export { readDataVersion } from '../server/db/repositories/meta.js';

export interface WriteContext {
  runId: number;
  path: string;
  sha256: string;
  size: number;
  sample: { asOf: string } | null;
  now: string;
  onProgress?: (written: number, total: number) => void;
  /** Runs inside the transaction after a data version bump (the new version as stored text). */
  afterChange?: (trx: Kysely<Database>, dataVersion: string) => Promise<void>;
  /** Runs last inside the transaction, before the commit (EtlDeps.beforeCommit). */
  beforeCommit?: () => void;
}

export interface WriteResult {
  fileId: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Observations or region metadata changed (data_version was bumped). */
  changed: boolean;
  /** Sample regions whose synthetic observations this file replaced (deleted before its rows). */
  replacedSample: string[];
}

/** The columns of a new observation that differ by row; the others come from `obsFixed`. */
const OBS_COLUMNS = [
  'region_id',
  'indicator_code',
  'gender',
  'month',
  'value',
  'flag',
  'provisional',
] as const;

/** The columns of a new observation that one file writes alike (see BulkFixed). */
const obsFixed = (file: { fileId: number; now: string }): BulkFixed => ({
  source_file_id: file.fileId,
  loaded_at: file.now,
  revision_count: 0,
});

const REVISION_COLUMNS = [
  'region_id',
  'indicator_code',
  'gender',
  'month',
  'old_value',
  'old_flag',
  'new_value',
  'new_flag',
  'changed_at',
  'source_file_id',
  'import_run_id',
  'old_provisional',
  'new_provisional',
] as const;

/** Row i of the file as its key and value. */
interface Decoded {
  rid: string;
  code: string;
  g: Gender;
  m: Month;
  v: number | null;
  f: string | null;
  /** 1: provisional (a BA projection). */
  p: number;
}

function decoder(rows: ObservationRows): (i: number) => Decoded {
  const regionIds = rows.regions.map((r) => r.id);
  const codes = rows.indicators.map((i) => i.code);
  const { region, indicator, gender, month, value, flag, provisional } = rows;
  return (i) => {
    const f = FLAG_CODES[flag[i] ?? 0] ?? null;
    return {
      rid: regionIds[region[i] ?? 0] ?? '',
      code: codes[indicator[i] ?? 0] ?? '',
      g: GENDER_CODES[gender[i] ?? 0] ?? 'total',
      m: monthString(month[i] ?? 0) as Month,
      v: f === null ? (value[i] ?? 0) : null,
      f,
      p: provisional[i] ?? 0,
    };
  };
}

/** Inserts new regions and updates changed metadata; returns which regions already had observations. */
async function writeRegions(
  trx: Kysely<Database>,
  rows: ObservationRows,
  ctx: WriteContext,
): Promise<{ hasData: boolean[]; changed: boolean; replacedSample: string[] }> {
  const sample = ctx.sample ? 1 : 0;
  // Checked as a month by executeImport.
  const asOf = ctx.sample && isMonth(ctx.sample.asOf) ? ctx.sample.asOf : null;
  const known = new Map(
    (
      await trx.selectFrom('regions').select(['id', 'comparison_type', 'sample', 'sample_as_of']).execute()
    ).map((r) => [r.id, r]),
  );
  const hasData: boolean[] = [];
  const replacedSample: string[] = [];
  let changed = false;
  for (const r of rows.regions) {
    const existing = known.get(r.id);
    if (!existing) {
      await trx
        .insertInto('regions')
        .values({
          id: r.id,
          name: r.name ?? r.id,
          kind: regionKind(r.id),
          comparison_type: r.comparisonType,
          sample,
          sample_as_of: asOf,
        })
        .execute();
      await writeAliases(trx, r);
      changed = true;
      hasData.push(false);
      continue;
    }
    await writeAliases(trx, r);
    // Real figures for a region of the bundled sample replace all of its synthetic ones: no real
    // month may be compared with an invented one, and nothing invented may keep counting once
    // the "Beispieldaten" label is gone. The sample's comparison type goes with them.
    const replacesSample = existing.sample === 1 && sample === 0;
    if (replacesSample) {
      await dropObservationsOf(trx, r.id);
      replacedSample.push(r.id);
    }
    const type = r.comparisonType ?? (replacesSample ? null : existing.comparison_type);
    if (type !== existing.comparison_type || sample !== existing.sample || asOf !== existing.sample_as_of) {
      await trx
        .updateTable('regions')
        .set({ comparison_type: type, sample, sample_as_of: asOf })
        .where('id', '=', r.id)
        .execute();
      changed = true;
    }
    if (replacesSample) {
      hasData.push(false);
      continue;
    }
    const any = await trx
      .selectFrom('observations')
      .select('month')
      .where('region_id', '=', r.id)
      .limit(1)
      .execute();
    hasData.push(any.length > 0);
  }
  return { hasData, changed, replacedSample };
}

/** Deletes a region's observations and their revisions (the synthetic history of a sample region). */
async function dropObservationsOf(trx: Kysely<Database>, regionId: string): Promise<void> {
  await trx.deleteFrom('revisions').where('region_id', '=', regionId).execute();
  await trx.deleteFrom('observations').where('region_id', '=', regionId).execute();
}

/** Other keys of the region named in the file (the BA Jobcenter id beside the Kreis key). */
async function writeAliases(trx: Kysely<Database>, r: ObservationRows['regions'][number]): Promise<void> {
  const aliases = (r.aliases ?? []).filter((a) => a !== r.id);
  if (aliases.length === 0) return;
  await trx
    .insertInto('region_aliases')
    .values(aliases.map((alias) => ({ alias, region_id: r.id, source: 'file' })))
    .onConflict((oc) => oc.column('alias').doNothing())
    .execute();
}

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * A region that had observations before: compares each row with the stored one; new keys are
 * inserted, changed values updated with a revision row, equal ones counted as unchanged.
 */
async function mergeRegion(
  tx: {
    trx: Kysely<Database>;
    insertRows: (
      t: 'observations' | 'revisions',
      c: readonly string[],
      r: Iterable<BulkRow>,
      fixed?: BulkFixed,
    ) => Promise<void>;
  },
  regionId: string,
  indices: readonly number[],
  decode: (i: number) => Decoded,
  ctx: WriteContext & { fileId: number },
  counts: Counts,
): Promise<void> {
  const stored = new Map<string, { value: number | null; flag: string | null; provisional: number }>();
  const old = await tx.trx
    .selectFrom('observations')
    .select(['indicator_code', 'gender', 'month', 'value', 'flag', 'provisional'])
    .where('region_id', '=', regionId)
    .execute();
  for (const o of old) stored.set(`${o.indicator_code}|${o.gender}|${o.month}`, o);
  const inserts: BulkRow[] = [];
  const revisions: BulkRow[] = [];
  for (const i of indices) {
    const d = decode(i);
    const before = stored.get(`${d.code}|${d.g}|${d.m}`);
    if (before === undefined) {
      inserts.push([d.rid, d.code, d.g, d.m, d.v, d.f, d.p]);
      counts.inserted++;
    } else if (before.value === d.v && before.flag === d.f && before.provisional === d.p) {
      counts.unchanged++;
    } else {
      await tx.trx
        .updateTable('observations')
        .set((eb) => ({
          value: d.v,
          flag: d.f as never,
          provisional: d.p,
          source_file_id: ctx.fileId,
          loaded_at: ctx.now,
          revision_count: eb('revision_count', '+', 1),
        }))
        // The observation's key (SQLite: its primary key; PostgreSQL: observations_key).
        .where('region_id', '=', d.rid)
        .where('month', '=', d.m)
        .where('indicator_code', '=', d.code)
        .where('gender', '=', d.g)
        .execute();
      revisions.push([
        d.rid,
        d.code,
        d.g,
        d.m,
        before.value,
        before.flag,
        d.v,
        d.f,
        ctx.now,
        ctx.fileId,
        ctx.runId,
        before.provisional,
        d.p,
      ]);
      counts.updated++;
    }
  }
  if (inserts.length > 0) await tx.insertRows('observations', OBS_COLUMNS, inserts, obsFixed(ctx));
  if (revisions.length > 0) await tx.insertRows('revisions', REVISION_COLUMNS, revisions);
}

export async function writeObservations(
  db: Db,
  rows: ObservationRows,
  ctx: WriteContext,
): Promise<WriteResult> {
  // Bulk: the keys were validated (etl/rows.ts); the regions and the file row are written here.
  return withBulkWriteTransaction(db, async (tx) => {
    const { trx } = tx;
    const file = await trx
      .insertInto('imported_files')
      .values({
        run_id: ctx.runId,
        path: ctx.path,
        sha256: ctx.sha256,
        size: ctx.size,
        status: 'imported',
        rows_inserted: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        error: null,
        sample: ctx.sample ? 1 : 0,
        imported_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const fileId = file.id;
    const regions = await writeRegions(trx, rows, ctx);
    const decode = decoder(rows);
    const n = rows.length;
    const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
    let done = 0;
    const progress = () => {
      done++;
      if (ctx.onProgress && done % 50_000 === 0) ctx.onProgress(done, n);
    };

    // Regions without observations before this file: every key is new (the file itself has no
    // key twice: ObservationRows drops or rejects repeats), so they stream straight into the bulk
    // loader. The other regions are merged one at a time.
    const merge = new Map<number, number[]>();
    const fresh = freshRows(rows, regions.hasData, merge, () => {
      counts.inserted++;
      progress();
    });
    await tx.insertRows('observations', OBS_COLUMNS, fresh, obsFixed({ fileId, now: ctx.now }));
    for (const [regionIdx, indices] of merge) {
      await mergeRegion(tx, rows.regions[regionIdx]?.id ?? '', indices, decode, { ...ctx, fileId }, counts);
      for (let k = 0; k < indices.length; k++) progress();
    }

    await trx
      .updateTable('imported_files')
      .set({ rows_inserted: counts.inserted, rows_updated: counts.updated, rows_unchanged: counts.unchanged })
      .where('id', '=', fileId)
      .execute();
    const changed = counts.inserted + counts.updated > 0 || regions.changed;
    if (changed) {
      const version = await bumpDataVersion(trx);
      await ctx.afterChange?.(trx, version);
    }
    ctx.beforeCommit?.();
    return { fileId, ...counts, changed, replacedSample: regions.replacedSample };
  });
}

/**
 * The rows of regions without observations before this file, as observation rows (one array,
 * refilled per row: no object per row); every key is new, since the file itself has no key
 * twice. The rows of the other regions are collected in `merge` by region.
 */
function* freshRows(
  rows: ObservationRows,
  hasData: readonly boolean[],
  merge: Map<number, number[]>,
  onRow: () => void,
): Generator<BulkRow> {
  const regionIds = rows.regions.map((r) => r.id);
  const codes = rows.indicators.map((i) => i.code);
  const { region, indicator, gender, month, value, flag, provisional } = rows;
  // In the order of OBS_COLUMNS.
  const row: (string | number | null)[] = ['', '', '', '', null, null, 0];
  for (let i = 0; i < rows.length; i++) {
    const regionIdx = region[i] ?? 0;
    if (hasData[regionIdx]) {
      const list = merge.get(regionIdx);
      if (list) list.push(i);
      else merge.set(regionIdx, [i]);
      continue;
    }
    const f = FLAG_CODES[flag[i] ?? 0] ?? null;
    row[0] = regionIds[regionIdx] ?? '';
    row[1] = codes[indicator[i] ?? 0] ?? '';
    row[2] = GENDER_CODES[gender[i] ?? 0] ?? 'total';
    row[3] = monthString(month[i] ?? 0);
    row[4] = f === null ? (value[i] ?? 0) : null;
    row[5] = f;
    row[6] = provisional[i] ?? 0;
    onRow();
    yield row;
  }
}
