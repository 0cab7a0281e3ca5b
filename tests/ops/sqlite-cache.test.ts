/** The SQLite page cache of the server's connection (SQLITE_CACHE_MB, server/db/connection.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openConfiguredDatabase, openDatabase, type SqliteDb } from '../../server/db/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'zm-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cacheSize = (db: SqliteDb) => db.sqlite.pragma('cache_size', { simple: true });

describe('SQLITE_CACHE_MB', () => {
  it('sets the page cache of the configured connection, 2 MB unless told otherwise', async () => {
    const path = join(dir, 'a.db');
    const db = (await openConfiguredDatabase(loadConfig({ DATABASE_PATH: path }))) as SqliteDb;
    expect(cacheSize(db)).toBe(-2048);
    await db.close();
    const big = (await openConfiguredDatabase(
      loadConfig({ DATABASE_PATH: path, SQLITE_CACHE_MB: '32' }),
    )) as SqliteDb;
    expect(cacheSize(big)).toBe(-32768);
    await big.close();
  });

  it("leaves better-sqlite3's 16 MB to connections opened without it (the import worker's)", async () => {
    const db = await openDatabase(join(dir, 'b.db'));
    expect(cacheSize(db)).toBe(-16000);
    await db.close();
  });

  it('rejects a size outside 1 to 1024 MB, naming the variable', () => {
    expect(() => loadConfig({ SQLITE_CACHE_MB: '0' })).toThrow(/SQLITE_CACHE_MB/);
    expect(() => loadConfig({ SQLITE_CACHE_MB: '2048' })).toThrow(/SQLITE_CACHE_MB/);
  });
});
