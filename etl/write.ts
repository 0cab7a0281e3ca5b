/**
 * Writes one validated file in ONE synchronous better-sqlite3 transaction: the imported_files
 * row, new regions, inserted/updated observations with their revisions, and the data_version
 * bump. Either all of it lands or (on error or crash) none of it.
 */

import type SqliteDatabase from 'better-sqlite3';
import { bumpDataVersionSync } from '../server/db/repositories/meta.js';
import { FLAG_CODES, GENDER_CODES, type ObservationRows } from './rows.js';
import { monthString } from './values.js';

export interface WriteContext {
  runId: number;
  path: string;
  sha256: string;
  size: number;
  sample: { asOf: string } | null;
  now: string;
  onProgress?: (written: number, total: number) => void;
  /** Runs inside the transaction after a data version bump (the new version as stored text). */
  afterChange?: (sqlite: SqliteDatabase.Database, dataVersion: string) => void;
}

export interface WriteResult {
  fileId: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Observations or region metadata changed (data_version was bumped). */
  changed: boolean;
}

const INSERT_BATCH = 64;

type ObsRow = [id: number, value: number | null, flag: string | null, provisional: number];

export function writeObservations(
  sqlite: SqliteDatabase.Database,
  rows: ObservationRows,
  ctx: WriteContext,
): WriteResult {
  const st = prepareStatements(sqlite);
  const tx = sqlite.transaction((): WriteResult => {
    const fileId = Number(
      st.insertFile.run(ctx.runId, ctx.path, ctx.sha256, ctx.size, ctx.sample ? 1 : 0, ctx.now)
        .lastInsertRowid,
    );
    const { regionsChanged, hasData } = writeRegions(st, rows, ctx);
    const { inserted, updated, unchanged } = writeRows(st, rows, ctx, fileId, hasData);
    st.finishFile.run(inserted, updated, unchanged, fileId);
    const changed = inserted + updated > 0 || regionsChanged;
    if (changed) {
      const version = bumpDataVersionSync(sqlite);
      ctx.afterChange?.(sqlite, version);
    }
    return { fileId, inserted, updated, unchanged, changed };
  });
  // IMMEDIATE: take the write lock at BEGIN, so a concurrent writer fails fast instead of mid-way.
  return withoutForeignKeyChecks(sqlite, () => tx.immediate());
}

/** The prepared statements of one write. */
function prepareStatements(sqlite: SqliteDatabase.Database) {
  const insertFile = sqlite.prepare(
    `insert into imported_files (run_id, path, sha256, size, status, sample, imported_at)
     values (?, ?, ?, ?, 'imported', ?, ?)`,
  );
  const finishFile = sqlite.prepare(
    'update imported_files set rows_inserted = ?, rows_updated = ?, rows_unchanged = ? where id = ?',
  );
  const getRegion = sqlite.prepare('select comparison_type, sample, sample_as_of from regions where id = ?');
  const insertRegion = sqlite.prepare(
    'insert into regions (id, name, comparison_type, sample, sample_as_of) values (?, ?, ?, ?, ?)',
  );
  const updateRegion = sqlite.prepare(
    'update regions set comparison_type = ?, sample = ?, sample_as_of = ? where id = ?',
  );
  const regionHasData = sqlite.prepare('select 1 from observations where region_id = ? limit 1').pluck();
  const insertAlias = sqlite.prepare(
    `insert into region_aliases (alias, region_id, source) values (?, ?, 'file') on conflict(alias) do nothing`,
  );
  const insertObs = sqlite.prepare(
    `insert into observations (region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at, revision_count, provisional)
     values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
  );
  // Many rows per statement: the per-call overhead of the driver is the hot path's main cost.
  const insertBatch = sqlite.prepare(
    `insert into observations (region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at, revision_count, provisional)
     values ${Array(INSERT_BATCH).fill('(?, ?, ?, ?, ?, ?, ?, ?, 0, ?)').join(', ')}`,
  );
  const findObs = sqlite
    .prepare(
      'select id, value, flag, provisional from observations where region_id = ? and indicator_code = ? and gender = ? and month = ?',
    )
    .raw();
  const updateObs = sqlite.prepare(
    `update observations set value = ?, flag = ?, provisional = ?, source_file_id = ?, loaded_at = ?, revision_count = revision_count + 1
     where id = ?`,
  );
  const insertRevision = sqlite.prepare(
    `insert into revisions (observation_id, region_id, indicator_code, gender, month, old_value, old_flag, new_value, new_flag,
       changed_at, source_file_id, import_run_id, old_provisional, new_provisional)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    insertFile,
    finishFile,
    getRegion,
    insertRegion,
    updateRegion,
    regionHasData,
    insertAlias,
    insertObs,
    insertBatch,
    findObs,
    updateObs,
    insertRevision,
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Inserts new regions and their aliases, updates changed ones; tells which regions had data before. */
function writeRegions(
  st: Statements,
  rows: ObservationRows,
  ctx: WriteContext,
): { regionsChanged: boolean; hasData: boolean[] } {
  const { getRegion, insertRegion, insertAlias, updateRegion, regionHasData } = st;
  let regionsChanged = false;
  const hasData: boolean[] = [];
  for (const r of rows.regions) {
    const sample = ctx.sample ? 1 : 0;
    const asOf = ctx.sample ? ctx.sample.asOf : null;
    const existing = getRegion.get(r.id) as
      | { comparison_type: string | null; sample: number; sample_as_of: string | null }
      | undefined;
    if (!existing) {
      insertRegion.run(r.id, r.name ?? r.id, r.comparisonType, sample, asOf);
      for (const a of r.aliases ?? []) if (a !== r.id) insertAlias.run(a, r.id);
      regionsChanged = true;
      hasData.push(false);
      continue;
    }
    for (const a of r.aliases ?? []) if (a !== r.id) insertAlias.run(a, r.id);
    const type = r.comparisonType ?? existing.comparison_type;
    if (type !== existing.comparison_type || sample !== existing.sample || asOf !== existing.sample_as_of) {
      updateRegion.run(type, sample, asOf, r.id);
      regionsChanged = true;
    }
    hasData.push(regionHasData.get(r.id) !== undefined);
  }
  return { regionsChanged, hasData };
}

/** Inserts new observations (batched where the region had none) and revises changed ones. */
function writeRows(
  st: Statements,
  rows: ObservationRows,
  ctx: WriteContext,
  fileId: number,
  hasData: readonly boolean[],
): { inserted: number; updated: number; unchanged: number } {
  const { insertObs, insertBatch, findObs, updateObs, insertRevision } = st;
  const regionIds = rows.regions.map((r) => r.id);
  const codes = rows.indicators.map((i) => i.code);
  const n = rows.length;
  const { region, indicator, gender, month, value, flag, provisional } = rows;
  const batch: (string | number | null)[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (let i = 0; i < n; i++) {
    const regionIdx = region[i] ?? 0;
    const rid = regionIds[regionIdx] ?? '';
    const code = codes[indicator[i] ?? 0] ?? '';
    const g = GENDER_CODES[gender[i] ?? 0] ?? 'total';
    const m = monthString(month[i] ?? 0);
    const f = FLAG_CODES[flag[i] ?? 0] ?? null;
    const v = f === null ? (value[i] ?? 0) : null;
    const p = provisional[i] ?? 0;
    if (!hasData[regionIdx]) {
      // Fast path: the region had no observations before this file, so every key is new
      // (the file itself has no key twice: ObservationRows drops or rejects repeats).
      batch.push(rid, code, g, m, v, f, fileId, ctx.now, p);
      if (batch.length === INSERT_BATCH * 9) {
        insertBatch.run(batch);
        batch.length = 0;
      }
      inserted++;
    } else {
      const old = findObs.get(rid, code, g, m) as ObsRow | undefined;
      if (old === undefined) {
        insertObs.run(rid, code, g, m, v, f, fileId, ctx.now, p);
        inserted++;
      } else if (old[1] === v && old[2] === f && old[3] === p) {
        unchanged++;
      } else {
        // A final value replacing a provisional one (even an equal number) is a revision too.
        updateObs.run(v, f, p, fileId, ctx.now, old[0]);
        insertRevision.run(
          old[0],
          rid,
          code,
          g,
          m,
          old[1],
          old[2],
          v,
          f,
          ctx.now,
          fileId,
          ctx.runId,
          old[3],
          p,
        );
        updated++;
      }
    }
    if (ctx.onProgress && (i + 1) % 50_000 === 0) ctx.onProgress(i + 1, n);
  }
  for (let k = 0; k < batch.length; k += 9) insertObs.run(batch.slice(k, k + 9));
  return { inserted, updated, unchanged };
}

/**
 * Runs the write with SQLite's foreign-key checks off: they cost three index lookups per
 * observation (region, indicator, file) and cannot fail here, since the transaction inserts the
 * regions and the file row itself and the indicators are validated against the table before
 * (etl/rows.ts). The pragma is per connection and cannot change inside a transaction; the write
 * is synchronous, so no other statement of this connection runs while the checks are off.
 * Measured: see docs/benchmarks.md (write path).
 */
function withoutForeignKeyChecks<T>(sqlite: SqliteDatabase.Database, write: () => T): T {
  const was = sqlite.pragma('foreign_keys', { simple: true }) === 1;
  if (!was || sqlite.inTransaction) return write();
  sqlite.pragma('foreign_keys = OFF');
  try {
    return write();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}
