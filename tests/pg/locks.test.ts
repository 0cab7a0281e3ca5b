/**
 * PostgreSQL only, in one process: two Db handles on one database stand for two instances.
 * Readiness, the import lock across instances, the leader lock and its takeover, exactly-once
 * alert digests when two instances deliver at the same time.
 */
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { runImport } from '../../etl/index.js';
import { acquireImportLock, ImportBusyError, importInProgress } from '../../etl/lock.js';
import { migrate, openPostgres, type PgDb } from '../../server/db/connection.js';
import { migrations } from '../../server/db/migrations/index.js';
import {
  backtestBaseOf,
  bumpDataVersion,
  bumpDataVersionKeepingObservations,
  getDataVersion,
} from '../../server/db/repositories/meta.js';
import { LEADER_LOCK, startLeadership } from '../../server/leader.js';
import { silentLogger } from '../../server/logger.js';
import { setup } from '../api/fixture.js';
import { createPgDatabase, dropPgDatabase, pluck } from '../helpers/db.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A throw-away database and `n` handles on it (each its own pool, as separate instances have). */
async function instances(n: number, options: { migrate?: boolean } = {}): Promise<PgDb[]> {
  const url = await createPgDatabase();
  const dbs: PgDb[] = [];
  for (let i = 0; i < n; i++) {
    dbs.push(
      await openPostgres(url, { poolSize: 3, migrate: options.migrate, applicationName: `zm-instance-${i}` }),
    );
  }
  cleanups.push(async () => {
    for (const db of dbs) await db.close();
    await dropPgDatabase(url);
  });
  return dbs;
}

const HEADER = 'region;region_name;month;indicator;gender;value;flag';
const csv = (value: number) =>
  new TextEncoder().encode(`${HEADER}\n01060;Kreis Segeberg;2024-01;INT;total;${value};\n`);

describe('PostgreSQL: the test database really is PostgreSQL', () => {
  test('openTestDb in this run opens PostgreSQL', async () => {
    const ctx = await setup();
    cleanups.push(() => ctx.db.close());
    expect(ctx.db.dialect).toBe('postgres');
    expect(String(await pluck(ctx.db, 'select version()'))).toMatch(/^PostgreSQL 1\d/);
  });
});

describe('PostgreSQL: readiness', () => {
  test('503 with the pending migrations until they ran, then 200', async () => {
    const [db] = await instances(1, { migrate: false });
    if (!db) throw new Error('no db');
    const ctx = await setup({ fixture: false });
    cleanups.push(() => ctx.db.close());
    // The app over the unmigrated database (the same deps otherwise).
    const { createApp } = await import('../../server/app.js');
    const app = createApp({ ...ctx.deps, db });
    const before = await app.request('/api/health/ready');
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({
      status: 'not_ready',
      database: 'postgres',
      reachable: true,
      pendingMigrations: Object.keys(migrations),
    });
    expect((await app.request('/api/health/live')).status).toBe(200);
    const result = await migrate(db);
    expect(result.error).toBeUndefined();
    const after = await app.request('/api/health/ready');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ready', reachable: true, pendingMigrations: [] });
  });

  test('a database host that accepts but never answers: 503 not reachable, not a hang', async () => {
    // A TCP server that takes connections and says nothing (a hung host behind a firewall).
    const sockets: Socket[] = [];
    const blackhole = createServer((s) => {
      sockets.push(s);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const address = blackhole.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    });
    const hung = await openPostgres(`postgres://zm:zm@127.0.0.1:${address.port}/zm`, {
      poolSize: 2,
      migrate: false,
    });
    cleanups.push(() => hung.close());
    const ctx = await setup({ fixture: false });
    cleanups.push(() => ctx.db.close());
    const { createApp } = await import('../../server/app.js');
    const app = createApp({ ...ctx.deps, db: hung });
    const res = await app.request('/api/health/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', database: 'postgres', reachable: false });
    expect((await app.request('/api/health/live')).status).toBe(200);
  });

  test('two instances migrating at once: one runs the migrations, both end current', async () => {
    const [a, b] = await instances(2, { migrate: false });
    if (!a || !b) throw new Error('no db');
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    expect(ra.error).toBeUndefined();
    expect(rb.error).toBeUndefined();
    const ran = [...(ra.results ?? []), ...(rb.results ?? [])].filter((r) => r.status === 'Success');
    expect(ran.map((r) => r.migrationName).sort()).toEqual(Object.keys(migrations).sort());
  });
});

describe('PostgreSQL: imports are serialised across instances', () => {
  test('a second instance is told the import "läuft bereits" and writes nothing; afterwards it may', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('no db');
    const lock = await acquireImportLock(a, () => new Date());
    const err = await runImport(
      { db: b, logger: silentLogger() },
      [{ kind: 'buffer', name: 'x.csv', data: csv(5) }],
      {
        trigger: 'cli',
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportBusyError);
    expect(String(err)).toContain('läuft bereits');
    expect(await pluck(b, 'select count(*) from import_runs')).toBe(0);
    await lock.release();
    const s = await runImport(
      { db: b, logger: silentLogger() },
      [{ kind: 'buffer', name: 'x.csv', data: csv(5) }],
      {
        trigger: 'cli',
      },
    );
    expect(s.status).toBe('success');
  });

  test('importInProgress sees another instance’s import (and not one of another database) without claiming', async () => {
    const [a, b] = await instances(2);
    const [other] = await instances(1);
    if (!a || !b || !other) throw new Error('no db');
    expect(await importInProgress(b, () => new Date())).toBeNull();
    const elsewhere = await acquireImportLock(other, () => new Date());
    expect(await importInProgress(b, () => new Date())).toBeNull();
    const lock = await acquireImportLock(a, () => new Date());
    expect(await importInProgress(b, () => new Date())).toContain('läuft bereits');
    expect(await importInProgress(a, () => new Date())).toContain('in diesem Prozess');
    await lock.release();
    await elsewhere.release();
    expect(await importInProgress(b, () => new Date())).toBeNull();
    // Only a look: b may claim right after.
    await (await acquireImportLock(b, () => new Date())).release();
  });

  test('the lock dies with its holder’s connection', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('no db');
    await acquireImportLock(a, () => new Date());
    await expect(acquireImportLock(b, () => new Date())).rejects.toThrow(ImportBusyError);
    // The holder's connections end as when its process is killed. With a timeout,
    // pg_terminate_backend waits until the backend has exited (and so released its locks): without
    // it, it only sends the signal, and the next statement may still find the lock held.
    const ended = await pluck(
      b,
      `select count(*) from (select pg_terminate_backend(pid, 5000) from pg_stat_activity where application_name = 'zm-instance-0') t`,
    );
    expect(ended).toBeGreaterThan(0);
    const lock = await acquireImportLock(b, () => new Date());
    await lock.release();
  });
});

describe('PostgreSQL: a target change racing an import in another instance', () => {
  test('the target change lands on the import’s version, and names it as its backtest base', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('no db');
    const v0 = Number(await getDataVersion(a.db));
    // Instance a: an import's transaction has bumped the version and not committed yet.
    let commitImport = () => {};
    const held = new Promise<void>((r) => {
      commitImport = r;
    });
    let bumped = () => {};
    const importBumped = new Promise<void>((r) => {
      bumped = r;
    });
    const importDone = a.db.transaction().execute(async (trx) => {
      await bumpDataVersion(trx);
      bumped();
      await held;
    });
    await importBumped;
    // Instance b: a controller saves a target meanwhile; its bump waits for the import's row lock.
    const target = b.db.transaction().execute((trx) => bumpDataVersionKeepingObservations(trx));
    for (let i = 0; i < 200; i++) {
      const waiting = await pluck(
        a,
        `select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (Number(waiting) > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    commitImport();
    await importDone;
    const version = await target;
    expect(version).toBe(String(v0 + 2));
    // The import's observations are in version v0 + 1: the backtest of v0 must not be reused.
    expect(await backtestBaseOf(b.db, version)).toBe(String(v0 + 1));
  });
});

describe('PostgreSQL: one leader runs the schedule and alert delivery', () => {
  test('exactly one of two instances leads; when it stops, the other takes over at its next poll', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('no db');
    // Every try for the leader lock in this process (the leaders' own connections use pg.Client).
    const query = vi.spyOn(pg.Client.prototype as unknown as { query(...args: unknown[]): unknown }, 'query');
    cleanups.push(async () => query.mockRestore());
    const leaderTries = () =>
      query.mock.calls.filter(
        ([text, values]) =>
          String(text).includes('pg_try_advisory_lock') && Array.isArray(values) && values[0] === LEADER_LOCK,
      ).length;
    const events: string[] = [];
    const lead = (name: string, db: PgDb) =>
      startLeadership(db, {
        pollMs: 200,
        logger: silentLogger(),
        onAcquire: () => events.push(`${name}+`),
        onLose: async () => {
          events.push(`${name}-`);
        },
      });
    const la = lead('a', a);
    await waitFor(() => la.isLeader(), 5000);
    const lb = lead('b', b);
    cleanups.push(async () => {
      await la.stop();
      await lb.stop();
    });
    await new Promise((r) => setTimeout(r, 800)); // several polls of b
    expect(lb.isLeader()).toBe(false);
    expect(events).toEqual(['a+']);
    const triesBefore = leaderTries();
    await la.stop();
    await waitFor(() => lb.isLeader(), 5000);
    // Counted in polls, not milliseconds: a's stop releases the lock at once, so b takes it at its
    // next try (one more when a try was under way, or a's session not yet gone, at that moment).
    const tries = leaderTries() - triesBefore;
    console.log(`b's tries for the leader lock from a's stop until it led: ${tries}`);
    expect(tries).toBeGreaterThanOrEqual(1);
    expect(tries, "b's tries for the lock after a stopped").toBeLessThanOrEqual(3);
    expect(events).toEqual(['a+', 'a-', 'b+']);
  });
});

describe('PostgreSQL: a starting instance works on the current data version', () => {
  test('the derived data built at start belong to the version in the database, not to version 0', async () => {
    const [importer, starting] = await instances(2);
    if (!importer || !starting) throw new Error('no db');
    const first = await runImport(
      { db: importer, logger: silentLogger() },
      [{ kind: 'buffer', name: 'a.csv', data: csv(10) }],
      { trigger: 'upload' },
    );
    const second = await runImport(
      { db: importer, logger: silentLogger() },
      [{ kind: 'buffer', name: 'b.csv', data: csv(11) }],
      { trigger: 'upload' },
    );
    expect(Number(second.dataVersion)).toBeGreaterThan(Number(first.dataVersion));
    // `starting` opened before the imports, as a second instance would have: it has not seen them.
    const { createAppDeps } = await import('../../server/app-deps.js');
    const { testConfig } = await import('../../server/config.js');
    const deps = await createAppDeps({ config: testConfig(), db: starting });
    expect(deps.goals.dataVersion()).toBe(String(second.dataVersion));
    expect(await deps.goals.prepare()).toBeUndefined();
    const build = await pluck<string>(starting, "select value from meta where key = 'backtest_build'");
    expect(build?.startsWith(`${second.dataVersion}:`)).toBe(true);
    await deps.alerts.stop();
  });
});

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
