/**
 * Migrations are frozen: a database migrated long ago and a fresh one must have the same schema,
 * however the migration files are written. tests/fixtures/migrations-schema.postgres.json is the
 * schema a fresh PostgreSQL database got from the migrations it names, captured from the Kysely
 * schema-builder versions of them before they were rewritten as SQL DDL; any difference here means
 * a frozen migration changed what it creates. (SQLite: tests/unit/migrations-schema.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { describeFrozenMigrations } from '../helpers/schema-snapshot.js';

const fixture = describeFrozenMigrations('postgres', []);

describe('the PostgreSQL schema fixture', () => {
  test('covers what the comparison relies on', () => {
    // A fixture without these would let a lost index, key, identity or float width pass unnoticed.
    const tables = fixture.tables as Record<
      string,
      {
        columns: { column_name: string; is_identity: string; data_type: string }[];
        indexes: unknown[];
        constraints: { contype: string }[];
      }
    >;
    const column = (table: string, name: string) =>
      tables[table]?.columns.find((c) => c.column_name === name);
    expect(Object.keys(tables).length).toBeGreaterThanOrEqual(30);
    expect(tables.observations?.constraints.filter((c) => c.contype === 'c')).toHaveLength(3);
    expect(tables.observations?.indexes.length).toBeGreaterThanOrEqual(3);
    expect(column('observations', 'value')?.data_type).toBe('double precision');
    expect(tables.sessions?.constraints.filter((c) => c.contype === 'f')).toHaveLength(1);
    expect(column('import_runs', 'id')?.is_identity).toBe('YES');
    expect(fixture.seed.indicators?.length).toBeGreaterThanOrEqual(19);
  });
});
