/** Everything the HTTP app needs, injected: tests pass a fresh in-memory DB and a fixed clock. */

import type { ImportJobs } from '../etl/import-jobs.js';
import type { EtlDeps } from '../etl/index.js';
import type { AlertService } from './alerts/service.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import type { GoalService } from './goals/service.js';
import type { Logger } from './logger.js';

export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: () => Date;
  goals: GoalService;
  /** E-mail alerts: history, mutes, evaluation on demand. */
  alerts: AlertService;
  /** What the import endpoints pass to runImport / runScheduledImport. */
  etl: EtlDeps;
  /** The import wizard's background imports (one registry per app; a shutdown waits for them). */
  importJobs: ImportJobs;
  /** Build id (sha256 of the built index.html, or 'dev'): the wall display reloads when it changes. */
  build: string;
}
