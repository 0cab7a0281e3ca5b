// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('regions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('jobcenter'))
    .addColumn('comparison_type', 'text')
    .addColumn('sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sample_as_of', 'text')
    .execute();

  await db.schema
    .createTable('indicators')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('formula', 'text', (c) => c.notNull())
    .addColumn('numerator_code', 'text')
    .addColumn('denominator_code', 'text')
    .addColumn('better', 'text')
    .addColumn('description', 'text')
    .execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'integer', t.id)
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('files_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('imported_files')
    .addColumn('id', 'integer', t.id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('import_runs.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('imported_files_sha256').on('imported_files').column('sha256').execute();

  await db.schema
    .createTable('observations')
    .addColumn('id', 'integer', t.id)
    .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
    .addColumn('indicator_code', 'text', (c) => c.notNull().references('indicators.code'))
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('value', t.real)
    .addColumn('flag', 'text')
    .addColumn('source_file_id', 'integer', (c) => c.references('imported_files.id'))
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .addColumn('revision_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('observations_gender', sql`gender in ('total','female','male')`)
    .addCheckConstraint('observations_flag', sql`flag is null or flag in ('*','-','X')`)
    .addCheckConstraint('observations_value_or_flag', sql`(value is null) = (flag is not null)`)
    .execute();
  await db.schema
    .createIndex('observations_key')
    .unique()
    .on('observations')
    .columns(['region_id', 'indicator_code', 'gender', 'month'])
    .execute();

  await db.schema
    .createTable('revisions')
    .addColumn('id', 'integer', t.id)
    .addColumn('observation_id', 'integer', (c) => c.notNull().references('observations.id'))
    .addColumn('region_id', 'text', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('old_value', t.real)
    .addColumn('old_flag', 'text')
    .addColumn('new_value', t.real)
    .addColumn('new_flag', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('source_file_id', 'integer', (c) => c.references('imported_files.id'))
    .addColumn('import_run_id', 'integer', (c) => c.references('import_runs.id'))
    .execute();
  await db.schema
    .createIndex('revisions_region_month')
    .on('revisions')
    .columns(['region_id', 'month'])
    .execute();

  await db.schema
    .createTable('targets')
    .addColumn('id', 'integer', t.id)
    .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull().references('indicators.code'))
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('target_change_pct', t.real, (c) => c.notNull())
    .addColumn('better', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addCheckConstraint('targets_better', sql`better in ('higher','lower')`)
    .execute();
  await db.schema
    .createIndex('targets_key')
    .unique()
    .on('targets')
    .columns(['region_id', 'year', 'indicator_code', 'gender'])
    .execute();

  await db.schema
    .createTable('target_history')
    .addColumn('id', 'integer', t.id)
    .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id'))
    .addColumn('old_change_pct', t.real)
    .addColumn('new_change_pct', t.real, (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('source', 'text')
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // The indicators every installation knows. More (K2E1.., K3E1..) are rows, not code.
  await sql`insert into indicators (code, name, unit, formula, numerator_code, denominator_code, better, description) values
    ('INT', 'Integrationen', 'count', 'count', null, null, null, 'Aufnahmen einer sozialversicherungspflichtigen Beschäftigung, vollqualifizierenden Ausbildung oder Selbständigkeit im Monat'),
    ('ELB', 'Erwerbsfähige Leistungsberechtigte', 'count', 'count', null, null, null, 'Bestand erwerbsfähiger Leistungsberechtigter'),
    ('LZB', 'Langzeitleistungsbeziehende', 'count', 'count', null, null, null, 'Bestand erwerbsfähiger Leistungsberechtigter mit mind. 21 Monaten Leistungsbezug in den letzten 24 Monaten'),
    ('K2', 'Integrationsquote', 'percent', 'rate', 'INT', 'ELB', 'higher', 'K2: Integrationen der letzten 12 Monate je durchschnittlichem Bestand erwerbsfähiger Leistungsberechtigter'),
    ('K3', 'Bestand Langzeitleistungsbeziehende', 'count', 'stock', 'LZB', null, 'lower', 'K3: Veränderung des Bestands an Langzeitleistungsbeziehenden gegenüber dem Vorjahr'),
    ('K2_BA', 'Integrationsquote (veröffentlicht)', 'percent', 'published', 'K2', null, 'higher', 'Von der Statistik der BA veröffentlichte Integrationsquote'),
    ('K3_BA', 'Veränderung Bestand LZB (veröffentlicht)', 'percent', 'published', 'K3', null, 'lower', 'Von der Statistik der BA veröffentlichte Veränderung des LZB-Bestands in %')
  `.execute(db);
  await sql`insert into meta (key, value) values ('data_version', '0')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'meta',
    'target_history',
    'targets',
    'revisions',
    'observations',
    'imported_files',
    'import_runs',
    'indicators',
    'regions',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
