import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { backupDatabase, backupFileName } from '../../server/backup.js';
import { openDatabase } from '../../server/db/connection.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'zm-backup-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('backupDatabase', () => {
  test('copies a live WAL database consistently into one self-contained file', async () => {
    const dir = tempDir();
    const src = join(dir, 'live.db');
    const live = await openDatabase(src);
    live.sqlite.prepare("insert into regions (id, name) values ('01060', 'Kreis Segeberg')").run();
    const insert = live.sqlite.prepare(
      "insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at) values ('01060', 'ELB', 'total', ?, ?, null, '2024-01-01T00:00:00Z')",
    );
    live.sqlite.transaction(() => {
      for (let i = 0; i < 500; i++)
        insert.run(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, i);
    })();

    const target = join(dir, 'copy.db');
    const result = await backupDatabase(src, target);
    // A write after the backup must not appear in the copy.
    live.sqlite.prepare("update observations set value = -1 where month = '2000-01'").run();
    await live.close();

    expect(result.bytes).toBeGreaterThan(0);
    const copy = new SqliteDatabase(target, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.prepare('select count(*) n, sum(value) s from observations').get()).toEqual({
      n: 500,
      s: (499 * 500) / 2,
    });
    copy.close();
  });

  test('fails clearly when the source does not exist', async () => {
    const dir = tempDir();
    await expect(backupDatabase(join(dir, 'missing.db'), join(dir, 'x.db'))).rejects.toThrow(/not found/);
  });

  test('names backups by UTC timestamp without colons', () => {
    expect(backupFileName('/b', new Date('2026-11-26T06:00:00.123Z'))).toBe(
      '/b/zielmonitor-2026-11-26T06-00-00Z.db',
    );
  });
});
