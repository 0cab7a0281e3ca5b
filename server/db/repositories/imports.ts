import type { Kysely } from 'kysely';
import type { Database, ImportedFileStatus, ImportRunStatus, ImportTrigger } from '../schema.js';
import { childrenByParent } from './children.js';

export interface ImportFileInfo {
  id: number;
  path: string;
  sha256: string;
  size: number;
  status: ImportedFileStatus;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  error: string | null;
  sample: boolean;
  importedAt: string;
}

export interface ImportRunInfo {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  trigger: ImportTrigger;
  status: ImportRunStatus;
  filesCount: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  error: string | null;
  /** Who uploaded or started it (null: schedule, CLI, start-up). */
  startedBy: string | null;
  files: ImportFileInfo[];
}

/** The newest `limit` import runs with their files, newest first. */
export async function listImportRuns(db: Kysely<Database>, limit: number): Promise<ImportRunInfo[]> {
  const runs = await db
    .selectFrom('import_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const byRun = await childrenByParent(
    db,
    { table: 'imported_files', parent: 'run_id' },
    runs.map((r) => r.id),
    (f): ImportFileInfo => ({
      id: f.id,
      path: f.path,
      sha256: f.sha256,
      size: f.size,
      status: f.status,
      rowsInserted: f.rows_inserted,
      rowsUpdated: f.rows_updated,
      rowsUnchanged: f.rows_unchanged,
      error: f.error,
      sample: f.sample === 1,
      importedAt: f.imported_at,
    }),
  );
  return runs.map((r) => ({
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    trigger: r.trigger,
    status: r.status,
    filesCount: r.files_count,
    rowsInserted: r.rows_inserted,
    rowsUpdated: r.rows_updated,
    rowsUnchanged: r.rows_unchanged,
    error: r.error,
    startedBy: r.started_by,
    files: byRun.get(r.id) ?? [],
  }));
}

/** The last finished import run (any status but 'running'). */
export async function lastFinishedImport(
  db: Kysely<Database>,
): Promise<{ finishedAt: string; status: ImportRunStatus } | null> {
  const row = await db
    .selectFrom('import_runs')
    .select(['finished_at', 'status'])
    .where('finished_at', 'is not', null)
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.finished_at ? { finishedAt: row.finished_at, status: row.status } : null;
}

/** Names the person who started a run (after the ETL created it). */
export async function setImportRunStartedBy(
  db: Kysely<Database>,
  runId: number,
  by: string | null,
): Promise<void> {
  await db.updateTable('import_runs').set({ started_by: by }).where('id', '=', runId).execute();
}
