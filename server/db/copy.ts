/**
 * `npm run db:copy -- --from data/zielmonitor.db --to postgres://…` moves a SQLite installation
 * to PostgreSQL: migrates the target, copies every table in one transaction (COPY), moves the
 * identity sequences past the copied ids, and checks each table by row count and a checksum
 * computed the same way on both sides. The target must hold no data yet; the source is opened
 * read-only.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import {
  type Db,
  openDatabase,
  openPostgres,
  type PgDb,
  pendingMigrations,
  type SqliteDb,
} from './connection.js';
import { withWriteTransaction } from './dialect/index.js';

type Cell = string | number | null;

interface TableInfo {
  name: string;
  columns: string[];
  /** Tables it references (copied first). */
  parents: string[];
}

/** The source's tables (without the migration bookkeeping), parents before children. */
function sourceTables(src: SqliteDb): TableInfo[] {
  const names = src.sqlite
    .prepare(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`,
    )
    .pluck()
    .all() as string[];
  const infos = names.map((name): TableInfo => {
    const columns = (src.sqlite.pragma(`table_info("${name}")`) as { name: string }[]).map((c) => c.name);
    const parents = (src.sqlite.pragma(`foreign_key_list("${name}")`) as { table: string }[])
      .map((f) => f.table)
      .filter((t) => t !== name);
    return { name, columns, parents };
  });
  const done = new Set<string>();
  const ordered: TableInfo[] = [];
  while (ordered.length < infos.length) {
    const next = infos.filter(
      (t) => !done.has(t.name) && t.parents.every((p) => done.has(p) || p === t.name),
    );
    if (next.length === 0) throw new Error('foreign keys form a cycle');
    for (const t of next) {
      done.add(t.name);
      ordered.push(t);
    }
  }
  return ordered;
}

/**
 * Count and an order-independent checksum of a table: the sum (mod 2^64) of the first 8 bytes of
 * each row's SHA-256 over its cells (numbers in JS notation, NULL as \N). Equal on both engines
 * for equal contents, whatever order the rows come in.
 */
export class TableChecksum {
  count = 0;
  private sum = 0n;
  add(row: readonly Cell[]): void {
    const h = createHash('sha256');
    for (const v of row)
      h.update(v === null ? '\\N\u0000' : `${typeof v === 'number' ? 'n' : 's'}${String(v)}\u0000`);
    this.sum = (this.sum + h.digest().readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
    this.count++;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

/** Normalises what a driver returns (bigint counts, numeric strings stay strings). */
const cell = (v: unknown): Cell =>
  v === null || v === undefined
    ? null
    : typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(v)
        : String(v);

async function targetChecksum(dst: Db, table: TableInfo): Promise<TableChecksum> {
  const sum = new TableChecksum();
  const cols = table.columns.map((c) => `"${c}"`).join(', ');
  const rows = await sql.raw<Record<string, unknown>>(`select ${cols} from "${table.name}"`).execute(dst.db);
  for (const r of rows.rows) sum.add(table.columns.map((c) => cell(r[c])));
  return sum;
}

async function assertEmpty(dst: PgDb, tables: TableInfo[]): Promise<void> {
  // The migrations seed indicators and meta; any other row means the target is in use.
  for (const t of tables) {
    if (t.name === 'indicators' || t.name === 'meta') continue;
    const r = await sql.raw<{ n: number }>(`select count(*) as n from "${t.name}"`).execute(dst.db);
    if (Number(r.rows[0]?.n ?? 0) > 0) {
      throw new Error(
        `Ziel enthält schon Daten (Tabelle ${t.name}); db:copy füllt nur eine leere Datenbank.`,
      );
    }
  }
}

export interface CopyReport {
  table: string;
  rows: number;
  checksum: string;
  ok: boolean;
}

/** Copies every table of `src` into the empty, migrated `dst` and checks each one. */
export async function copyDatabase(src: SqliteDb, dst: PgDb): Promise<CopyReport[]> {
  const pending = await pendingMigrations(src.db);
  if (pending.length > 0) {
    throw new Error(
      `Quelle ist nicht auf dem aktuellen Stand (${pending.join(', ')}): erst npm run migrate mit DATABASE_PATH der Quelle.`,
    );
  }
  const tables = sourceTables(src);
  await assertEmpty(dst, tables);
  const sums = new Map<string, TableChecksum>();
  await withWriteTransaction(dst, async ({ trx, insertRows }) => {
    for (const t of [...tables].reverse()) await sql.raw(`delete from "${t.name}"`).execute(trx);
    for (const t of tables) {
      const sum = new TableChecksum();
      sums.set(t.name, sum);
      const stmt = src.sqlite
        .prepare(`select ${t.columns.map((c) => `"${c}"`).join(', ')} from "${t.name}"`)
        .raw();
      const rows = function* () {
        for (const r of stmt.iterate() as IterableIterator<unknown[]>) {
          const row = r.map(cell);
          sum.add(row);
          yield row;
        }
      };
      await insertRows(t.name as never, t.columns, rows());
      const seq = t.columns.includes('id')
        ? await sql<{ s: string | null }>`select pg_get_serial_sequence(${`"${t.name}"`}, 'id') as s`.execute(
            trx,
          )
        : null;
      if (seq?.rows[0]?.s) {
        // Identity keys continue after the copied ids.
        await sql
          .raw(
            `select setval('${seq.rows[0].s}', coalesce((select max(id) from "${t.name}"), 1), (select count(*) from "${t.name}") > 0)`,
          )
          .execute(trx);
      }
    }
  });
  const report: CopyReport[] = [];
  for (const t of tables) {
    const expected = sums.get(t.name) ?? new TableChecksum();
    const actual = await targetChecksum(dst, t);
    report.push({
      table: t.name,
      rows: actual.count,
      checksum: actual.hex,
      ok: actual.count === expected.count && actual.hex === expected.hex,
    });
  }
  return report;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const from = arg('from');
  const to = arg('to');
  if (!from || !to || !/^postgres(ql)?:\/\//.test(to)) {
    console.error(
      'Aufruf: npm run db:copy -- --from data/zielmonitor.db --to postgres://user:pass@host:5432/db',
    );
    process.exit(2);
  }
  if (!existsSync(from)) {
    console.error(`Quelle nicht gefunden: ${from}`);
    process.exit(2);
  }
  const src = await openDatabase(from, { readonly: true, migrate: false });
  const dst = await openPostgres(to, { poolSize: 2 });
  try {
    const report = await copyDatabase(src, dst);
    for (const r of report) {
      console.log(
        `${r.ok ? 'ok  ' : 'FEHLER'} ${r.table.padEnd(20)} ${String(r.rows).padStart(9)} Zeilen  Prüfsumme ${r.checksum}`,
      );
    }
    if (report.some((r) => !r.ok)) {
      console.error('Kopie weicht von der Quelle ab (siehe FEHLER).');
      process.exitCode = 1;
    } else {
      console.log(
        `${report.length} Tabellen kopiert nach ${dst.path}; Anzahl und Prüfsumme stimmen überein.`,
      );
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
