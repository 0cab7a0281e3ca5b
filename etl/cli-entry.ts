/**
 * The built command line's entry, dist/etl/cli.js: when the arguments name files to import, it
 * forks the import worker (dist/etl/import-worker.js) first, then loads the command line
 * (dist/etl/cli-main.js, the bundle of etl/main.ts). The worker's node start and module loading
 * then overlap the command line's own, and its database's opening and migrations, on the second
 * core (docs/benchmarks.md, issue 13, eighteenth round). A bundle's imports are evaluated before
 * its code, so this entry imports no npm package (a test reads the built file).
 */
import { fileURLToPath } from 'node:url';
import { namesFiles, workerHeapMb } from './cli-entry-args.js';
import { prestartWorker } from './worker-process.js';

/** Set by scripts/build-server.ts in the bundle's banner: this bundle's own URL. */
declare const __zielmonitorBundleUrl: string | undefined;

const heapMb = workerHeapMb(process.env.IMPORT_WORKER_MAX_MB);
if (typeof __zielmonitorBundleUrl === 'string' && heapMb !== null && namesFiles(process.argv.slice(2))) {
  try {
    prestartWorker(fileURLToPath(new URL('./import-worker.js', __zielmonitorBundleUrl)), {
      maxOldGenerationSizeMb: heapMb,
    });
  } catch {
    // fork() threw (ENOMEM, say): the import forks its own worker and reports what happens then.
  }
}

// Built, this is dist/etl/cli-main.js (scripts/build-server.ts); under tsx, etl/main.ts.
await import('./main.js');
