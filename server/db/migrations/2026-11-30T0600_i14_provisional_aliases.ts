// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * Real BA files (issue 14):
 * - `observations.provisional` / `revisions.old_provisional, new_provisional`: a value the BA
 *   marks as provisional (hochgerechnet, "Am aktuellen Rand werden vorläufige Daten
 *   ausgewiesen"); the final value later replaces it as a revision.
 * - `region_aliases`: other keys of a region (the BA Jobcenter id `t11522` beside the Kreis key
 *   `01060`): files and API requests with either land in the same region.
 * - `jobcenters`: the directory of all Jobcenters (BA id and label; Kreis key and name derived).
 * - `import_mappings`: layouts mapped in the import wizard, applied by file-name pattern.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite keeps its DDL; PostgreSQL gets an identity key and its own JSON check.
  const t = columnTypes(db);
  await db.schema
    .alterTable('observations')
    .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('revisions')
    .addColumn('old_provisional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('revisions')
    .addColumn('new_provisional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // The goal read's covering index (issue 13) must cover the new column too.
  await db.schema.dropIndex('observations_region_month').ifExists().execute();
  await db.schema
    .createIndex('observations_region_month')
    .on('observations')
    .columns([
      'region_id',
      'month',
      'indicator_code',
      'gender',
      'value',
      'flag',
      'revision_count',
      'provisional',
    ])
    .execute();

  await db.schema
    .createTable('region_aliases')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('directory'))
    .execute();
  await db.schema.createIndex('region_aliases_region').on('region_aliases').column('region_id').execute();

  await db.schema
    .createTable('jobcenters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ba', 'text', (c) => c.notNull())
    .addColumn('kreis_ags', 'text')
    .addColumn('kreis_name', 'text')
    .execute();

  await db.schema
    .createTable('import_mappings')
    .addColumn('id', 'integer', t.id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addCheckConstraint(
      'import_mappings_spec_json',
      t.pg ? sql`(spec::jsonb) is not null` : sql`json_valid(spec)`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_mappings').execute();
  await db.schema.dropTable('jobcenters').execute();
  await db.schema.dropTable('region_aliases').execute();
  await db.schema.dropIndex('observations_region_month').ifExists().execute();
  await db.schema
    .createIndex('observations_region_month')
    .on('observations')
    .columns(['region_id', 'month', 'indicator_code', 'gender', 'value', 'flag', 'revision_count'])
    .execute();
  await db.schema.alterTable('revisions').dropColumn('new_provisional').execute();
  await db.schema.alterTable('revisions').dropColumn('old_provisional').execute();
  await db.schema.alterTable('observations').dropColumn('provisional').execute();
}
