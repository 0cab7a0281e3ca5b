/**
 * The bundled command line (dist/etl/cli-main.js, loaded by its entry dist/etl/cli.js,
 * etl/cli-entry.ts; built by scripts/build-server.ts): what `npm run etl` runs with plain node,
 * without the tsx loader and its start-up cost.
 */
import { runCommandLine } from './cli.js';
import { discardPrestartedWorker } from './worker-process.js';

// A worker the entry started for an import that did not come (a usage error, a database the
// import cannot share with a process) is killed at the end.
void runCommandLine(process.argv.slice(2)).finally(discardPrestartedWorker);
