// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

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
  await runDdl(
    db,
    ({ id, isJson }) => `
    alter table observations add column provisional integer not null default 0;
    alter table revisions add column old_provisional integer not null default 0;
    alter table revisions add column new_provisional integer not null default 0;

    -- The goal read's covering index (issue 13) must cover the new column too.
    drop index if exists observations_region_month;
    create index observations_region_month on observations
      (region_id, month, indicator_code, gender, value, flag, revision_count, provisional);

    create table region_aliases (
      alias text primary key, region_id text not null references regions (id) on delete cascade,
      source text not null default 'directory'
    );
    create index region_aliases_region on region_aliases (region_id);

    create table jobcenters (id text primary key, name_ba text not null, kreis_ags text, kreis_name text);

    create table import_mappings (
      id ${id}, name text not null unique, pattern text not null, spec text not null,
      created_at text not null, updated_at text not null, updated_by text,
      constraint import_mappings_spec_json check (${isJson('spec')})
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    `drop table import_mappings; drop table jobcenters; drop table region_aliases;
    drop index if exists observations_region_month;
    create index observations_region_month
      on observations (region_id, month, indicator_code, gender, value, flag, revision_count);
    alter table revisions drop column new_provisional;
    alter table revisions drop column old_provisional;
    alter table observations drop column provisional;`,
  );
}
