/**
 * Entry of the bundled command line (dist/etl/cli.js, built by scripts/build-server.ts): what
 * `npm run etl` runs with plain node, without the tsx loader and its start-up cost.
 */
import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Unerwarteter Fehler: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
