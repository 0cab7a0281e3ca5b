/**
 * Migration i13c (observations keyed by region, month, indicator, gender; revisions without
 * observation_id) on a database that already holds data: every observation and revision is kept,
 * the key still rejects a duplicate, and down() links each revision to its observation again.
 * Run on SQLite (tests/unit) and PostgreSQL (tests/pg).
 */
import { type Migration, Migrator } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../server/db/connection.js';
import { migrations } from '../../server/db/migrations/index.js';
import { all } from './db.js';
import { registered, withFreshDb } from './schema-snapshot.js';

const I13C = '2026-12-01T0600_i13c_observations_by_key';

const OBS = `select region_id, indicator_code, gender, month, value, flag, source_file_id, loaded_at,
  revision_count, provisional from observations order by region_id, month, indicator_code, gender`;
const REV = `select id, region_id, indicator_code, gender, month, old_value, new_value, changed_at
  from revisions order by id`;

export function checkObservationsByKey(dialect: Db['dialect']): Promise<void> {
  return withFreshDb(dialect, (db) => check(db, dialect));
}

async function check(db: Db, dialect: Db['dialect']): Promise<void> {
  const migrator = (m: Record<string, Migration>) =>
    new Migrator({ db: db.db, provider: { getMigrations: async () => m } });
  const names = Object.keys(migrations);
  const old = await migrator(registered(names.slice(0, names.indexOf(I13C)))).migrateToLatest();
  if (old.error) throw old.error;
  const latest = migrator(migrations);
  await all(
    db,
    `insert into regions (id, name, kind, sample) values ('01001', 'Jobcenter A', 'jobcenter', 0),
      ('01002', 'Jobcenter B', 'jobcenter', 0)`,
  );
  await all(
    db,
    `insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at,
        revision_count, provisional) values
      ('01002', 'INT', 'total', '2024-01', 7, null, '2024-02-20T06:00:00.000Z', 0, 0),
      ('01001', 'INT', 'total', '2024-02', 24, null, '2024-03-20T06:00:00.000Z', 2, 0),
      ('01001', 'ELB', 'female', '2024-02', null, '*', '2024-03-20T06:00:00.000Z', 0, 0),
      ('01001', 'LZB', 'male', '2024-01', 310.5, null, '2024-02-20T06:00:00.000Z', 0, 1)`,
  );
  const [target] = await all(
    db,
    `select id from observations where region_id = '01001' and indicator_code = 'INT' and month = '2024-02'`,
  );
  for (const [v0, v1, at] of [
    [25, 23, '2024-03-21T06:00:00.000Z'],
    [23, 24, '2024-04-21T06:00:00.000Z'],
    [24, 26, '2024-05-21T06:00:00.000Z'],
  ] as const) {
    await all(
      db,
      `insert into revisions (observation_id, region_id, indicator_code, gender, month, old_value,
          old_flag, new_value, new_flag, changed_at) values
        (${Number(target?.id)}, '01001', 'INT', 'total', '2024-02', ${v0}, null, ${v1}, null, '${at}')`,
    );
  }
  // The newest revision deleted: its id must not be handed out again after the migration.
  const [newest] = await all(db, 'select max(id) as id from revisions');
  const deletedId = Number(newest?.id);
  await all(db, `delete from revisions where id = ${deletedId}`);
  const obsBefore = await all(db, OBS);
  const revBefore = await all(db, REV);

  const up = await latest.migrateToLatest();
  if (up.error) throw up.error;
  expect(up.results?.map((r) => r.migrationName)).toContain(I13C);
  expect(await all(db, OBS)).toEqual(obsBefore);
  expect(await all(db, REV)).toEqual(revBefore);
  const revisionColumns =
    dialect === 'sqlite'
      ? await all(db, `select name from pragma_table_info('revisions')`)
      : await all(
          db,
          `select column_name as name from information_schema.columns where table_name = 'revisions'`,
        );
  expect(revisionColumns.map((c) => c.name)).not.toContain('observation_id');
  if (dialect === 'sqlite') {
    const [ddl] = await all(db, `select sql from sqlite_master where name = 'observations'`);
    expect(String(ddl?.sql).toLowerCase()).toMatch(
      /primary key \(region_id, month, indicator_code, gender\)\s*\) without rowid$/,
    );
  }
  // The key still holds: a second value for the same region, month, indicator and gender fails.
  await expect(
    all(
      db,
      `insert into observations (region_id, indicator_code, gender, month, value, loaded_at)
        values ('01001', 'INT', 'total', '2024-02', 1, 'x')`,
    ),
  ).rejects.toThrow(/unique|duplicate/i);
  // New revisions continue after the kept ids.
  await all(
    db,
    `insert into revisions (region_id, indicator_code, gender, month, old_value, old_flag,
        new_value, new_flag, changed_at) values ('01001', 'INT', 'total', '2024-02', 24, null, 22, null, 'z')`,
  );
  const ids = (await all(db, REV)).map((r) => Number(r.id));
  expect(ids).toHaveLength(3);
  expect(ids[2]).toBeGreaterThan(deletedId);

  // A revision whose observation is gone cannot be linked: down() fails and changes nothing.
  await all(
    db,
    `insert into revisions (region_id, indicator_code, gender, month, old_value, old_flag,
        new_value, new_flag, changed_at) values ('01002', 'ELB', 'total', '2024-01', 1, null, 2, null, 'o')`,
  );
  // The migrations after i13c first (they do not touch these tables), so that down() is i13c's.
  const later = await latest.migrateTo(I13C);
  if (later.error) throw later.error;
  const refused = await latest.migrateDown();
  expect(refused.error).toBeDefined();
  expect(await all(db, OBS)).toEqual(obsBefore);
  expect(await all(db, REV)).toHaveLength(4);
  await all(db, `delete from revisions where changed_at = 'o'`);

  // down(): each revision names its observation by id again.
  const down = await latest.migrateDown();
  if (down.error) throw down.error;
  expect(await all(db, OBS)).toEqual(obsBefore);
  const linked = await all(
    db,
    `select r.id, o.region_id, o.indicator_code, o.gender, o.month from revisions r
         join observations o on o.id = r.observation_id order by r.id`,
  );
  expect(linked).toHaveLength(3);
  for (const l of linked)
    expect([l.region_id, l.indicator_code, l.gender, l.month]).toEqual(['01001', 'INT', 'total', '2024-02']);
}
