/**
 * The SQLite bulk write of an import (server/db/dialect/sqlite.ts): foreign-key checks are off
 * and the page cache larger for the transaction; the observations are a WITHOUT ROWID table whose
 * key is its only index (migration i13c). Whatever happens, the schema and the connection's
 * settings come out as they went in: after a first import, after a first import that fails inside
 * the transaction, and for a second import into a table that has rows. SQLite only (the
 * PostgreSQL run excludes this file: COPY has none of these mechanics).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { openDatabase, type SqliteDb } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { buf } from './helpers.js';

const HEADER = 'region;region_name;month;indicator;gender;value;flag';

function csv(regions: string[], months: string[]): Uint8Array {
  const lines = [HEADER];
  for (const r of regions)
    for (const m of months)
      for (const g of ['total', 'female', 'male']) lines.push(`${r};Jobcenter ${r};${m};ELB;${g};1000;`);
  return buf(lines.join('\n'));
}

const open: SqliteDb[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

async function fresh(): Promise<SqliteDb> {
  const db = await openDatabase(':memory:');
  open.push(db);
  return db;
}

const indexes = (db: SqliteDb) =>
  db.sqlite
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and tbl_name = 'observations' order by name`,
    )
    .all();
const settings = (db: SqliteDb) => ({
  foreignKeys: db.sqlite.pragma('foreign_keys', { simple: true }),
  cacheSize: db.sqlite.pragma('cache_size', { simple: true }),
});
const count = (db: SqliteDb) => db.sqlite.prepare('select count(*) from observations').pluck().get();

function importFile(db: SqliteDb, data: Uint8Array, afterChange?: () => Promise<void>) {
  return runImport(
    {
      db,
      logger: silentLogger(),
      clock: () => new Date('2024-11-20T06:00:00Z'),
      ...(afterChange ? { afterChange } : {}),
    },
    [{ kind: 'buffer', name: 'data.csv', data }],
    { trigger: 'cli' },
  );
}

describe('SQLite bulk write of an import', () => {
  test('a first import keeps the key and restores the connection settings', async () => {
    const db = await fresh();
    const before = { indexes: indexes(db), settings: settings(db) };
    // The key is the table's own (WITHOUT ROWID primary key): no index beside it.
    expect(before.indexes).toEqual([]);
    expect(db.sqlite.pragma('index_list(observations)')).toEqual([
      expect.objectContaining({ origin: 'pk', unique: 1 }),
    ]);
    expect(before.settings.foreignKeys).toBe(1);

    const summary = await importFile(db, csv(['01060', '01061'], ['2024-01', '2024-02']));
    expect(summary.files[0]?.error).toBeNull();
    expect(count(db)).toBe(12);
    expect(indexes(db)).toEqual(before.indexes);
    expect(settings(db)).toEqual(before.settings);
    expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // The key rejects a second value for the same region, month, indicator and gender.
    expect(() =>
      db.sqlite
        .prepare(
          `insert into observations (region_id, indicator_code, gender, month, value, loaded_at) values ('01060', 'ELB', 'total', '2024-01', 1, 'x')`,
        )
        .run(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  test('a first import failing inside the transaction leaves no rows, the key and the settings', async () => {
    const db = await fresh();
    const before = { indexes: indexes(db), settings: settings(db) };
    const summary = await importFile(db, csv(['01060'], ['2024-01', '2024-02']), async () => {
      throw new Error('afterChange failed on purpose');
    });
    expect(summary.files[0]?.status).toBe('rejected');
    expect(count(db)).toBe(0);
    expect(indexes(db)).toEqual(before.indexes);
    expect(settings(db)).toEqual(before.settings);
  });

  test('an import into a table with rows merges as before, the key untouched', async () => {
    const db = await fresh();
    const before = indexes(db);
    await importFile(db, csv(['01060'], ['2024-01']));
    const second = await importFile(db, csv(['01060', '01061'], ['2024-01', '2024-02']));
    expect(second.files[0]?.error).toBeNull();
    expect(second.files[0]?.inserted).toBe(9);
    expect(second.files[0]?.unchanged).toBe(3);
    expect(count(db)).toBe(12);
    expect(indexes(db)).toEqual(before);
    expect(settings(db).foreignKeys).toBe(1);
  });
});
