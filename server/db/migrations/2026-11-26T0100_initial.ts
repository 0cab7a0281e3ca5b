// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { runDdl } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    ({ id, real }) => `
    create table regions (
      id text primary key, name text not null, kind text not null default 'jobcenter',
      comparison_type text, sample integer not null default 0, sample_as_of text
    );
    create table indicators (
      code text primary key, name text not null, unit text not null, formula text not null,
      numerator_code text, denominator_code text, better text, description text
    );
    create table import_runs (
      id ${id}, started_at text not null, finished_at text, trigger text not null, status text not null,
      files_count integer not null default 0,
      rows_inserted integer not null default 0, rows_updated integer not null default 0,
      rows_unchanged integer not null default 0, error text
    );
    create table imported_files (
      id ${id}, run_id integer not null references import_runs (id),
      path text not null, sha256 text not null, size integer not null, status text not null,
      rows_inserted integer not null default 0, rows_updated integer not null default 0,
      rows_unchanged integer not null default 0, error text,
      sample integer not null default 0, imported_at text not null
    );
    create index imported_files_sha256 on imported_files (sha256);

    create table observations (
      id ${id},
      region_id text not null references regions (id),
      indicator_code text not null references indicators (code),
      gender text not null, month text not null, value ${real}, flag text,
      source_file_id integer references imported_files (id),
      loaded_at text not null, revision_count integer not null default 0,
      constraint observations_gender check (gender in ('total','female','male')),
      constraint observations_flag check (flag is null or flag in ('*','-','X')),
      constraint observations_value_or_flag check ((value is null) = (flag is not null))
    );
    create unique index observations_key on observations (region_id, indicator_code, gender, month);

    create table revisions (
      id ${id}, observation_id integer not null references observations (id),
      region_id text not null, indicator_code text not null, gender text not null, month text not null,
      old_value ${real}, old_flag text, new_value ${real}, new_flag text, changed_at text not null,
      source_file_id integer references imported_files (id),
      import_run_id integer references import_runs (id)
    );
    create index revisions_region_month on revisions (region_id, month);

    create table targets (
      id ${id},
      region_id text not null references regions (id), year integer not null,
      indicator_code text not null references indicators (code), gender text not null,
      target_change_pct ${real} not null, better text not null, source text,
      updated_at text not null, updated_by text,
      constraint targets_better check (better in ('higher','lower'))
    );
    create unique index targets_key on targets (region_id, year, indicator_code, gender);

    create table target_history (
      id ${id}, target_id integer not null references targets (id),
      old_change_pct ${real}, new_change_pct ${real} not null,
      changed_at text not null, changed_by text, source text
    );
    create table meta (key text primary key, value text not null);
  `,
  );

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
  await runDdl(
    db,
    `drop table meta; drop table target_history; drop table targets; drop table revisions;
     drop table observations; drop table imported_files; drop table import_runs;
     drop table indicators; drop table regions;`,
  );
}
