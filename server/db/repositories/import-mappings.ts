import type { Kysely, Selectable } from 'kysely';
import type { Database, ImportMappingsTable } from '../schema.js';

/** A saved wizard mapping as the API shows it (`spec` parsed JSON, validated by the caller). */
export interface ImportMappingRow {
  id: number;
  name: string;
  pattern: string;
  spec: unknown;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
}

function toRow(r: Selectable<ImportMappingsTable>): ImportMappingRow {
  return {
    id: r.id,
    name: r.name,
    pattern: r.pattern,
    spec: JSON.parse(r.spec) as unknown,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

export async function listImportMappings(db: Kysely<Database>): Promise<ImportMappingRow[]> {
  return (await db.selectFrom('import_mappings').selectAll().orderBy('id').execute()).map(toRow);
}

export async function getImportMapping(
  db: Kysely<Database>,
  id: number,
): Promise<ImportMappingRow | undefined> {
  const r = await db.selectFrom('import_mappings').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRow(r) : undefined;
}

export interface MappingInput {
  name: string;
  pattern: string;
  spec: unknown;
}

/** Inserts or (same name) replaces a mapping; returns its id. */
export async function upsertImportMapping(
  db: Kysely<Database>,
  m: MappingInput,
  now: string,
  by: string | null,
): Promise<number> {
  const row = await db
    .insertInto('import_mappings')
    .values({
      name: m.name,
      pattern: m.pattern,
      spec: JSON.stringify(m.spec),
      created_at: now,
      updated_at: now,
      updated_by: by,
    })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ pattern: m.pattern, spec: JSON.stringify(m.spec), updated_at: now, updated_by: by }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Updates a mapping by id; false when there is none. */
export async function updateImportMapping(
  db: Kysely<Database>,
  id: number,
  m: MappingInput,
  now: string,
  by: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('import_mappings')
    .set({ name: m.name, pattern: m.pattern, spec: JSON.stringify(m.spec), updated_at: now, updated_by: by })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteImportMapping(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('import_mappings').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
