/**
 * The scheduled import: every file in the inbox folder plus every SOURCE_URL, on a node-cron
 * schedule with an explicit time zone. Inbox files end up in the archive (imported or
 * unchanged) or in the rejected folder with `<name>.error.txt` beside them.
 */
import { copyFile, mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import cron from 'node-cron';
import type { Config } from '../server/config.js';
import type { Db } from '../server/db/connection.js';
import type { ImportTrigger } from '../server/db/schema.js';
import { safeFileName, safeNameFromUrl } from './fetch.js';
import { isolatable, runIsolated } from './isolated.js';
import { ImportBusyError } from './lock.js';
import {
  contentHash,
  executeImport,
  isImportedContent,
  type PreparedSource,
  prepareSources,
  type RunHooks,
} from './run.js';
import type { EtlDeps, FileResult, ImportSource, ImportSummary } from './types.js';
import { ABORTED_MESSAGE, fileError, fileWithoutRows, formatImportError } from './types.js';

/** Files younger than this may still be being written (copy, upload) and wait for the next run. */
export const INBOX_SETTLE_MS = 5_000;
const INBOX_EXTENSIONS = /\.(csv|xlsx)$/i;
const PARTIAL = /\.(part|partial|tmp|crdownload|download)$/i;

export interface ScheduledOptions {
  settleMs?: number;
  retryBackoffMs?: number;
  /** Recorded in the run log: 'cron' for the schedule, 'api' when an admin asked for the run. */
  trigger?: ImportTrigger;
  /** Extra hooks (the import worker reports progress and files to its parent through them). */
  hooks?: RunHooks;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function freeName(dir: string, name: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? name : name.replace(/(\.[^.]*)?$/, (ext) => `-${i}${ext}`);
    try {
      await stat(join(dir, candidate));
    } catch {
      return join(dir, candidate);
    }
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if (!(e instanceof Error && 'code' in e && e.code === 'EXDEV')) throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

/** Inbox files ready to import: csv/xlsx, no dotfiles, no partial downloads, not modified just now. */
export async function listInbox(dir: string, now: Date, settleMs = INBOX_SETTLE_MS): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.') || PARTIAL.test(e.name) || !INBOX_EXTENSIONS.test(e.name))
      continue;
    const p = join(dir, e.name);
    const s = await stat(p);
    if (now.getTime() - s.mtimeMs < settleMs) continue;
    out.push(p);
  }
  return out.sort();
}

function errorText(result: FileResult, when: Date): string {
  const e = result.error;
  return [
    `Import abgelehnt am ${when.toISOString()}`,
    `Quelle: ${result.path}`,
    e ? formatImportError(e) : 'unbekannter Fehler',
    '',
    e
      ? `Blatt: ${e.sheet ?? '-'}\nZeile: ${e.row ?? '-'}\nSpalte: ${e.column ?? '-'}\nFehler: ${e.message}`
      : '',
    '',
    'Die Datei wurde nicht geladen (nichts davon). Bitte korrigieren und erneut in den Eingangsordner legen.',
    '',
  ].join('\n');
}

/**
 * Inbox files being imported sit here (inside the inbox, hidden): a file still found here when
 * the next run starts was being read when the importer died, and is rejected instead of retried,
 * so one poison file cannot crash the server on every scheduled run.
 */
export function inProgressDir(config: Pick<Config, 'INBOX_DIR'>): string {
  return join(config.INBOX_DIR, '.importing');
}

async function listInProgress(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

interface Entry {
  source: ImportSource;
  /** Where an inbox file is now (moved to the in-progress folder before it is read). */
  current: string | null;
}

/**
 * Settles every file in the in-progress folder after a worker crash (the parent calls this; the
 * next run would otherwise do it): one the database holds as imported (committed before the
 * crash) goes to the archive, every other one to REJECTED_DIR with `reason` beside it.
 */
export async function settleInProgress(db: Db, config: Config, when: Date, reason: string): Promise<number> {
  const stale = await listInProgress(inProgressDir(config));
  let rejected = 0;
  for (const path of stale) {
    const name = `${stamp(when)}_${safeFileName(basename(path))}`;
    // Committed before the crash: the worker died before it could move the file on.
    if (await isImportedContent(db.db, contentHash(new Uint8Array(await readFile(path))), 0)) {
      await mkdir(config.ARCHIVE_DIR, { recursive: true });
      await moveFile(path, await freeName(config.ARCHIVE_DIR, name));
      continue;
    }
    await mkdir(config.REJECTED_DIR, { recursive: true });
    const dest = await freeName(config.REJECTED_DIR, name);
    await moveFile(path, dest);
    await writeFile(
      `${dest}.error.txt`,
      errorText(
        fileWithoutRows(basename(path), { sha256: '', size: 0 }, fileError(basename(path), reason)),
        when,
      ),
      'utf8',
    );
    rejected++;
  }
  await rmdir(inProgressDir(config)).catch(() => undefined);
  return rejected;
}

/** Internal form of runScheduledImport with knobs for tests. */
export async function runScheduled(
  deps: EtlDeps,
  config: Config,
  opts: ScheduledOptions = {},
): Promise<ImportSummary | null> {
  const clock = deps.clock ?? (() => new Date());
  const busyDir = inProgressDir(config);
  const pending = await listInbox(config.INBOX_DIR, clock(), opts.settleMs);
  const leftovers = await listInProgress(busyDir);
  if (pending.length === 0 && leftovers.length === 0 && config.SOURCE_URLS.length === 0) return null;
  const withFetch: EtlDeps = {
    ...deps,
    fetchOptions: deps.fetchOptions ?? {
      timeoutMs: config.FETCH_TIMEOUT_MS,
      maxBytes: config.FETCH_MAX_BYTES,
      retries: config.FETCH_RETRIES,
    },
  };
  await mkdir(config.ARCHIVE_DIR, { recursive: true });
  await mkdir(config.REJECTED_DIR, { recursive: true });
  const entries: Entry[] = [];
  const hooks = { retryBackoffMs: opts.retryBackoffMs };
  // Listed again under the import lock: files in the in-progress folder then belong to a dead run.
  const list = async () => {
    const stale = await listInProgress(busyDir);
    const files = await listInbox(config.INBOX_DIR, clock(), opts.settleMs);
    entries.push(
      ...stale.map((path): Entry => ({ source: { kind: 'file', path }, current: path })),
      ...files.map((path): Entry => ({ source: { kind: 'file', path }, current: null })),
      ...config.SOURCE_URLS.map((url): Entry => ({ source: { kind: 'url', url }, current: null })),
    );
    const prepared = prepareSources(
      withFetch,
      entries.map((e) => e.source),
      hooks,
    );
    return prepared.map((p, i): PreparedSource => {
      const entry = entries[i];
      if (entry === undefined || entry.source.kind !== 'file') return p;
      const left = entry.current;
      if (left !== null) {
        return {
          ...p,
          load: async () => new Uint8Array(await readFile(left)),
          leftByDeadRun: ABORTED_MESSAGE,
        };
      }
      const from = entry.source.path;
      return {
        ...p,
        load: async () => {
          const to = join(busyDir, basename(from));
          await mkdir(busyDir, { recursive: true });
          await moveFile(from, to);
          entry.current = to;
          return new Uint8Array(await readFile(to));
        },
      };
    });
  };
  try {
    return await executeImport(
      withFetch,
      list,
      { trigger: opts.trigger ?? 'cron' },
      {
        ...opts.hooks,
        onFile: async (index, result, bytes) => {
          await settleFile(deps, config, entries[index], result, bytes, clock());
          await opts.hooks?.onFile?.(index, result, bytes);
        },
      },
    );
  } finally {
    // Empty after a clean run: the inbox shows only what people put there.
    await rmdir(busyDir).catch(() => undefined);
  }
}

/** Moves an inbox file (or stores a download) to the archive or the rejected folder. */
async function settleFile(
  deps: EtlDeps,
  config: Config,
  entry: Entry | undefined,
  result: FileResult,
  bytes: Uint8Array | null,
  when: Date,
): Promise<void> {
  if (!entry) return;
  const source = entry.source;
  const name =
    source.kind === 'file' ? basename(source.path) : safeNameFromUrl(source.kind === 'url' ? source.url : '');
  const target = `${stamp(when)}_${safeFileName(name)}`;
  const from = entry.current;
  try {
    if (result.status === 'rejected') {
      const dest = await freeName(config.REJECTED_DIR, target);
      if (source.kind === 'file') {
        if (from !== null) await moveFile(from, dest);
      } else if (bytes) await writeFile(dest, bytes);
      await writeFile(`${dest}.error.txt`, errorText(result, when), 'utf8');
    } else if (source.kind === 'file') {
      if (from !== null) await moveFile(from, await freeName(config.ARCHIVE_DIR, target));
    } else if (result.status === 'imported' && bytes) {
      await writeFile(await freeName(config.ARCHIVE_DIR, target), bytes);
    }
  } catch (e) {
    deps.logger.error({ err: e, source: result.path }, 'could not move the file out of the inbox');
  }
}

/** Imports every inbox file and every SOURCE_URL once; null when there is nothing to do. */
export async function runScheduledImport(
  deps: EtlDeps,
  config: Config,
  trigger: ImportTrigger = 'cron',
): Promise<ImportSummary | null> {
  const isolated = isolatable(deps);
  if (isolated) {
    const summary = await runIsolated(isolated, { kind: 'scheduled', config, trigger });
    if (summary?.status === 'aborted') {
      // The file being read when the worker died is the last one (isolated.ts); files rejected
      // before it are already in the rejected folder.
      const reason = summary.files.at(-1)?.error?.message ?? ABORTED_MESSAGE;
      await settleInProgress(deps.db, config, deps.clock?.() ?? new Date(), reason);
    }
    return summary;
  }
  return runScheduled(deps, config, { trigger });
}

/**
 * Starts the node-cron schedule (config.SCHEDULE_CRON in config.SCHEDULE_TIMEZONE; DST is the
 * time zone's business). A run that is still going when the next is due is not overlapped; an
 * import started elsewhere (CLI, upload) makes the scheduled run skip with a warning.
 */
export function startSchedule(deps: EtlDeps, config: Config): { stop(): Promise<void> } {
  if (!cron.validate(config.SCHEDULE_CRON))
    throw new Error(`SCHEDULE_CRON is not a valid cron expression: '${config.SCHEDULE_CRON}'`);
  try {
    new Intl.DateTimeFormat('de-DE', { timeZone: config.SCHEDULE_TIMEZONE });
  } catch {
    throw new Error(`SCHEDULE_TIMEZONE is not a known time zone: '${config.SCHEDULE_TIMEZONE}'`);
  }
  if (!config.SCHEDULE_ENABLED) {
    deps.logger.info('import schedule disabled (SCHEDULE_ENABLED=false)');
    return { stop: async () => undefined };
  }
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running) {
      deps.logger.warn('scheduled import skipped: the previous one is still running');
      return;
    }
    running = (async () => {
      try {
        const s = await runScheduledImport(deps, config);
        if (s === null) deps.logger.debug('scheduled import: nothing to do');
      } catch (e) {
        if (e instanceof ImportBusyError) deps.logger.warn({ reason: e.message }, 'scheduled import skipped');
        else deps.logger.error({ err: e }, 'scheduled import failed');
      }
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  const task = cron.schedule(config.SCHEDULE_CRON, tick, {
    timezone: config.SCHEDULE_TIMEZONE,
    name: 'zielmonitor-import',
    noOverlap: true,
  });
  deps.logger.info(
    {
      cron: config.SCHEDULE_CRON,
      timezone: config.SCHEDULE_TIMEZONE,
      next: task.getNextRun()?.toISOString() ?? null,
    },
    'import schedule started',
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      if (running) await running;
    },
  };
}
