/**
 * `versionOncePerTurn` (what server/main.ts uses): the data version is read from SQLite at most
 * once per event-loop turn, yet a write through the service's own connection (an in-process
 * import, then the alert evaluation) is seen at once, and a commit by another connection (the ETL
 * command line) from the next turn on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../server/config.js';
import { openDatabase, type SqliteDb } from '../../server/db/connection.js';
import { createGoalService } from '../../server/goals/service.js';
import { insertFixture } from './fixture.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const bump = (db: SqliteDb) =>
  db.sqlite.prepare(`update meta set value = cast(value + 1 as text) where key = 'data_version'`).run();

const open: SqliteDb[] = [];
let dir = '';
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function twoConnections(): Promise<[SqliteDb, SqliteDb]> {
  dir = mkdtempSync(join(tmpdir(), 'zm-turn-'));
  const path = join(dir, 'z.db');
  const a = await openDatabase(path);
  await insertFixture(a);
  const b = await openDatabase(path);
  open.push(a, b);
  return [a, b];
}

describe('goal service with versionOncePerTurn', () => {
  it('sees its own connection’s commit at once and another connection’s from the next turn', async () => {
    const [own, other] = await twoConnections();
    const goals = createGoalService({ db: own, config: testConfig(), versionOncePerTurn: true });
    const v0 = goals.dataVersion();

    bump(other);
    // Same turn: the read of this turn stands (no request of this turn can have seen the commit).
    expect(goals.dataVersion()).toBe(v0);
    await nextTurn();
    const v1 = goals.dataVersion();
    expect(Number(v1)).toBe(Number(v0) + 1);

    // A commit through the service's own connection (an upload import) is seen in the same turn.
    bump(own);
    expect(Number(goals.dataVersion())).toBe(Number(v1) + 1);
  });

  it('reads on every call without the option', async () => {
    const [own, other] = await twoConnections();
    const goals = createGoalService({ db: own, config: testConfig() });
    const v0 = goals.dataVersion();
    bump(other);
    expect(Number(goals.dataVersion())).toBe(Number(v0) + 1);
  });
});
