/**
 * Migrations are frozen: a database migrated long ago and a fresh one must have the same schema,
 * however the migration files are written. tests/fixtures/migrations-schema.sqlite.json is the
 * schema a fresh SQLite database got from the migrations it names, captured from the Kysely
 * schema-builder versions of them before they were rewritten as SQL DDL; any difference here means
 * a frozen migration changed what it creates. (PostgreSQL: tests/pg/migrations-schema.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { statementsOf } from '../../server/db/migrations/ddl.js';
import { describeFrozenMigrations, sqliteChecks } from '../helpers/schema-snapshot.js';

// SQLite keeps sqlite_sequence, made by the first AUTOINCREMENT table, when every table is dropped.
const fixture = describeFrozenMigrations('sqlite', ['sqlite_sequence']);

describe('the SQLite schema fixture', () => {
  test('covers what the comparison relies on', () => {
    // A fixture without these would let a lost index, key or check pass unnoticed.
    const tables = fixture.tables as Record<
      string,
      { checks: unknown[]; indexes: unknown[]; foreignKeys: unknown[]; autoincrement: boolean }
    >;
    expect(Object.keys(tables).length).toBeGreaterThanOrEqual(30);
    expect(tables.observations?.checks).toHaveLength(3);
    // WITHOUT ROWID: the key is the table's own primary-key index (origin 'pk').
    expect(tables.observations?.indexes).toEqual([expect.objectContaining({ origin: 'pk', unique: 1 })]);
    expect(tables.revisions?.autoincrement).toBe(true);
    expect(tables.sessions?.foreignKeys).toHaveLength(1);
    expect(fixture.seed.indicators?.length).toBeGreaterThanOrEqual(19);
  });

  test('reads CHECK constraints from the DDL with their names, nested parentheses included', () => {
    const ddl = `create table t ("a" real, constraint "t_a" check ((a is null) = (b is not null)),
      b text check (b in ('x', 'y')))`;
    expect(sqliteChecks(ddl)).toEqual([
      { name: 't_a', check: '(a is null)=(b is not null)' },
      { name: null, check: "b in('x','y')" },
    ]);
  });
});

describe('migration scripts', () => {
  test('split at each ; outside quoted strings and comments; comment-only pieces are dropped', () => {
    const script = `create table a (x text default ';');
      -- a remark; with a semicolon and it's apostrophe
      create index a_x on a (x);
      -- trailing remark`;
    expect(statementsOf(script)).toEqual([
      "create table a (x text default ';')",
      "-- a remark; with a semicolon and it's apostrophe\n      create index a_x on a (x)",
    ]);
  });
});
