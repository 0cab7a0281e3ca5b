/** Types of the ETL's public contract (re-exported by etl/index.ts) and its internal errors. */

import type { Kysely } from 'kysely';
import type { ImportLimits } from '../core/limits.js';
import { placeText } from '../core/spreadsheet.js';
import type { Db } from '../server/db/connection.js';
import type { Database, ImportRunStatus, ImportTrigger } from '../server/db/schema.js';
import type { GoalOptions } from '../server/domain/types.js';
import type { Logger } from '../server/logger.js';

export type ImportSource =
  /** `name`: what the run log shows instead of the path (an upload held in a temporary file). */
  | { kind: 'file'; path: string; name?: string }
  | { kind: 'buffer'; name: string; data: Uint8Array }
  | { kind: 'url'; url: string };

export interface ImportOptions {
  trigger: ImportTrigger;
  /** Set for the bundled synthetic sample: marks its regions as sample data "as of" this month. */
  sample?: { asOf: string /* YYYY-MM */ };
}

/** Where and why a file was rejected. `row` is the 1-based line (CSV) or spreadsheet row. */
export interface ImportErrorInfo {
  file: string;
  sheet: string | null;
  row: number | null;
  column: string | null;
  message: string;
}

export interface FileResult {
  path: string;
  sha256: string;
  size: number;
  status: 'imported' | 'unchanged' | 'rejected';
  inserted: number;
  updated: number;
  unchanged: number;
  error: ImportErrorInfo | null;
  /** Sample regions whose synthetic observations this file replaced (absent: none). */
  replacedSample?: string[];
}

/** A file's result that wrote no row: unchanged (known content) or rejected. */
export function fileWithoutRows(
  path: string,
  file: { sha256: string; size: number },
  error: ImportErrorInfo | null,
): FileResult {
  const status = error === null ? 'unchanged' : 'rejected';
  return { path, ...file, status, inserted: 0, updated: 0, unchanged: 0, error };
}

/** The error of a whole file, with no place in it (aborted, unreadable). */
export function fileError(file: string, message: string): ImportErrorInfo {
  return { file, sheet: null, row: null, column: null, message };
}

export interface ImportSummary {
  runId: number;
  status: ImportRunStatus;
  startedAt: string;
  finishedAt: string;
  files: FileResult[];
  inserted: number;
  updated: number;
  unchanged: number;
  changed: boolean;
  dataVersion: string;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  retries: number;
}

export interface EtlDeps {
  db: Db;
  logger: Logger;
  clock?: () => Date;
  /** Called after a run that changed data (the server wires the alert evaluation to it). */
  afterImport?: (s: ImportSummary) => Promise<void> | void;
  fetchOptions?: FetchOptions;
  /** Parser limits (DEFAULT_LIMITS for what is not set). */
  limits?: Partial<ImportLimits>;
  /**
   * Set: runImport and runScheduledImport run in a worker process with this heap limit (file
   * databases only; an in-memory database cannot be shared with another process).
   */
  isolation?: IsolationOptions;
  /**
   * Runs inside each file's write transaction after the data version bump: the import worker
   * stores the region summaries of the new version there, so that no reader ever sees the new
   * version without them (and aggregates the whole table on the server's event loop).
   */
  afterChange?: (trx: Kysely<Database>, dataVersion: string) => Promise<void>;
  /**
   * Runs inside each file's write transaction just before its commit (and may end the process
   * there: nothing of the file is committed). The import worker checks that its parent lives.
   */
  beforeCommit?: () => void;
}

/** Why a run or file was closed that a dead importer left behind. */
export const ABORTED_MESSAGE = 'Import abgebrochen (Absturz oder Neustart)';

/**
 * A file's content is not acceptable. Carries the position (sheet, row, column) so that the
 * runner can name the file too; the message says what was found and what was expected.
 */
export class FileRejection extends Error {
  constructor(
    message: string,
    readonly sheet: string | null = null,
    readonly row: number | null = null,
    readonly column: string | null = null,
  ) {
    super(clipMessage(message));
    this.name = 'FileRejection';
  }
}

/**
 * Cell contents quoted in a message are cut to 80 characters and the whole text to 2,000: a
 * 1 MB cell must not become a 1 MB error text in the run log, the API answer and the log line.
 */
export function clipMessage(message: string): string {
  const s = message.replace(/'([^']{80})[^']+'/g, "'$1…'");
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
}

/** "Datei a.csv, Blatt eLb, Zeile 17, Spalte E: …" — the one-line form stored and shown. */
export function formatImportError(e: ImportErrorInfo): string {
  return rejectionText(e, 'log');
}

/**
 * A rejection with its place, in German. `log` (the run log, the CLI, the e-mail):
 * "Datei a.xlsx, Blatt 'Daten', Zeile 4, Spalte 'Wert': …"; `answer` (an HTTP error's message,
 * where the file is the one just sent): "a.xlsx, Blatt Daten, Zeile 4, Spalte Wert: …".
 */
export function rejectionText(e: ImportErrorInfo, style: 'log' | 'answer'): string {
  return `${placeText(e, style)}: ${e.message}`;
}

/** A rejection of file `file` as the run log stores it (place and message). */
export function rejectionInfo(file: string, e: FileRejection): ImportErrorInfo {
  return { file, sheet: e.sheet, row: e.row, column: e.column, message: e.message };
}

/** How the worker is isolated; absent in EtlDeps: imports run in the calling thread. */
export interface IsolationOptions {
  /** Heap limit of the worker process (`--max-old-space-size`, MB). */
  maxOldGenerationSizeMb: number;
  /**
   * Set (the server): the worker's scheduling priority (nice value, 0 to 19, higher is lower
   * priority), so that the server's requests win the CPU from a large import on a small machine.
   */
  niceness?: number;
  /**
   * Set (the server): after a run that changed data the worker also stores the region summaries
   * and goal snapshots of the new data version, so that the server's first requests read them
   * instead of aggregating the whole table on its event loop.
   */
  goalOptions?: GoalOptions;
  /** Told when a worker starts (true) and when it has ended (false), before afterImport. */
  onRunning?: (running: boolean) => void;
}
