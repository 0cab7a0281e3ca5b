/**
 * The ETL's public surface: runImport is the one entry point used by the CLI, the schedule,
 * the API upload and first-start seeding.
 */
import { isolatable, runIsolated } from './isolated.js';
import { executeImport, prepareSources, type RunHooks } from './run.js';
import type { EtlDeps, ImportOptions, ImportSource, ImportSummary } from './types.js';

export type { ImportLimits } from '../core/limits.js';
export { DEFAULT_LIMITS } from '../core/limits.js';
export { ImportBusyError } from './lock.js';
export { loadJobcenterDirectory } from './reference.js';
export { markAbortedRuns, recoverAbortedRuns } from './run.js';
export { inProgressDir, runScheduledImport, startSchedule } from './schedule.js';
export { seedIfEmpty } from './seed.js';
export { loadTargetsFile } from './targets.js';
export type { IsolationOptions } from './types.js';
export {
  ABORTED_MESSAGE,
  type EtlDeps,
  type FileResult,
  type ImportErrorInfo,
  type ImportOptions,
  type ImportSource,
  type ImportSummary,
} from './types.js';

/**
 * Imports the sources one after the other, each file validated whole and written in one
 * transaction. Throws ImportBusyError when another import runs (in this or another process).
 */
export async function runImport(
  deps: EtlDeps,
  sources: ImportSource[],
  options: ImportOptions,
  hooks: Pick<RunHooks, 'onProgress' | 'onFile'> = {},
): Promise<ImportSummary> {
  const isolated = isolatable(deps);
  if (isolated) {
    const summary = await runIsolated(isolated, { kind: 'sources', sources, options }, hooks);
    if (summary === null) throw new Error('import worker returned no summary');
    return summary;
  }
  return executeImport(deps, prepareSources(deps, sources, hooks), options, hooks);
}
