/**
 * `npm run backup [-- <target file or folder>]`: a consistent online backup of the database via
 * SQLite's backup API (safe while the server runs and imports), then an integrity check of the copy.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { loadConfigOrExit } from './config.js';

/** Copies the database at `source` to `target` with the online backup API; returns the target path. */
export async function backupDatabase(
  source: string,
  target: string,
): Promise<{ path: string; bytes: number }> {
  if (!existsSync(source)) throw new Error(`database not found: ${source}`);
  const db = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  const copy = new SqliteDatabase(target, { fileMustExist: true });
  try {
    // A backup is one self-contained file: leave WAL mode so no -wal/-shm files travel with it.
    copy.pragma('journal_mode = DELETE');
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`integrity check of the backup failed: ${String(result)}`);
  } finally {
    copy.close();
  }
  return { path: target, bytes: statSync(target).size };
}

/** `zielmonitor-2026-11-26T06-00-00Z.db` inside `dir`. */
export function backupFileName(dir: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
  return join(dir, `zielmonitor-${stamp}.db`);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const arg = process.argv[2];
  let target: string;
  if (!arg) {
    mkdirSync('data/backups', { recursive: true });
    target = backupFileName('data/backups');
  } else if (existsSync(arg) && statSync(arg).isDirectory()) {
    target = backupFileName(arg);
  } else {
    target = arg;
  }
  if (config.DATABASE_URL) {
    console.error(
      'DATABASE_URL ist gesetzt: PostgreSQL wird mit pg_dump gesichert (siehe README, "Sicherung").',
    );
    process.exit(2);
  }
  const { path, bytes } = await backupDatabase(resolve(config.DATABASE_PATH), resolve(target));
  console.log(`Backup written: ${path} (${(bytes / 1024 / 1024).toFixed(1)} MB, integrity ok)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`Backup failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
