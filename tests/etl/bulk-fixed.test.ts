/**
 * The bulk loader's fixed columns (server/db/dialect, `BulkFixed`): one value for every row,
 * written into the statement (SQLite, as a literal) or each COPY line (PostgreSQL). Runs on both
 * engines (the PostgreSQL run includes tests/etl). Texts with a quote, a tab, a backslash or a
 * line break must arrive as they were, and a value that is not a finite number or a text is
 * refused before anything is written, by the same check on both engines (PostgreSQL would store
 * 'NaN' in a float column).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Db } from '../../server/db/connection.js';
import { withBulkWriteTransaction } from '../../server/db/dialect/index.js';
import { all, openTestDb, pluck } from '../helpers/db.js';

const open: Db[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

async function fresh(): Promise<Db> {
  const db = await openTestDb();
  open.push(db);
  return db;
}

const regions = (db: Db) =>
  all(db, `select id, name, kind, sample from regions where id like '9999%' order by id`);

describe('bulk insert with fixed columns', () => {
  test.each([
    ["Jobcenter O'Brien"],
    ['Tab\there, backslash \\ and a line\nbreak'],
    ["'); drop table regions; --"],
  ])('%j arrives unchanged in every row, beside the per-row columns', async (name) => {
    const db = await fresh();
    // More rows than one multi-row statement holds (SQLite: 64), so both statements run.
    const rows = Array.from({ length: 1030 }, (_, i) => [`9999${String(i).padStart(4, '0')}`]);
    await withBulkWriteTransaction(db, (tx) =>
      tx.insertRows('regions', ['id'], rows, { name, kind: 'jobcenter', sample: 1 }),
    );
    const got = await regions(db);
    expect(got).toHaveLength(1030);
    expect(got[0]).toEqual({ id: '99990000', name, kind: 'jobcenter', sample: 1 });
    expect(got.at(-1)).toEqual({ id: '99991029', name, kind: 'jobcenter', sample: 1 });
    expect(new Set(got.map((r) => JSON.stringify([r.name, r.kind, r.sample]))).size).toBe(1);
    // The regions table is still there (the third name is an injection attempt).
    expect(await pluck(db, `select count(*) from regions where id like '9999%'`)).toBe(1030);
  });

  test('without fixed columns the rows are written as given', async () => {
    const db = await fresh();
    await withBulkWriteTransaction(db, (tx) =>
      tx.insertRows('regions', ['id', 'name', 'kind', 'sample'], [['99990001', 'A', 'kreis', 0]]),
    );
    expect(await regions(db)).toEqual([{ id: '99990001', name: 'A', kind: 'kreis', sample: 0 }]);
  });

  test.each([[Number.NaN], [Number.POSITIVE_INFINITY]])(
    'a fixed value %s is refused and nothing is written',
    async (bad) => {
      const db = await fresh();
      await expect(
        withBulkWriteTransaction(db, (tx) =>
          tx.insertRows('regions', ['id', 'name', 'kind'], [['99990001', 'A', 'kreis']], { sample: bad }),
        ),
      ).rejects.toThrow(/fixed value of sample must be a finite number/);
      expect(await regions(db)).toEqual([]);
    },
  );
});
