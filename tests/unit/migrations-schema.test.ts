/**
 * Migrations are frozen: a database migrated years ago and a fresh one must have the same schema,
 * however the migration files are written. tests/fixtures/migrations-schema.sqlite.json is the
 * schema a fresh SQLite database got from the migrations it names, captured from the Kysely
 * schema-builder versions of them before they were rewritten as SQL DDL; any difference here means
 * a frozen migration changed what it creates. (PostgreSQL: tests/pg/migrations-schema.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { migratedSnapshot, type SchemaSnapshot, sqliteChecks } from '../helpers/schema-snapshot.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/migrations-schema.sqlite.json', import.meta.url), 'utf8'),
) as SchemaSnapshot;

describe('migrations on SQLite', () => {
  test('a fresh database gets exactly the schema and seed rows of the fixture', async () => {
    const snapshot = await migratedSnapshot('sqlite', fixture.migrations);
    expect(snapshot.migrations).toEqual(fixture.migrations);
    expect(Object.keys(snapshot.tables)).toEqual(Object.keys(fixture.tables));
    for (const table of Object.keys(fixture.tables)) {
      expect({ table, ...(snapshot.tables[table] as object) }).toEqual({
        table,
        ...(fixture.tables[table] as object),
      });
    }
    expect(snapshot.seed).toEqual(fixture.seed);
  });

  test('the fixture covers what the comparison relies on', () => {
    // A fixture without these would let a lost index, key or check pass unnoticed.
    const tables = fixture.tables as Record<
      string,
      { checks: unknown[]; indexes: unknown[]; foreignKeys: unknown[] }
    >;
    expect(Object.keys(tables).length).toBeGreaterThanOrEqual(30);
    expect(tables.observations?.checks).toHaveLength(3);
    expect(tables.observations?.indexes.length).toBeGreaterThanOrEqual(2);
    expect(tables.sessions?.foreignKeys).toHaveLength(1);
    expect(fixture.seed.indicators?.length).toBeGreaterThanOrEqual(19);
  });

  test('CHECK constraints are read from the DDL with their names, nested parentheses included', () => {
    const ddl = `create table t ("a" real, constraint "t_a" check ((a is null) = (b is not null)),
      b text check (b in ('x', 'y')))`;
    expect(sqliteChecks(ddl)).toEqual([
      { name: 't_a', check: '(a is null)=(b is not null)' },
      { name: null, check: "b in('x','y')" },
    ]);
  });
});
