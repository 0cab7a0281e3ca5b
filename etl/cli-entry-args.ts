/**
 * What the command line's entry (etl/cli-entry.ts) reads before the command line loads: whether
 * the arguments name files to import, and the import worker's heap limit. Node-free and
 * package-free, so that the entry stays small.
 */
import { IMPORT_WORKER_HEAP_MB } from '../core/limits.js';

/**
 * Whether `argv` names files to import (etl/cli.ts's parseArgs decides for real; a wrong guess
 * costs a process that is killed, or the time the early start saves).
 */
export function namesFiles(argv: readonly string[]): boolean {
  let files = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--help' || a === '-h') return false;
    if (a === '--targets' || a === '-t') i++;
    else if (!a.startsWith('-')) files = true;
  }
  return files;
}

/** IMPORT_WORKER_MAX_MB as server/config.ts reads it; null when it is not valid (the config reports it). */
export function workerHeapMb(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return IMPORT_WORKER_HEAP_MB.default;
  const n = Number(value);
  return Number.isInteger(n) && n >= IMPORT_WORKER_HEAP_MB.min && n <= IMPORT_WORKER_HEAP_MB.max ? n : null;
}
