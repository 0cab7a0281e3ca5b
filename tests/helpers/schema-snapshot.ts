/**
 * The schema the migrations give a fresh database, as plain data that two databases can be compared
 * by: tables with their columns (type, null, default, key, identity), indexes (columns, unique,
 * partial, expression), foreign keys, CHECK and other constraints, plus the rows the migrations
 * seed (`indicators`, `meta`). The text the DDL was written in (quoting, spacing, clause order)
 * is not part of it; what the engine made of it is. Kysely's own bookkeeping tables are left out.
 */

import { readFileSync } from 'node:fs';
import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';
import { describe, expect, test } from 'vitest';
import { type Db, openDatabase, openPostgres } from '../../server/db/connection.js';
import { migrations } from '../../server/db/migrations/index.js';
import { all, createPgDatabase, dropPgDatabase } from './db.js';

export interface SchemaSnapshot {
  /** The migrations run, in order (the snapshot is of the database right after the last one). */
  migrations: string[];
  tables: Record<string, unknown>;
  /** Rows the migrations insert, per table, ordered by their key. */
  seed: Record<string, unknown[]>;
}

const SEED_QUERIES = {
  indicators: 'select * from indicators order by code',
  meta: 'select * from meta order by key',
};

/** Whitespace folded, identifier quotes dropped, no space around parentheses and commas. */
function normaliseSql(text: string): string {
  return text
    .replace(/"/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim()
    .toLowerCase();
}

/** The CHECK constraints written in a SQLite `create table` statement (named or not), in order. */
export function sqliteChecks(createTable: string): { name: string | null; check: string }[] {
  const out: { name: string | null; check: string }[] = [];
  const re = /(?:constraint\s+("[^"]+"|\w+)\s+)?check\s*\(/gi;
  for (let m = re.exec(createTable); m !== null; m = re.exec(createTable)) {
    let depth = 1;
    let i = re.lastIndex;
    for (; i < createTable.length && depth > 0; i++) {
      if (createTable[i] === '(') depth++;
      else if (createTable[i] === ')') depth--;
    }
    out.push({
      name: m[1] === undefined ? null : m[1].replace(/"/g, ''),
      check: normaliseSql(createTable.slice(re.lastIndex, i - 1)),
    });
  }
  return out;
}

async function sqliteTables(db: Db): Promise<Record<string, unknown>> {
  const objects = await all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    db,
    `select type, name, tbl_name, sql from sqlite_master where name not like 'kysely_migration%' order by type, name`,
  );
  const tables: Record<string, unknown> = {};
  for (const t of objects.filter((o) => o.type === 'table')) {
    const indexes = await all<{ name: string; unique: number; origin: string; partial: number }>(
      db,
      `select name, "unique", origin, partial from pragma_index_list('${t.name}') order by name`,
    );
    tables[t.name] = {
      autoincrement: /\bautoincrement\b/i.test(t.sql ?? ''),
      columns: await all(
        db,
        `select cid, name, type, "notnull", dflt_value, pk, hidden from pragma_table_xinfo('${t.name}')`,
      ),
      indexes: await Promise.all(
        indexes.map(async (ix) => ({
          ...ix,
          keys: await all(
            db,
            `select seqno, cid, name, "desc", coll from pragma_index_xinfo('${ix.name}') where key = 1 order by seqno`,
          ),
          sql: ((s) => (s ? normaliseSql(s) : null))(objects.find((o) => o.name === ix.name)?.sql),
        })),
      ),
      foreignKeys: await all(
        db,
        `select id, seq, "table", "from", "to", on_update, on_delete, "match" from pragma_foreign_key_list('${t.name}') order by id, seq`,
      ),
      checks: sqliteChecks(t.sql ?? ''),
    };
  }
  const others = objects.filter((o) => o.type !== 'table' && o.type !== 'index');
  if (others.length > 0) tables['(views and triggers)'] = others;
  return tables;
}

async function postgresTables(db: Db): Promise<Record<string, unknown>> {
  const names = await all<{ table_name: string }>(
    db,
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_migration%' order by table_name`,
  );
  const tables: Record<string, unknown> = {};
  for (const { table_name: name } of names) {
    tables[name] = {
      columns: await all(
        db,
        `select ordinal_position, column_name, data_type, is_nullable, column_default, is_identity,
                identity_generation, identity_start, identity_increment, numeric_precision
           from information_schema.columns
          where table_schema = 'public' and table_name = ? order by ordinal_position`,
        name,
      ),
      indexes: await all(
        db,
        `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = ? order by indexname`,
        name,
      ),
      constraints: await all(
        db,
        `select conname, contype, pg_get_constraintdef(c.oid) as definition
           from pg_constraint c join pg_class r on r.oid = c.conrelid
           join pg_namespace n on n.oid = r.relnamespace
          where n.nspname = 'public' and r.relname = ? order by conname`,
        name,
      ),
    };
  }
  const others = await all(
    db,
    `select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind not in ('r', 'i', 'S') and c.relname not like 'kysely_migration%'
      order by c.relname`,
  );
  if (others.length > 0) tables['(views and other relations)'] = others;
  return tables;
}

/** Tables (and views, triggers) of `db` with their columns, indexes and constraints. */
function tablesOf(db: Db): Promise<Record<string, unknown>> {
  return db.dialect === 'sqlite' ? sqliteTables(db) : postgresTables(db);
}

/** The snapshot of `db` (already migrated by the caller). */
export async function snapshotOf(db: Db, ran: string[]): Promise<SchemaSnapshot> {
  const seed: Record<string, unknown[]> = {};
  for (const [table, query] of Object.entries(SEED_QUERIES)) seed[table] = await all(db, query);
  return {
    migrations: ran,
    tables: await tablesOf(db),
    seed,
  };
}

export function registered(names: string[]): Record<string, Migration> {
  const missing = names.filter((n) => !(n in migrations));
  if (missing.length > 0) throw new Error(`migrations no longer registered: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, migrations[n] as Migration]));
}

/** Runs `fn` on a fresh, unmigrated database of `dialect` (dropped again afterwards). */
export async function withFreshDb<T>(dialect: Db['dialect'], fn: (db: Db) => Promise<T>): Promise<T> {
  const url = dialect === 'postgres' ? await createPgDatabase() : null;
  const db =
    url === null
      ? await openDatabase(':memory:', { migrate: false })
      : await openPostgres(url, { migrate: false, poolSize: 1 });
  try {
    return await fn(db);
  } finally {
    await db.close();
    if (url !== null) await dropPgDatabase(url);
  }
}

function check(result: MigrationResultSet): string[] {
  if (result.error) throw result.error;
  return (result.results ?? []).map((r) => r.migrationName);
}

/**
 * A fresh database of `dialect` migrated with exactly the migrations `names` (as registered in
 * server/db/migrations/index.ts), and its snapshot. Migrations registered later do not enter it, so
 * the snapshot of the frozen migrations stays what it is while new ones are added.
 */
export function migratedSnapshot(dialect: Db['dialect'], names: string[]): Promise<SchemaSnapshot> {
  const provider = { getMigrations: async () => registered(names) };
  return withFreshDb(dialect, async (db) =>
    snapshotOf(db, check(await new Migrator({ db: db.db, provider }).migrateToLatest())),
  );
}

/**
 * The same, but each migration's `down()` is run after the `up()`s (newest first) and then every
 * `up()` again: `reverted` lists the migrations undone and `left` the tables they left behind.
 */
export function downAndUpAgain(
  dialect: Db['dialect'],
  names: string[],
): Promise<{ reverted: string[]; left: string[]; snapshot: SchemaSnapshot }> {
  const provider = { getMigrations: async () => registered(names) };
  return withFreshDb(dialect, async (db) => {
    const migrator = new Migrator({ db: db.db, provider });
    check(await migrator.migrateToLatest());
    const reverted = check(await migrator.migrateTo(NO_MIGRATIONS));
    const left = Object.keys(await tablesOf(db));
    const snapshot = await snapshotOf(db, check(await migrator.migrateToLatest()));
    return { reverted, left, snapshot };
  });
}

/** Asserts `actual` is `expected`, table by table (so that a failure names the table). */
export function expectSameSchema(actual: SchemaSnapshot, expected: SchemaSnapshot): void {
  expect(actual.migrations).toEqual(expected.migrations);
  expect(Object.keys(actual.tables)).toEqual(Object.keys(expected.tables));
  for (const table of Object.keys(expected.tables)) {
    expect({ table, ...(actual.tables[table] as object) }).toEqual({
      table,
      ...(expected.tables[table] as object),
    });
  }
  expect(actual.seed).toEqual(expected.seed);
}

/**
 * The tests that the frozen migrations still give a fresh `dialect` database the schema of the
 * fixture `tests/fixtures/migrations-schema.<dialect>.json`, also after every `down()` and `up()`
 * again. `left` is what a full `down()` may leave (SQLite keeps its own sqlite_sequence).
 */
export function describeFrozenMigrations(dialect: Db['dialect'], left: string[]): SchemaSnapshot {
  const fixture = JSON.parse(
    readFileSync(new URL(`../fixtures/migrations-schema.${dialect}.json`, import.meta.url), 'utf8'),
  ) as SchemaSnapshot;
  describe(`frozen migrations on ${dialect}`, () => {
    test('a fresh database gets exactly the schema and seed rows of the fixture', async () => {
      expectSameSchema(await migratedSnapshot(dialect, fixture.migrations), fixture);
    });

    test('down() undoes every migration, and up() again gives the same schema', async () => {
      const result = await downAndUpAgain(dialect, fixture.migrations);
      expect(result.reverted).toEqual([...fixture.migrations].reverse());
      expect(result.left).toEqual(left);
      expectSameSchema(result.snapshot, fixture);
    });
  });
  return fixture;
}
