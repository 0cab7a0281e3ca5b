/**
 * The one import pipeline behind runImport (CLI, schedule, API upload, first-start seeding):
 * lock → run row → per file: read, checksum, skip if known, parse + validate whole, write in one
 * transaction (or record the rejection) → finish run row → log → afterImport.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { syncDataVersion } from '../server/db/repositories/meta.js';
import type { ImportRunStatus } from '../server/db/schema.js';
import { isMonth } from '../server/domain/months.js';
import { DEFAULT_FETCH_OPTIONS, fetchWithRetry, safeNameFromUrl } from './fetch.js';
import { acquireImportLock } from './lock.js';
import { parseFile } from './parse.js';
import { IndicatorCatalog, type IndicatorInfo } from './rows.js';
import {
  type EtlDeps,
  FileRejection,
  type FileResult,
  formatImportError,
  type ImportErrorInfo,
  type ImportOptions,
  type ImportSource,
  type ImportSummary,
} from './types.js';
import { readDataVersion, writeObservations } from './write.js';

/** A source ready to be read: how it is named in results and how to get its bytes. */
export interface PreparedSource {
  /** Path, URL or upload name, as stored in imported_files.path. */
  label: string;
  /** A plain file name (for format hints and archive names). */
  name: string;
  load(): Promise<Uint8Array>;
}

/** Progress of one file; each phase starts with an event with `rows: 0`. */
export interface ImportProgress {
  file: string;
  phase: 'parse' | 'write';
  rows: number;
  /** Known in the write phase (rows of the file); in the parse phase the share of bytes read. */
  total: number | null;
  fraction: number;
}

export interface RunHooks {
  onProgress?: (p: ImportProgress) => void;
  /** Called after each file with its bytes (null when they could not be read). */
  onFile?: (index: number, result: FileResult, bytes: Uint8Array | null) => Promise<void> | void;
  /** Backoff base for URL retries (tests shorten it). */
  retryBackoffMs?: number;
}

export function prepareSources(
  deps: EtlDeps,
  sources: readonly ImportSource[],
  hooks: RunHooks = {},
): PreparedSource[] {
  return sources.map((s): PreparedSource => {
    switch (s.kind) {
      case 'file':
        return {
          label: s.path,
          name: basename(s.path),
          load: async () => new Uint8Array(await readFile(s.path)),
        };
      case 'buffer':
        return { label: s.name, name: basename(s.name), load: async () => s.data };
      case 'url':
        return {
          label: s.url,
          name: safeNameFromUrl(s.url),
          load: () =>
            fetchWithRetry(
              s.url,
              deps.fetchOptions ?? DEFAULT_FETCH_OPTIONS,
              deps.logger,
              hooks.retryBackoffMs,
            ),
        };
      default:
        throw new Error(`unknown import source ${JSON.stringify(s satisfies never)}`);
    }
  });
}

/** The indicators the database knows (validation of files is driven by this, not by a list in code). */
export async function loadCatalog(deps: Pick<EtlDeps, 'db'>): Promise<IndicatorCatalog> {
  const rows = await deps.db.db
    .selectFrom('indicators')
    .select(['code', 'name', 'unit', 'formula'])
    .orderBy('code')
    .execute();
  const all: IndicatorInfo[] = [];
  for (const { code, name, unit, formula } of rows) {
    if (formula !== 'count' && formula !== 'rate' && formula !== 'stock' && formula !== 'published') continue;
    all.push({ code, name, unit, formula });
  }
  return new IndicatorCatalog(all);
}

function runStatus(files: readonly FileResult[], changed: boolean): ImportRunStatus {
  const rejected = files.filter((f) => f.status === 'rejected').length;
  if (rejected > 0) return rejected === files.length ? 'failed' : 'partial';
  return changed ? 'success' : 'unchanged';
}

export async function executeImport(
  deps: EtlDeps,
  sources: readonly PreparedSource[],
  options: ImportOptions,
  hooks: RunHooks = {},
): Promise<ImportSummary> {
  if (options.sample && !isMonth(options.sample.asOf)) {
    throw new Error(`sample.asOf must be a month YYYY-MM, got '${options.sample.asOf}'`);
  }
  const clock = deps.clock ?? (() => new Date());
  const { db } = deps.db;
  const lock = await acquireImportLock(deps.db, clock);
  const started = clock();
  const startedAt = started.toISOString();
  const files: FileResult[] = [];
  let runId = 0;
  let changed = false;
  try {
    // Holding the lock, any run still 'running' belongs to an importer that died.
    await db
      .updateTable('import_runs')
      .set({
        status: 'failed',
        finished_at: startedAt,
        error: 'Import abgebrochen: der Prozess wurde beendet, bevor der Lauf abgeschlossen war',
      })
      .where('status', '=', 'running')
      .execute();
    const run = await db
      .insertInto('import_runs')
      .values({
        started_at: startedAt,
        finished_at: null,
        trigger: options.trigger,
        status: 'running',
        files_count: sources.length,
        rows_inserted: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        error: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    runId = run.id;
    const catalog = await loadCatalog(deps);
    const sampleFlag = options.sample ? 1 : 0;
    // Known = imported before with the same sample-ness (a real import of sample bytes still
    // has to clear the sample mark).
    const known = async (sha256: string) =>
      (
        await db
          .selectFrom('imported_files')
          .select('id')
          .where('sha256', '=', sha256)
          .where('status', '=', 'imported')
          .where('sample', '=', sampleFlag)
          .limit(1)
          .execute()
      ).length > 0;
    const recordFile = async (
      sha256: string,
      size: number,
      status: 'rejected' | 'unchanged',
      error: string | null,
      path: string,
    ) => {
      await db
        .insertInto('imported_files')
        .values({
          run_id: runId,
          path,
          sha256,
          size,
          status,
          rows_inserted: 0,
          rows_updated: 0,
          rows_unchanged: 0,
          error,
          sample: sampleFlag,
          imported_at: clock().toISOString(),
        })
        .execute();
    };

    for (const [index, source] of sources.entries()) {
      lock.touch();
      let bytes: Uint8Array | null = null;
      let result: FileResult;
      const base = { path: source.label, inserted: 0, updated: 0, unchanged: 0 };
      const reject = async (sha256: string, size: number, e: unknown): Promise<FileResult> => {
        const error: ImportErrorInfo =
          e instanceof FileRejection
            ? { file: source.label, sheet: e.sheet, row: e.row, column: e.column, message: e.message }
            : {
                file: source.label,
                sheet: null,
                row: null,
                column: null,
                message: e instanceof Error ? e.message : String(e),
              };
        if (!(e instanceof FileRejection) && !(e instanceof Error && e.name === 'FetchError')) {
          deps.logger.error({ err: e, file: source.label, runId }, 'unexpected error while importing a file');
        }
        await recordFile(sha256, size, 'rejected', formatImportError(error), source.label);
        return { ...base, sha256, size, status: 'rejected', error };
      };
      try {
        bytes = await source.load();
      } catch (e) {
        result = await reject(
          '',
          0,
          e instanceof Error && e.name === 'FetchError'
            ? e
            : new FileRejection(`Datei nicht lesbar: ${e instanceof Error ? e.message : String(e)}`),
        );
        files.push(result);
        await hooks.onFile?.(index, result, null);
        continue;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const size = bytes.byteLength;
      if (await known(sha256)) {
        await recordFile(sha256, size, 'unchanged', null, source.label);
        result = { ...base, sha256, size, status: 'unchanged', error: null };
      } else {
        try {
          hooks.onProgress?.({ file: source.label, phase: 'parse', rows: 0, total: null, fraction: 0 });
          const parsed = await parseFile(source.name, bytes, {
            catalog,
            onProgress: hooks.onProgress
              ? (rows, fraction) =>
                  hooks.onProgress?.({ file: source.label, phase: 'parse', rows, total: null, fraction })
              : undefined,
          });
          hooks.onProgress?.({
            file: source.label,
            phase: 'write',
            rows: 0,
            total: parsed.rows.length,
            fraction: 0,
          });
          const w = await writeObservations(deps.db, parsed.rows, {
            runId,
            path: source.label,
            sha256,
            size,
            sample: options.sample ?? null,
            now: clock().toISOString(),
            onProgress: hooks.onProgress
              ? (rows, total) =>
                  hooks.onProgress?.({
                    file: source.label,
                    phase: 'write',
                    rows,
                    total,
                    fraction: rows / total,
                  })
              : undefined,
          });
          changed ||= w.changed;
          result = {
            ...base,
            sha256,
            size,
            status: 'imported',
            inserted: w.inserted,
            updated: w.updated,
            unchanged: w.unchanged,
            error: null,
          };
        } catch (e) {
          result = await reject(sha256, size, e);
        }
      }
      files.push(result);
      await hooks.onFile?.(index, result, bytes);
    }
  } catch (e) {
    // Bookkeeping failed (or a hook threw): close the run as failed, then let the caller know.
    if (runId > 0) {
      await db
        .updateTable('import_runs')
        .set({
          finished_at: clock().toISOString(),
          status: 'failed',
          error: e instanceof Error ? e.message : String(e),
        })
        .where('id', '=', runId)
        .execute()
        .catch(() => undefined);
    }
    await lock.release();
    throw e;
  }

  const finishedAt = clock().toISOString();
  const sum = (k: 'inserted' | 'updated' | 'unchanged') => files.reduce((a, f) => a + f[k], 0);
  const status = runStatus(files, changed);
  const rejected = files.filter((f) => f.error !== null);
  const errorText =
    rejected.length === 0
      ? null
      : `${rejected.length} von ${files.length} Dateien abgelehnt:\n${rejected.map((f) => (f.error ? formatImportError(f.error) : '')).join('\n')}`;
  try {
    await db
      .updateTable('import_runs')
      .set({
        finished_at: finishedAt,
        status,
        rows_inserted: sum('inserted'),
        rows_updated: sum('updated'),
        rows_unchanged: sum('unchanged'),
        error: errorText,
      })
      .where('id', '=', runId)
      .execute();
  } finally {
    await lock.release();
  }
  // This instance's caches see the new version at once (other instances on their next request).
  await syncDataVersion(deps.db);

  const summary: ImportSummary = {
    runId,
    status,
    startedAt,
    finishedAt,
    files,
    inserted: sum('inserted'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    changed,
    dataVersion: await readDataVersion(db),
  };
  deps.logger.info(
    {
      runId,
      trigger: options.trigger,
      status,
      files: files.length,
      rejected: rejected.length,
      inserted: summary.inserted,
      updated: summary.updated,
      unchanged: summary.unchanged,
      dataVersion: summary.dataVersion,
      ms: Date.parse(finishedAt) - started.getTime(),
    },
    'import finished',
  );
  if (changed && deps.afterImport) {
    try {
      await deps.afterImport(summary);
    } catch (e) {
      deps.logger.error({ err: e, runId }, 'afterImport failed');
    }
  }
  return summary;
}
