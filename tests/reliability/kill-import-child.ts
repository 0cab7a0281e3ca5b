/**
 * The import process of kill-import.test.ts: `node --import tsx kill-import-child.ts <db> <csv>`.
 * Imports the file through the ETL's one pipeline (as the CLI does) and prints phase markers,
 * each written synchronously (fs.writeSync) so that a marker the parent reads after a SIGKILL
 * really was reached before the kill:
 *   ready         database open, import about to start (lock, run row, read, parse follow)
 *   write-begin   parse done, the writer prepares its statements (the write transaction follows)
 *   committed     the write transaction returned (it is committed)
 *   done          runImport returned (run row finished, lock released)
 * Each line is `<marker> <ms since process start>`.
 */
import { writeSync } from 'node:fs';
import { executeImport, prepareSources } from '../../etl/run.js';
import { openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';

const [dbPath, file] = process.argv.slice(2);
if (!dbPath || !file) {
  process.stderr.write('usage: kill-import-child.ts <db> <csv>\n');
  process.exit(2);
}

const mark = (what: string) => writeSync(1, `${what} ${Math.round(performance.now())}\n`);

const db = await openDatabase(dbPath);
const sqlite = db.sqlite;

// Instrumentation only (no behaviour change): the writer's first statement marks the end of
// the parse, and the first IMMEDIATE transaction after it is the write transaction.
let writing = false;
let committed = false;
const prepare = sqlite.prepare.bind(sqlite);
sqlite.prepare = ((source: string) => {
  if (!writing && /^\s*insert into imported_files\b/i.test(source) && source.includes("'imported'")) {
    writing = true;
    mark('write-begin');
  }
  return prepare(source);
}) as typeof sqlite.prepare;
const transaction = sqlite.transaction.bind(sqlite);
sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
  const tx = transaction(fn);
  // The variants are read-only properties: hand out a wrapper with the same shape.
  const immediate = (...args: unknown[]) => {
    const result = tx.immediate(...args);
    if (writing && !committed) {
      committed = true;
      mark('committed');
    }
    return result;
  };
  return Object.assign((...args: unknown[]) => tx(...args), {
    default: tx.default,
    deferred: tx.deferred,
    immediate,
    exclusive: tx.exclusive,
  });
}) as typeof sqlite.transaction;

const deps = { db, logger: silentLogger() };
mark('ready');
const summary = await executeImport(deps, prepareSources(deps, [{ kind: 'file', path: file }]), {
  trigger: 'cli',
});
mark('done');
writeSync(
  1,
  `${JSON.stringify({ status: summary.status, inserted: summary.inserted, updated: summary.updated })}\n`,
);
await db.close();
