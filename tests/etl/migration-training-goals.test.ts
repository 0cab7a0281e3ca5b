/**
 * Migration i16b (the AIP's two youth offers, EIN_BAE and BELEGT_ASA) undone: besides the
 * indicators, their figures and targets, what the server derived from the two goals goes too (the
 * alerts' last status of those goals, the stored goal objects); other goals' alert state stays.
 * Runs on the engine of the run (tests/etl is in both).
 */
import { Migrator } from 'kysely';
import { describe, expect, test } from 'vitest';
import { migrations } from '../../server/db/migrations/index.js';
import { all, pluck, TEST_DB } from '../helpers/db.js';
import { withFreshDb } from '../helpers/schema-snapshot.js';

const I16B = '2026-12-03T0600_i16b_training_goals';

describe('migration i16b down()', () => {
  test('removes the two goals’ alert state and the stored goal objects, keeps the rest', async () => {
    await withFreshDb(TEST_DB, async (db) => {
      const names = Object.keys(migrations);
      const migrator = new Migrator({ db: db.db, provider: { getMigrations: async () => migrations } });
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      const state = (goal: string) =>
        `insert into alert_state (region_id, year, goal_id, last_status, last_data_month, last_data_version, updated_at)
         values ('01060', 2024, '${goal}', 'met', '2024-09', '3', '2024-10-01T06:00:00Z')`;
      for (const goal of ['EIN_BAE-total', 'BELEGT_ASA-total', 'K2-female']) await all(db, state(goal));
      await all(
        db,
        `insert into goal_snapshots (region_id, snapshot_key, year, data_month, body)
         values ('01060', '3:5:10', 2024, '2024-09', '[]')`,
      );

      const version = async () =>
        Number(await pluck(db, `select value from meta where key = 'data_version'`));
      const versionBefore = await version();
      const before = names[names.indexOf(I16B) - 1] ?? '';
      const down = await migrator.migrateTo(before);
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => r.migrationName)).toContain(I16B);

      expect(await all(db, 'select goal_id from alert_state order by goal_id')).toEqual([
        { goal_id: 'K2-female' },
      ]);
      expect(await pluck(db, 'select count(*) from goal_snapshots')).toBe(0);
      // A new data version, so that everything else derived from the data is built again.
      expect(await version()).toBe(versionBefore + 1);
      expect(await pluck(db, `select count(*) from indicators where code in ('EIN_BAE', 'BELEGT_ASA')`)).toBe(
        0,
      );
      // And up again: the indicators are back.
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await pluck(db, `select count(*) from indicators where code in ('EIN_BAE', 'BELEGT_ASA')`)).toBe(
        2,
      );
    });
  });
});
