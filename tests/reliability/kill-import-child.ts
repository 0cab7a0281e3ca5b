/**
 * The import process of kill-import.test.ts: `node --import tsx kill-import-child.ts <db> <csv>`.
 * Imports the file through the ETL's one pipeline (as the CLI does) and prints phase markers,
 * each written synchronously (fs.writeSync) so that a marker the parent reads after a SIGKILL
 * really was reached before the kill:
 *   ready         database open, import about to start (lock, run row, read, parse follow)
 *   write-begin   parse done, the write transaction begins (BEGIN IMMEDIATE)
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

// Instrumentation only (no behaviour change): the write transaction's BEGIN IMMEDIATE marks the
// end of the parse, and its COMMIT (once it ran) marks the commit.
let writing = false;
let committed = false;
const prepare = sqlite.prepare.bind(sqlite);
sqlite.prepare = ((source: string) => {
  const stmt = prepare(source);
  if (!writing && /^\s*begin immediate\b/i.test(source)) {
    writing = true;
    mark('write-begin');
  } else if (writing && !committed && /^\s*commit\b/i.test(source)) {
    const run = stmt.run.bind(stmt);
    stmt.run = ((...args: unknown[]) => {
      const result = run(...args);
      committed = true;
      mark('committed');
      return result;
    }) as typeof stmt.run;
  }
  return stmt;
}) as typeof sqlite.prepare;

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
