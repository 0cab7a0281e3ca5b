/**
 * `npm run etl -- <file or folder>...` and `npm run etl -- --targets data/targets/2024.csv`.
 * Imports once (trigger 'cli') into DATABASE_PATH, shows progress on long files (rows/s on
 * stderr), prints a summary table. Exit codes: 0 ok, 1 a file was rejected, 2 usage error,
 * 3 another import is running.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { formatCount } from '../core/format.js';
import { replacedSampleText } from '../core/vocabulary.js';
import { ConfigError, importLimits, loadConfig } from '../server/config.js';
import { openConfiguredDatabase } from '../server/db/connection.js';
import { runImport } from './index.js';
import { ImportBusyError } from './lock.js';
import type { ImportProgress } from './run.js';
import { loadTargetsFile } from './targets.js';
import { type EtlDeps, type FileResult, formatImportError } from './types.js';

const USAGE = `Aufruf / usage:
  npm run etl -- <Datei oder Ordner>...          CSV- und xlsx-Dateien importieren
  npm run etl -- --targets data/targets/2024.csv  Zielwerte laden
Optionen: --targets <datei> (mehrfach möglich), --help
Datenbank: DATABASE_URL (PostgreSQL) oder DATABASE_PATH (Standard data/zielmonitor.db). Formate: docs/input-formats.md
Exit: 0 ok, 1 Datei abgelehnt, 2 Aufruffehler, 3 anderer Import läuft`;

class UsageError extends Error {}

interface Args {
  inputs: string[];
  targets: string[];
}

export function parseArgs(argv: readonly string[]): Args | 'help' {
  const args: Args = { inputs: [], targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--') continue;
    if (a === '--targets' || a === '-t') {
      const v = argv[++i];
      if (!v) throw new UsageError('--targets braucht einen Dateinamen');
      args.targets.push(v);
    } else if (a.startsWith('--targets=')) {
      args.targets.push(a.slice('--targets='.length));
    } else if (a.startsWith('-')) {
      throw new UsageError(`unbekannte Option ${a}`);
    } else {
      args.inputs.push(a);
    }
  }
  if (args.inputs.length === 0 && args.targets.length === 0) throw new UsageError('keine Datei angegeben');
  return args;
}

async function expand(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(input);
    } catch {
      throw new UsageError(`Datei oder Ordner nicht gefunden: ${input}`);
    }
    if (s.isDirectory()) {
      const names = (await readdir(input))
        .filter((n) => !n.startsWith('.') && /\.(csv|xlsx)$/i.test(n))
        .sort();
      if (names.length === 0) throw new UsageError(`keine .csv- oder .xlsx-Dateien in ${input}`);
      files.push(...names.map((n) => join(input, n)));
    } else {
      files.push(input);
    }
  }
  return files;
}

const STATUS: Record<FileResult['status'], string> = {
  imported: 'importiert',
  unchanged: 'unverändert (schon geladen)',
  rejected: 'ABGELEHNT',
};

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r, i) => {
      const line = r
        .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd();
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function progressPrinter(): { update(p: ImportProgress): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let started = 0;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (p.rows === 0) {
        started = now; // a phase begins
        return;
      }
      if (now - last < 500 && tty) return;
      last = now;
      const secs = Math.max(0.001, (now - started) / 1000);
      const verb = p.phase === 'parse' ? 'geprüft' : 'geschrieben';
      const total =
        p.total === null ? ` (${Math.round(p.fraction * 100)} % der Datei)` : ` von ${formatCount(p.total)}`;
      const line = `${p.file}: ${formatCount(p.rows)} Zeilen ${verb}${total}, ${formatCount(p.rows / secs)} Zeilen/s`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
      shown = true;
    },
    done() {
      if (shown && tty) process.stderr.write('\n');
      shown = false;
    },
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`Fehler: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  let files: string[];
  try {
    config = loadConfig(process.env);
    files = await expand(args.inputs);
    for (const t of args.targets) {
      if (!(await stat(t).catch(() => null))?.isFile())
        throw new UsageError(`Zieldatei nicht gefunden: ${t}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`Fehler: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }

  const logger = pino(
    { level: process.env.LOG_LEVEL ?? 'warn', base: { app: 'zielmonitor-etl' } },
    pino.destination(2),
  );
  const db = await openConfiguredDatabase(config);
  // Parsed and written in a worker process with its own heap limit and connection:
  // a file needing more memory is reported as rejected instead of killing the CLI.
  const deps: EtlDeps = {
    db,
    logger,
    limits: importLimits(config),
    isolation: { maxOldGenerationSizeMb: config.IMPORT_WORKER_MAX_MB },
  };
  let exit = 0;
  try {
    if (files.length > 0) {
      const progress = progressPrinter();
      const summary = await runImport(
        deps,
        files.map((path) => ({ kind: 'file' as const, path })),
        { trigger: 'cli' },
        {
          onProgress: (p) => progress.update(p),
          onFile: () => progress.done(),
        },
      );
      const rows = [['Datei', 'Status', 'neu', 'geändert', 'unverändert']];
      for (const f of summary.files) {
        rows.push([
          f.path,
          STATUS[f.status],
          formatCount(f.inserted),
          formatCount(f.updated),
          formatCount(f.unchanged),
        ]);
      }
      rows.push([
        'Summe',
        '',
        formatCount(summary.inserted),
        formatCount(summary.updated),
        formatCount(summary.unchanged),
      ]);
      process.stdout.write(`\n${table(rows, new Set([2, 3, 4]))}\n\n`);
      const rejected = summary.files.filter((f) => f.error);
      for (const f of rejected) if (f.error) process.stdout.write(`Fehler: ${formatImportError(f.error)}\n`);
      for (const f of summary.files) {
        if (f.replacedSample) process.stdout.write(`${f.path}: ${replacedSampleText(f.replacedSample)}\n`);
      }
      process.stdout.write(
        `Importlauf #${summary.runId}: ${summary.status}, Datenstand-Version ${summary.dataVersion}${summary.changed ? '' : ' (keine Änderung)'}\n`,
      );
      if (rejected.length > 0) exit = 1;
    }
    for (const t of args.targets) {
      try {
        const r = await loadTargetsFile(deps, t, 'cli');
        process.stdout.write(
          `Ziele ${t}: ${formatCount(r.inserted)} neu, ${formatCount(r.updated)} geändert, ${formatCount(r.unchanged)} unverändert\n`,
        );
      } catch (e) {
        process.stdout.write(`Fehler: ${e instanceof Error ? e.message : String(e)}\n`);
        exit = 1;
      }
    }
    // The goal snapshots, region summaries and backtests of the new data version are not
    // computed here: the import bumped the data version, and the server (running now, or at its
    // next start) notices it and builds them once for that version
    // (docs/decisions/003-goal-precompute.md). The import itself stays a write.
  } catch (e) {
    if (e instanceof ImportBusyError) {
      process.stderr.write(`${e.message}\n`);
      return 3;
    }
    throw e;
  } finally {
    await db.close();
  }
  return exit;
}

/** Runs the command line on `argv` and sets the process's exit code (an unexpected error: 1). */
export function runCommandLine(argv: readonly string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(
        `Unerwarteter Fehler: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 1;
    },
  );
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) void runCommandLine(process.argv.slice(2));
