/**
 * The one import pipeline behind runImport (CLI, schedule, API upload, first-start seeding):
 * lock → run row → per file: read, checksum, skip if known, parse + validate whole, write in one
 * transaction (or record the rejection) → finish run row → log → afterImport.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { resolveLimits } from '../core/limits.js';
import { isMonth } from '../core/months.js';
import { redactUrl } from '../core/redact.js';
import { getDataVersion, syncDataVersion } from '../server/db/repositories/meta.js';
import type { Database, ImportRunStatus } from '../server/db/schema.js';
import { DEFAULT_FETCH_OPTIONS, fetchWithRetry, safeNameFromUrl } from './fetch.js';
import { acquireImportLock, ImportBusyError } from './lock.js';
import { parseFile } from './parse.js';
import {
  linkDirectoryAliases,
  loadJobcenterDirectory,
  loadReference,
  loadSavedMappings,
} from './reference.js';
import { IndicatorCatalog, type IndicatorInfo } from './rows.js';
import type {
  EtlDeps,
  FileResult,
  ImportErrorInfo,
  ImportOptions,
  ImportSource,
  ImportSummary,
} from './types.js';
import {
  ABORTED_MESSAGE,
  FileRejection,
  fileError,
  fileWithoutRows,
  formatImportError,
  rejectionInfo,
} from './types.js';
import { writeObservations } from './write.js';

/** A source ready to be read: how it is named in results and how to get its bytes. */
export interface PreparedSource {
  /** Path, URL or upload name, as stored in imported_files.path. */
  label: string;
  /** A plain file name (for format hints and archive names). */
  name: string;
  load(): Promise<Uint8Array>;
  /**
   * A file a dead run left behind (the inbox's in-progress folder): never parsed again, since it
   * may be what killed the run. Unchanged when its content is imported already (the run died after
   * its commit), else rejected with this message.
   */
  leftByDeadRun?: string;
}

/** The checksum a file is known by (imported_files.sha256). */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The newest file imported with this checksum (of sample data, or of real data), if any. */
async function lastImportOf(
  db: Kysely<Database>,
  sha256: string,
  sample: 0 | 1,
): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('imported_files')
    .select('id')
    .where('sha256', '=', sha256)
    .where('status', '=', 'imported')
    .where('sample', '=', sample)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether a file with this checksum was imported (of sample data, or of real data). */
export async function isImportedContent(
  db: Kysely<Database>,
  sha256: string,
  sample: 0 | 1,
): Promise<boolean> {
  return (await lastImportOf(db, sha256, sample)) !== undefined;
}

/**
 * For a file a person chose (upload, command line): whether its content was imported and no file
 * imported since changed a value (wrote a revision; files adding new keys change none). Then the
 * database still holds what it says and it is skipped as unchanged. Otherwise it is merged again:
 * re-uploading the right file after a wrong correction puts its values back (as revisions), where
 * a plain "known" check answered "unchanged" and kept the wrong ones. Scheduled sources keep the
 * plain check: a source that still serves last month's file must not undo this month's corrections.
 */
export async function isCurrentContent(
  db: Kysely<Database>,
  sha256: string,
  sample: 0 | 1,
): Promise<boolean> {
  const last = await lastImportOf(db, sha256, sample);
  if (last === undefined) return false;
  // A value changed since (a revision written by a later file); new keys change no value of it.
  const changedSince = await db
    .selectFrom('revisions')
    .select('id')
    .where('source_file_id', '>', last.id)
    .limit(1)
    .executeTakeFirst();
  return changedSince === undefined;
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
  /** The run row exists (its id), holding the lock. */
  onRunStart?: (runId: number) => void;
  /** A file is about to be loaded and parsed. */
  onFileStart?: (index: number, label: string) => void;
  /** A file's bytes are read: their checksum and size (before the parse). */
  onFileRead?: (index: number, content: { sha256: string; size: number }) => void;
  /** Called after each file with its bytes (null when they could not be read). */
  onFile?: (index: number, result: FileResult, bytes: Uint8Array | null) => Promise<void> | void;
  /** Backoff base for URL retries (tests shorten it). */
  retryBackoffMs?: number;
}

export function prepareSources(
  deps: Pick<EtlDeps, 'fetchOptions' | 'logger'>,
  sources: readonly ImportSource[],
  hooks: RunHooks = {},
): PreparedSource[] {
  return sources.map((s): PreparedSource => {
    switch (s.kind) {
      case 'file':
        return {
          label: s.name ?? s.path,
          name: basename(s.name ?? s.path),
          load: async () => new Uint8Array(await readFile(s.path)),
        };
      case 'buffer':
        return { label: s.name, name: basename(s.name), load: async () => s.data };
      case 'url':
        return {
          // Shown in the run log and logged: never the user info or query (tokens) of the URL.
          label: redactUrl(s.url),
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
    .selectFrom('indicators as i')
    .leftJoin('indicators as n', 'n.code', 'i.numerator_code')
    .select(['i.code', 'i.name', 'i.unit', 'i.formula', 'n.formula as base_formula'])
    .orderBy('i.code')
    .execute();
  // Stocks: what a rate averages as denominator (ELB) and what a stock indicator tracks (LZB).
  const stocks = new Set(
    (
      await sql<{ code: string }>`select denominator_code as code from indicators
         where formula = 'rate' and denominator_code is not null
         union select numerator_code as code from indicators
         where formula = 'stock' and numerator_code is not null`.execute(deps.db.db)
    ).rows.map((r) => String(r.code)),
  );
  const all: IndicatorInfo[] = [];
  for (const { code, name, unit, formula, base_formula } of rows) {
    if (formula !== 'count' && formula !== 'rate' && formula !== 'stock' && formula !== 'published') continue;
    // A published figure of a rate (K2_BA of K2) is a rate; of a stock (K3_BA of K3), a change.
    const percentKind = unit === 'percent' ? (base_formula === 'rate' ? 'rate' : 'change') : undefined;
    all.push({ code, name, unit, formula, stock: stocks.has(code), ...(percentKind ? { percentKind } : {}) });
  }
  return new IndicatorCatalog(all);
}

/**
 * Runs still 'running' while the caller holds the import lock belong to an importer that died
 * (killed, crashed, power cut): they become 'aborted'. Called at every run and at server start.
 */
export async function markAbortedRuns(db: Kysely<Database>, now: string): Promise<number> {
  const r = await db
    .updateTable('import_runs')
    .set({ status: 'aborted', finished_at: now, error: ABORTED_MESSAGE })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * At start-up: marks runs left 'running' by a dead importer as 'aborted', when no import holds
 * the lock right now (a live import elsewhere keeps its 'running'). Returns how many were marked.
 */
export async function recoverAbortedRuns(deps: Pick<EtlDeps, 'db' | 'clock'>): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  let lock: Awaited<ReturnType<typeof acquireImportLock>>;
  try {
    lock = await acquireImportLock(deps.db, clock);
  } catch (e) {
    if (e instanceof ImportBusyError) return 0;
    throw e;
  }
  try {
    return await markAbortedRuns(deps.db.db, clock().toISOString());
  } finally {
    await lock.release();
  }
}

function runStatus(files: readonly FileResult[], changed: boolean): ImportRunStatus {
  const rejected = files.filter((f) => f.status === 'rejected').length;
  if (rejected > 0) return rejected === files.length ? 'failed' : 'partial';
  return changed ? 'success' : 'unchanged';
}

interface RunContext {
  deps: EtlDeps;
  options: ImportOptions;
  hooks: RunHooks;
  clock: () => Date;
  runId: number;
  catalog: IndicatorCatalog;
  /** Layouts mapped in the import wizard (tried first by file-name pattern). */
  mappings: Awaited<ReturnType<typeof loadSavedMappings>>;
  /** Known = imported before with the same sample-ness (a real import of sample bytes still has to clear the sample mark). */
  isKnown(sha256: string): Promise<boolean>;
  recordFile(f: {
    path: string;
    sha256: string;
    size: number;
    status: 'unchanged' | 'rejected';
    error: string | null;
  }): Promise<void>;
}

/** Step 1 (holding the lock): close runs of importers that died, open this run's row. */
async function openRun(
  deps: EtlDeps,
  options: ImportOptions,
  fileCount: number,
  startedAt: string,
): Promise<number> {
  const { db } = deps.db;
  await markAbortedRuns(db, startedAt);
  const run = await db
    .insertInto('import_runs')
    .values({
      started_at: startedAt,
      finished_at: null,
      trigger: options.trigger,
      status: 'running',
      files_count: fileCount,
      rows_inserted: 0,
      rows_updated: 0,
      rows_unchanged: 0,
      error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

async function runContext(
  deps: EtlDeps,
  options: ImportOptions,
  hooks: RunHooks,
  clock: () => Date,
  runId: number,
): Promise<RunContext> {
  const { db } = deps.db;
  const sample = options.sample ? 1 : 0;
  return {
    deps,
    options,
    hooks,
    clock,
    runId,
    catalog: await loadCatalog(deps),
    mappings: await loadSavedMappings(deps.db),
    isKnown: (sha256) =>
      options.trigger === 'upload' || options.trigger === 'cli'
        ? isCurrentContent(db, sha256, sample)
        : isImportedContent(db, sha256, sample),
    recordFile: async (f) => {
      await db
        .insertInto('imported_files')
        .values({
          run_id: runId,
          path: storableText(f.path),
          sha256: f.sha256,
          size: f.size,
          status: f.status,
          rows_inserted: 0,
          rows_updated: 0,
          rows_unchanged: 0,
          error: f.error === null ? null : storableText(f.error),
          sample,
          imported_at: clock().toISOString(),
        })
        .execute();
    },
  };
}

/** A file that could not be imported: recorded with the place of the error; unexpected errors are logged. */
async function rejectFile(
  ctx: RunContext,
  source: PreparedSource,
  sha256: string,
  size: number,
  e: unknown,
): Promise<FileResult> {
  const error: ImportErrorInfo =
    e instanceof FileRejection
      ? rejectionInfo(source.label, e)
      : fileError(source.label, e instanceof Error ? e.message : String(e));
  if (!(e instanceof FileRejection) && !(e instanceof Error && e.name === 'FetchError')) {
    ctx.deps.logger.error(
      { err: e, file: source.label, runId: ctx.runId },
      'unexpected error while importing a file',
    );
  }
  await ctx.recordFile({
    path: source.label,
    sha256,
    size,
    status: 'rejected',
    error: formatImportError(error),
  });
  return fileWithoutRows(source.label, { sha256, size }, error);
}

/** Parse and validate the whole file, then write it in one transaction. */
async function parseAndWrite(
  ctx: RunContext,
  source: PreparedSource,
  bytes: Uint8Array,
  sha256: string,
): Promise<FileResult & { changed: boolean }> {
  const { onProgress } = ctx.hooks;
  const progress = (phase: ImportProgress['phase'], rows: number, total: number | null, fraction: number) =>
    onProgress?.({ file: source.label, phase, rows, total, fraction });
  progress('parse', 0, null, 0);
  const parsed = await parseFile(source.name, bytes, {
    catalog: ctx.catalog,
    limits: resolveLimits(ctx.deps.limits),
    // Read per file: the file before may have created a region or alias.
    reference: await loadReference(ctx.deps.db),
    mappings: ctx.mappings,
    onProgress: onProgress ? (rows, fraction) => progress('parse', rows, null, fraction) : undefined,
  });
  progress('write', 0, parsed.rows.length, 0);
  const w = await writeObservations(ctx.deps.db, parsed.rows, {
    runId: ctx.runId,
    path: source.label,
    sha256,
    size: bytes.byteLength,
    sample: ctx.options.sample ?? null,
    now: ctx.clock().toISOString(),
    onProgress: onProgress ? (rows, total) => progress('write', rows, total, rows / total) : undefined,
    ...(ctx.deps.afterChange ? { afterChange: ctx.deps.afterChange } : {}),
    ...(ctx.deps.beforeCommit ? { beforeCommit: ctx.deps.beforeCommit } : {}),
  });
  return {
    path: source.label,
    sha256,
    size: bytes.byteLength,
    status: 'imported',
    inserted: w.inserted,
    updated: w.updated,
    unchanged: w.unchanged,
    error: null,
    ...(w.replacedSample.length > 0 ? { replacedSample: w.replacedSample } : {}),
    changed: w.changed,
  };
}

/** Step 2, per file: read, checksum, skip if known, parse + write (or record the rejection). */
async function importOneFile(
  ctx: RunContext,
  source: PreparedSource,
  onRead: (content: { sha256: string; size: number }) => void,
): Promise<{ result: FileResult; bytes: Uint8Array | null; changed: boolean }> {
  let bytes: Uint8Array;
  try {
    bytes = await source.load();
  } catch (e) {
    const err =
      e instanceof FileRejection || (e instanceof Error && e.name === 'FetchError')
        ? e
        : new FileRejection(`Datei nicht lesbar: ${e instanceof Error ? e.message : String(e)}`);
    return { result: await rejectFile(ctx, source, '', 0, err), bytes: null, changed: false };
  }
  const sha256 = contentHash(bytes);
  const size = bytes.byteLength;
  onRead({ sha256, size });
  if (await ctx.isKnown(sha256)) {
    await ctx.recordFile({ path: source.label, sha256, size, status: 'unchanged', error: null });
    return { result: fileWithoutRows(source.label, { sha256, size }, null), bytes, changed: false };
  }
  if (source.leftByDeadRun !== undefined) {
    const err = new FileRejection(source.leftByDeadRun);
    return { result: await rejectFile(ctx, source, sha256, size, err), bytes, changed: false };
  }
  try {
    const { changed, ...result } = await parseAndWrite(ctx, source, bytes, sha256);
    return { result, bytes, changed };
  } catch (e) {
    return { result: await rejectFile(ctx, source, sha256, size, e), bytes, changed: false };
  }
}

/** Step 3: close the run row with its totals, log, and let afterImport (alerts) know of changes. */
async function finishRun(
  deps: EtlDeps,
  run: { runId: number; started: Date; files: FileResult[]; changed: boolean; finishedAt: string },
): Promise<ImportSummary> {
  const { db } = deps.db;
  const { runId, files, changed, finishedAt } = run;
  const sum = (k: 'inserted' | 'updated' | 'unchanged') => files.reduce((a, f) => a + f[k], 0);
  const status = runStatus(files, changed);
  const rejected = files.filter((f) => f.error !== null);
  const errorText =
    rejected.length === 0
      ? null
      : `${rejected.length} von ${files.length} Dateien abgelehnt:\n${rejected.map((f) => (f.error ? formatImportError(f.error) : '')).join('\n')}`;
  await db
    .updateTable('import_runs')
    .set({
      finished_at: finishedAt,
      status,
      rows_inserted: sum('inserted'),
      rows_updated: sum('updated'),
      rows_unchanged: sum('unchanged'),
      error: errorText === null ? null : storableText(errorText),
    })
    .where('id', '=', runId)
    .execute();
  return {
    runId,
    status,
    startedAt: run.started.toISOString(),
    finishedAt,
    files,
    inserted: sum('inserted'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    changed,
    dataVersion: await getDataVersion(db),
  };
}

async function announce(deps: EtlDeps, options: ImportOptions, summary: ImportSummary, started: Date) {
  deps.logger.info(
    {
      runId: summary.runId,
      trigger: options.trigger,
      status: summary.status,
      files: summary.files.length,
      rejected: summary.files.filter((f) => f.error !== null).length,
      inserted: summary.inserted,
      updated: summary.updated,
      unchanged: summary.unchanged,
      dataVersion: summary.dataVersion,
      ms: Date.parse(summary.finishedAt) - started.getTime(),
    },
    'import finished',
  );
  if (summary.changed && deps.afterImport) {
    try {
      await deps.afterImport(summary);
    } catch (e) {
      deps.logger.error({ err: e, runId: summary.runId }, 'afterImport failed');
    }
  }
}

export async function executeImport(
  deps: EtlDeps,
  sourcesOrList: readonly PreparedSource[] | (() => Promise<readonly PreparedSource[]>),
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
  const files: FileResult[] = [];
  let runId = 0;
  let changed = false;
  try {
    // A list built under the lock (the inbox's in-progress files belong to nobody else then).
    const sources = typeof sourcesOrList === 'function' ? await sourcesOrList() : sourcesOrList;
    runId = await openRun(deps, options, sources.length, started.toISOString());
    hooks.onRunStart?.(runId);
    try {
      await loadJobcenterDirectory(deps.db);
    } catch (e) {
      deps.logger.warn({ err: e }, 'Jobcenter directory not loaded; files must name regions by key');
    }
    const ctx = await runContext(deps, options, hooks, clock, runId);
    for (const [index, source] of sources.entries()) {
      lock.touch();
      hooks.onFileStart?.(index, source.label);
      const one = await importOneFile(ctx, source, (content) => hooks.onFileRead?.(index, content));
      changed ||= one.changed;
      files.push(one.result);
      await hooks.onFile?.(index, one.result, one.bytes);
    }
  } catch (e) {
    // Bookkeeping failed (or a hook threw): close the run as failed, then let the caller know.
    if (runId > 0) {
      await db
        .updateTable('import_runs')
        .set({
          finished_at: clock().toISOString(),
          status: 'failed',
          error: storableText(e instanceof Error ? e.message : String(e)),
        })
        .where('id', '=', runId)
        .execute()
        .catch(() => undefined);
    }
    await lock.release();
    throw e;
  }
  if (changed) await linkDirectoryAliases(deps.db);
  let summary: ImportSummary;
  try {
    summary = await finishRun(deps, {
      runId,
      started,
      files,
      changed,
      finishedAt: clock().toISOString(),
    });
  } finally {
    await lock.release();
  }
  // This instance's caches see the new version at once (other instances with their next request).
  await syncDataVersion(deps.db);
  await announce(deps, options, summary, started);
  return summary;
}

/**
 * Text as both databases can store it: PostgreSQL refuses NUL in text, and a rejection message
 * quotes the offending cell (which may hold one) — shown as U+FFFD instead.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}
