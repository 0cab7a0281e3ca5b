// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * Observations keyed by what they are, not by a row number (issue 13, the ETL's write path):
 * - SQLite: `observations` becomes a `WITHOUT ROWID` table whose primary key is
 *   (region_id, month, indicator_code, gender). That one B-tree is the unique key (the same four
 *   columns as `observations_key`) and, holding every column in the order of the goal read
 *   "one region, months m-24..m", the covering index `observations_region_month` as well: an
 *   import writes each row once instead of three times (table, unique key, covering index).
 * - Both engines: `revisions.observation_id` goes; a revision names its observation by the key
 *   it already carries (region_id, indicator_code, gender, month), which is what every reader
 *   used. PostgreSQL keeps its observations table as it is (its import is COPY, at 1.1× a bare
 *   `\copy`).
 */
const isPg = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Kysely runs SQLite migrations outside a transaction (its adapter declares no transactional DDL),
 * but SQLite has it: the table rebuild is one transaction, so a crash leaves the tables as before.
 */
async function inTransaction(db: Kysely<unknown>, script: string): Promise<void> {
  await sql.raw('begin immediate').execute(db);
  try {
    await runDdl(db, script);
    await sql.raw('commit').execute(db);
  } catch (err) {
    await sql.raw('rollback').execute(db);
    throw err;
  }
}

/**
 * The AUTOINCREMENT counter of `from` for its copy `to`: copying rows sets it to their largest id,
 * which would hand out again the ids of revisions deleted at the end.
 */
const carrySequence = (from: string, to: string) => `delete from sqlite_sequence where name = '${to}';
    insert into sqlite_sequence (name, seq) select '${to}', seq from sqlite_sequence where name = '${from}';`;

/** True when revisions still has observation_id (the migration's rebuild has not run). */
async function revisionsHaveObservationId(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from pragma_table_info('revisions') where name = 'observation_id'`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

const OBS_COLUMNS =
  'region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at, revision_count, provisional';
const REVISION_COLUMNS = `region_id, indicator_code, gender, month, old_value, old_flag, new_value, new_flag,
  changed_at, source_file_id, import_run_id, old_provisional, new_provisional`;
/** The revisions' columns after `id` (and, before this migration, `observation_id`). */
const REVISION_DEFINITION = `region_id text not null, indicator_code text not null, gender text not null,
      month text not null, old_value real, old_flag text, new_value real, new_flag text,
      changed_at text not null, source_file_id integer references imported_files (id),
      import_run_id integer references import_runs (id),
      old_provisional integer not null default 0, new_provisional integer not null default 0`;
/** The observations' columns and checks, as both shapes of the table declare them. */
const OBS_DEFINITION = `region_id text not null references regions (id),
      indicator_code text not null references indicators (code),
      gender text not null, month text not null, value real, flag text,
      source_file_id integer references imported_files (id),
      loaded_at text not null, revision_count integer not null default 0,
      provisional integer not null default 0,
      constraint observations_gender check (gender in ('total','female','male')),
      constraint observations_flag check (flag is null or flag in ('*','-','X')),
      constraint observations_value_or_flag check ((value is null) = (flag is not null))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPg(db)) {
    await runDdl(db, 'alter table revisions drop column observation_id;');
    return;
  }
  // Committed before Kysely recorded the migration (a crash in between): nothing left to do.
  if (!(await revisionsHaveObservationId(db))) return;
  // The revisions first: nothing then references observations, which can be dropped and made
  // again (SQLite cannot change a table's key in place).
  await inTransaction(
    db,
    `create table revisions_new (
      id integer primary key autoincrement,
      ${REVISION_DEFINITION}
    );
    insert into revisions_new (id, ${REVISION_COLUMNS}) select id, ${REVISION_COLUMNS} from revisions order by id;
    ${carrySequence('revisions', 'revisions_new')}
    drop table revisions;
    alter table revisions_new rename to revisions;
    create index revisions_region_month on revisions (region_id, month);

    create table observations_new (
      ${OBS_DEFINITION},
      primary key (region_id, month, indicator_code, gender)
    ) without rowid;
    insert into observations_new (${OBS_COLUMNS})
      select ${OBS_COLUMNS} from observations order by region_id, month, indicator_code, gender;
    drop table observations;
    alter table observations_new rename to observations;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPg(db)) {
    await runDdl(
      db,
      `alter table revisions add column observation_id integer references observations (id);
      update revisions r set observation_id = o.id from observations o
       where o.region_id = r.region_id and o.indicator_code = r.indicator_code
         and o.gender = r.gender and o.month = r.month;
      alter table revisions alter column observation_id set not null;`,
    );
    return;
  }
  if (await revisionsHaveObservationId(db)) return;
  await inTransaction(
    db,
    `create table observations_old (
      id integer primary key autoincrement,
      ${OBS_DEFINITION}
    );
    insert into observations_old (${OBS_COLUMNS})
      select ${OBS_COLUMNS} from observations order by region_id, indicator_code, gender, month;

    create table revisions_old (
      id integer primary key autoincrement, observation_id integer not null references observations_old (id),
      ${REVISION_DEFINITION}
    );
    -- A revision whose observation is gone gets no id: NOT NULL fails and nothing changes.
    insert into revisions_old (id, observation_id, ${REVISION_COLUMNS})
      select r.id, o.id, ${REVISION_COLUMNS.replace(/(\w+)/g, 'r.$1')}
      from revisions r left join observations_old o using (region_id, indicator_code, gender, month) order by r.id;
    ${carrySequence('revisions', 'revisions_old')}
    drop table revisions;
    drop table observations;
    alter table observations_old rename to observations;
    alter table revisions_old rename to revisions;
    create unique index observations_key on observations (region_id, indicator_code, gender, month);
    create index observations_region_month on observations
      (region_id, month, indicator_code, gender, value, flag, revision_count, provisional);
    create index revisions_region_month on revisions (region_id, month);`,
  );
}
