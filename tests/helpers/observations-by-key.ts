/**
 * Migration i13c (observations keyed by region, month, indicator, gender; revisions without
 * observation_id) on a database that already holds data: every observation and revision is kept,
 * the key still rejects a duplicate, and down() links each revision to its observation again.
 * Run on SQLite (tests/unit) and PostgreSQL (tests/pg).
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { expect } from 'vitest';
import { type Db, openDatabase, openPostgres } from '../../server/db/connection.js';
import { migrations } from '../../server/db/migrations/index.js';
import { createPgDatabase, dropPgDatabase } from './db.js';

const I13C = '2026-12-01T0600_i13c_observations_by_key';

function before(): Record<string, Migration> {
  const names = Object.keys(migrations);
  return Object.fromEntries(names.slice(0, names.indexOf(I13C)).map((n) => [n, migrations[n] as Migration]));
}

async function rows(db: Kysely<unknown>, text: string): Promise<Record<string, unknown>[]> {
  return (await sql.raw<Record<string, unknown>>(text).execute(db)).rows;
}

const OBS = `select region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at,
  revision_count, provisional from observations order by region_id, month, indicator_code, gender`;
const REV = `select id, region_id, indicator_code, gender, month, old_value, new_value, changed_at
  from revisions order by id`;

export async function checkObservationsByKey(dialect: Db['dialect']): Promise<void> {
  const url = dialect === 'postgres' ? await createPgDatabase() : null;
  const db =
    url === null
      ? await openDatabase(':memory:', { migrate: false })
      : await openPostgres(url, { migrate: false, poolSize: 1 });
  const k = db.db as unknown as Kysely<unknown>;
  try {
    const old = await new Migrator({
      db: k,
      provider: { getMigrations: async () => before() },
    }).migrateToLatest();
    if (old.error) throw old.error;
    await sql
      .raw(`insert into regions (id, name, kind, sample) values ('01001', 'Jobcenter A', 'jobcenter', 0),
      ('01002', 'Jobcenter B', 'jobcenter', 0)`)
      .execute(k);
    await sql
      .raw(`insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at,
        revision_count, provisional) values
      ('01002', 'INT', 'total', '2024-01', 7, null, '2024-02-20T06:00:00.000Z', 0, 0),
      ('01001', 'INT', 'total', '2024-02', 24, null, '2024-03-20T06:00:00.000Z', 2, 0),
      ('01001', 'ELB', 'female', '2024-02', null, '*', '2024-03-20T06:00:00.000Z', 0, 0),
      ('01001', 'LZB', 'male', '2024-01', 310.5, null, '2024-02-20T06:00:00.000Z', 0, 1)`)
      .execute(k);
    const [target] = await rows(
      k,
      `select id from observations where region_id = '01001' and indicator_code = 'INT' and month = '2024-02'`,
    );
    for (const [v0, v1, at] of [
      [25, 23, '2024-03-21T06:00:00.000Z'],
      [23, 24, '2024-04-21T06:00:00.000Z'],
      [24, 26, '2024-05-21T06:00:00.000Z'],
    ] as const) {
      await sql
        .raw(`insert into revisions (observation_id, region_id, indicator_code, gender, month, old_value,
          old_flag, new_value, new_flag, changed_at) values
        (${Number(target?.id)}, '01001', 'INT', 'total', '2024-02', ${v0}, null, ${v1}, null, '${at}')`)
        .execute(k);
    }
    // The newest revision deleted: its id must not be handed out again after the migration.
    const [newest] = await rows(k, 'select max(id) as id from revisions');
    const deletedId = Number(newest?.id);
    await sql.raw(`delete from revisions where id = ${deletedId}`).execute(k);
    const obsBefore = await rows(k, OBS);
    const revBefore = await rows(k, REV);

    const up = await new Migrator({
      db: k,
      provider: { getMigrations: async () => migrations },
    }).migrateToLatest();
    if (up.error) throw up.error;
    expect(up.results?.map((r) => r.migrationName)).toContain(I13C);
    expect(await rows(k, OBS)).toEqual(obsBefore);
    expect(await rows(k, REV)).toEqual(revBefore);
    const revisionColumns =
      dialect === 'sqlite'
        ? await rows(k, `select name from pragma_table_info('revisions')`)
        : await rows(
            k,
            `select column_name as name from information_schema.columns where table_name = 'revisions'`,
          );
    expect(revisionColumns.map((c) => c.name)).not.toContain('observation_id');
    if (dialect === 'sqlite') {
      const [ddl] = await rows(k, `select sql from sqlite_master where name = 'observations'`);
      expect(String(ddl?.sql).toLowerCase()).toMatch(
        /primary key \(region_id, month, indicator_code, gender\)\s*\) without rowid$/,
      );
    }
    // The key still holds: a second value for the same region, month, indicator and gender fails.
    await expect(
      sql
        .raw(`insert into observations (region_id, indicator_code, gender, month, value, loaded_at)
        values ('01001', 'INT', 'total', '2024-02', 1, 'x')`)
        .execute(k),
    ).rejects.toThrow(/unique|duplicate/i);
    // New revisions continue after the kept ids.
    await sql
      .raw(`insert into revisions (region_id, indicator_code, gender, month, old_value, old_flag,
        new_value, new_flag, changed_at) values ('01001', 'INT', 'total', '2024-02', 24, null, 22, null, 'z')`)
      .execute(k);
    const ids = (await rows(k, REV)).map((r) => Number(r.id));
    expect(ids).toHaveLength(3);
    expect(ids[2]).toBeGreaterThan(deletedId);

    // A revision whose observation is gone cannot be linked: down() fails and changes nothing.
    await sql
      .raw(`insert into revisions (region_id, indicator_code, gender, month, old_value, old_flag,
        new_value, new_flag, changed_at) values ('01002', 'ELB', 'total', '2024-01', 1, null, 2, null, 'o')`)
      .execute(k);
    const refused = await new Migrator({
      db: k,
      provider: { getMigrations: async () => migrations },
    }).migrateDown();
    expect(refused.error).toBeDefined();
    expect(await rows(k, OBS)).toEqual(obsBefore);
    expect(await rows(k, REV)).toHaveLength(4);
    await sql.raw(`delete from revisions where changed_at = 'o'`).execute(k);

    // down(): each revision names its observation by id again.
    const down = await new Migrator({
      db: k,
      provider: { getMigrations: async () => migrations },
    }).migrateDown();
    if (down.error) throw down.error;
    expect(await rows(k, OBS)).toEqual(obsBefore);
    const linked = await rows(
      k,
      `select r.id, o.region_id, o.indicator_code, o.gender, o.month from revisions r
         join observations o on o.id = r.observation_id order by r.id`,
    );
    expect(linked).toHaveLength(3);
    for (const l of linked)
      expect([l.region_id, l.indicator_code, l.gender, l.month]).toEqual([
        '01001',
        'INT',
        'total',
        '2024-02',
      ]);
  } finally {
    await db.close();
    if (url !== null) await dropPgDatabase(url);
  }
}
