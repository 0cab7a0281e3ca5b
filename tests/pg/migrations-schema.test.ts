/**
 * Migrations are frozen: a database migrated years ago and a fresh one must have the same schema,
 * however the migration files are written. tests/fixtures/migrations-schema.postgres.json is the
 * schema a fresh PostgreSQL database got from the migrations it names, captured from the Kysely
 * schema-builder versions of them before they were rewritten as SQL DDL; any difference here means
 * a frozen migration changed what it creates. (SQLite: tests/unit/migrations-schema.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { migratedSnapshot, type SchemaSnapshot } from '../helpers/schema-snapshot.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/migrations-schema.postgres.json', import.meta.url), 'utf8'),
) as SchemaSnapshot;

describe('migrations on PostgreSQL', () => {
  test('a fresh database gets exactly the schema and seed rows of the fixture', async () => {
    const snapshot = await migratedSnapshot('postgres', fixture.migrations);
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
    // A fixture without these would let a lost index, key, identity or check pass unnoticed.
    const tables = fixture.tables as Record<
      string,
      {
        columns: { column_name: string; is_identity: string }[];
        indexes: unknown[];
        constraints: { contype: string }[];
      }
    >;
    expect(Object.keys(tables).length).toBeGreaterThanOrEqual(30);
    expect(tables.observations?.constraints.filter((c) => c.contype === 'c')).toHaveLength(3);
    expect(tables.observations?.indexes.length).toBeGreaterThanOrEqual(3);
    expect(tables.sessions?.constraints.filter((c) => c.contype === 'f')).toHaveLength(1);
    expect(tables.import_runs?.columns.find((c) => c.column_name === 'id')?.is_identity).toBe('YES');
    expect(fixture.seed.indicators?.length).toBeGreaterThanOrEqual(19);
  });
});
