/**
 * The ETL's public surface: runImport is the one entry point used by the CLI, the schedule,
 * the API upload and first-start seeding.
 */
import { executeImport, prepareSources } from './run.js';
import type { EtlDeps, ImportOptions, ImportSource, ImportSummary } from './types.js';

export { ImportBusyError } from './lock.js';
export { loadJobcenterDirectory } from './reference.js';
export { runScheduledImport, startSchedule } from './schedule.js';
export { seedIfEmpty } from './seed.js';
export { loadTargetsFile } from './targets.js';
export type {
  EtlDeps,
  FileResult,
  ImportErrorInfo,
  ImportOptions,
  ImportSource,
  ImportSummary,
} from './types.js';

/**
 * Imports the sources one after the other, each file validated whole and written in one
 * transaction. Throws ImportBusyError when another import runs (in this or another process).
 */
export async function runImport(
  deps: EtlDeps,
  sources: ImportSource[],
  options: ImportOptions,
): Promise<ImportSummary> {
  return executeImport(deps, prepareSources(deps, sources), options);
}
