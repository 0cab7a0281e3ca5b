/**
 * Shared helpers of the reliability tests: a seeded PRNG (so every random run can be replayed),
 * logical checksums of the database, and generators of valid seed files.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { formatMonth, monthName } from '../../core/format.js';
import type { Db } from '../../server/db/connection.js';
import { all, pluckAll } from '../helpers/db.js';

/** mulberry32: small, fast, good enough to spread mutations; same seed → same run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [min, max] (inclusive). */
    int(min: number, max: number): number {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}
export type Prng = ReturnType<typeof prng>;

/** Tables that only record what was tried (runs, files) and legitimately grow on a rejection. */
const BOOKKEEPING = new Set(['import_runs', 'imported_files', 'sqlite_sequence']);

/** Every table holding data (all tables except the import bookkeeping and migration tables). */
export function dataTables(sqlite: SqliteDatabase.Database): string[] {
  return tableNames(sqlite).filter((n) => !BOOKKEEPING.has(n) && !n.startsWith('kysely_'));
}

/**
 * A logical checksum of a set of tables: every row as JSON, sorted, hashed. Equal checksums mean
 * the same rows (independent of page layout and row order).
 */
export function tablesChecksum(sqlite: SqliteDatabase.Database, tables: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of tables) {
    const rows = sqlite
      .prepare(`select * from "${t.replace(/"/g, '""')}"`)
      .raw()
      .all()
      .map((r) => JSON.stringify(r))
      .sort();
    h.update(`${t}\n${rows.length}\n`);
    for (const r of rows) h.update(`${r}\n`);
  }
  return h.digest('hex');
}

/** Checksum of all data tables (see dataTables). */
export function dataChecksum(sqlite: SqliteDatabase.Database): string {
  return tablesChecksum(sqlite, dataTables(sqlite));
}

/** Checksum of the observations only: (region, indicator, gender, month, value, flag). */
export function observationsChecksum(sqlite: SqliteDatabase.Database): string {
  const rows = sqlite
    .prepare(
      'select region_id, indicator_code, gender, month, value, flag from observations order by region_id, indicator_code, gender, month',
    )
    .raw()
    .all();
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

export function integrityCheck(sqlite: SqliteDatabase.Database): string {
  return sqlite
    .prepare('pragma integrity_check')
    .pluck()
    .all()
    .map((v) => String(v))
    .join('; ');
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const GENDERS = ['total', 'female', 'male'] as const;
export type SeedGender = (typeof GENDERS)[number];
export const BASE_CODES = ['INT', 'ELB', 'LZB'] as const;

export function monthsOfYear(year: number): string[] {
  return Array.from({ length: 12 }, (_, k) => `${year}-${String(k + 1).padStart(2, '0')}`);
}

/** German month names, from the product's one formatter (not re-typed here). */
export const GERMAN_MONTHS = Array.from({ length: 12 }, (_, i) => monthName(i + 1));

/** '2023-03' → 'März 2023'. */
export function germanMonth(month: string): string {
  return formatMonth(month);
}

/** A plausible count for (indicator, gender, month index), deterministic, gender parts sum to total. */
export function seedValue(code: string, gender: SeedGender, k: number, salt = 0): number {
  const base = code === 'INT' ? 200 : code === 'ELB' ? 10_400 : 6_600;
  const female = Math.round(base * 0.45) + ((k * 7 + salt) % 13);
  const male = Math.round(base * 0.55) + ((k * 11 + salt) % 17);
  return gender === 'female' ? female : gender === 'male' ? male : female + male;
}

export interface CanonicalRow {
  region: string;
  name: string;
  month: string;
  indicator: string;
  gender: string;
  value: string;
  flag: string;
}

export const CANONICAL_HEADER = 'region;region_name;month;indicator;gender;value;flag';

/** Rows of a valid canonical file: `region` × 12 months of `year` × INT/ELB/LZB × 3 genders. */
export function canonicalRows(region: string, name: string, year: number, salt = 0): CanonicalRow[] {
  const rows: CanonicalRow[] = [];
  monthsOfYear(year).forEach((month, k) => {
    for (const indicator of BASE_CODES) {
      for (const gender of GENDERS) {
        rows.push({
          region,
          name,
          month,
          indicator,
          gender,
          value: String(seedValue(indicator, gender, k, salt)),
          flag: '',
        });
      }
    }
  });
  return rows;
}

export function canonicalText(rows: readonly CanonicalRow[], eol = '\n'): string {
  const lines = [CANONICAL_HEADER];
  for (const r of rows)
    lines.push([r.region, r.name, r.month, r.indicator, r.gender, r.value, r.flag].join(';'));
  return lines.join(eol) + eol;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

/** One canonical file of `regions` regions R00000… × 12 months of `year` × 3 indicators × 3 genders. */
export function manyRegionsCsv(regions: number, year = 2023): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < regions; i++) {
    const text = canonicalText(canonicalRows(`R${String(i).padStart(5, '0')}`, `Region ${i}`, year));
    parts.push(i === 0 ? text : text.slice(text.indexOf('\n') + 1));
  }
  return utf8(parts.join(''));
}

/** Columns that differ between two runs that loaded the same data (timestamps, row ids, links to runs). */
function incidental(col: { name: string; type: string; pk: number }): boolean {
  return (
    (col.pk > 0 && /int/i.test(col.type) && col.name === 'id') ||
    col.name.endsWith('_at') ||
    ['source_file_id', 'import_run_id', 'run_id'].includes(col.name)
  );
}

/**
 * A checksum of what the data tables SAY, without what differs between two loads of the same
 * file (timestamps, autoincrement ids): two databases that loaded the same files in the same
 * order, at different times, have the same logical checksum. `meta` is left out (it holds the
 * import lock); compare data_version separately. `only` restricts it to some tables.
 */
export function logicalChecksum(sqlite: SqliteDatabase.Database, only?: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of only ?? dataTables(sqlite).filter((n) => n !== 'meta')) {
    const cols = sqlite
      .prepare(`pragma table_info("${t.replace(/"/g, '""')}")`)
      .all()
      .flatMap((c) => {
        if (typeof c !== 'object' || c === null) return [];
        const { name, type, pk } = c as Record<string, unknown>;
        return typeof name === 'string' ? [{ name, type: String(type), pk: Number(pk) }] : [];
      })
      .filter((c) => !incidental(c))
      .map((c) => `"${c.name}"`);
    if (cols.length === 0) continue;
    const rows = sqlite
      .prepare(`select ${cols.join(', ')} from "${t}"`)
      .raw()
      .all()
      .map((r) => JSON.stringify(r))
      .sort();
    h.update(`${t}(${cols.join(',')})\n${rows.length}\n`);
    for (const r of rows) h.update(`${r}\n`);
  }
  return h.digest('hex');
}

export function dataVersionOf(sqlite: SqliteDatabase.Database): number {
  return Number(sqlite.prepare(`select value from meta where key = 'data_version'`).pluck().get() ?? 0);
}

/** The tables of a database of either engine, by name (migration tables included). */
export async function tableNamesOf(db: Db): Promise<string[]> {
  return db.dialect === 'sqlite'
    ? tableNames(db.sqlite)
    : pluckAll<string>(
        db,
        `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
      );
}

function tableNames(sqlite: SqliteDatabase.Database): string[] {
  return sqlite
    .prepare(`select name from sqlite_master where type = 'table' order by name`)
    .pluck()
    .all()
    .filter((n): n is string => typeof n === 'string');
}

/** tablesChecksum on either engine: every row as JSON, sorted, hashed, per table. */
export async function tablesChecksumOf(db: Db, tables: readonly string[]): Promise<string> {
  if (db.dialect === 'sqlite') return tablesChecksum(db.sqlite, tables);
  const h = createHash('sha256');
  for (const t of tables) {
    const rows = (await all(db, `select * from "${t.replace(/"/g, '""')}"`))
      .map((r) => JSON.stringify(Object.values(r)))
      .sort();
    h.update(`${t}\n${rows.length}\n`);
    for (const r of rows) h.update(`${r}\n`);
  }
  return h.digest('hex');
}

/**
 * 'ok' when the database is sound: SQLite's `pragma integrity_check`; on PostgreSQL (whose storage
 * is the server's business) every table of the schema must still answer a full read.
 */
export async function integrityOf(db: Db): Promise<string> {
  if (db.dialect === 'sqlite') return integrityCheck(db.sqlite);
  const problems: string[] = [];
  for (const t of await tableNamesOf(db)) {
    await all(db, `select count(*) from "${t.replace(/"/g, '""')}"`).catch((e: unknown) =>
      problems.push(`${t}: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  return problems.length === 0 ? 'ok' : problems.join('; ');
}

/** dataChecksum on either engine (every data table, see dataTables). */
export async function dataChecksumOf(db: Db): Promise<string> {
  if (db.dialect === 'sqlite') return dataChecksum(db.sqlite);
  const tables = (await tableNamesOf(db)).filter((n) => !BOOKKEEPING.has(n) && !n.startsWith('kysely_'));
  return tablesChecksumOf(db, tables);
}
