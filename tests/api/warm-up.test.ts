/**
 * The start-up warm-up (server/warm-up.ts): real HTTP requests over loopback to the real app on a
 * fixture database, written to no request log line; a failing one is counted, not thrown; the
 * loopback server is closed afterwards.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import type { Db } from '../../server/db/connection.js';
import { warmUp, warmUpPaths } from '../../server/warm-up.js';
import { openTestDb } from '../helpers/db.js';
import { insertFixture, REGION_A, REGION_B } from './fixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The app over the fixture, with a logger whose lines the test reads. */
async function appWithLog() {
  const db: Db = await openTestDb();
  cleanups.push(() => db.close());
  await insertFixture(db);
  const lines: { msg?: string; path?: string; status?: number }[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]);
        cb();
      },
    }),
  );
  const now = new Date('2025-05-01T10:00:00Z');
  const deps = await createAppDeps({ db, config: testConfig(), clock: () => now, build: 'test', logger });
  return { db, deps, app: createApp(deps), lines };
}

/** Listening TCP servers of this process, once libuv has closed what was closed (a loop turn later). */
async function tcpServers(): Promise<number> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 10));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

describe('start-up warm-up', () => {
  it('sends the requests over HTTP and logs none of them; the app logs its own requests as always', async () => {
    const { deps, app, lines } = await appWithLog();
    await deps.goals.prepare();
    const servers = await tcpServers();
    const paths = warmUpPaths([REGION_A, REGION_B]);
    expect(paths).toEqual([`/api/goals?region=${REGION_A}`, `/api/goals?region=${REGION_B}`]);
    const result = await warmUp(app, { paths, requests: 5, budgetMs: 60_000 });
    expect(result).toMatchObject({ requests: 5, notOk: 0, timedOut: false });
    expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
    // The loopback server is closed again.
    expect(await tcpServers()).toBe(servers);

    const res = await app.request(`/api/goals?region=${REGION_A}`);
    expect(res.status).toBe(200);
    expect(lines.filter((l) => l.msg === 'request').map((l) => l.path)).toEqual(['/api/goals']);
  });

  it('counts answers other than 200 and goes on; stops at its budget; does nothing for 0 requests', async () => {
    const { app, lines } = await appWithLog();
    const paths = ['/api/goals?region=00000', '/api/version', '/api/nichts'];
    const result = await warmUp(app, { paths, requests: 6, budgetMs: 60_000 });
    expect(result).toMatchObject({ requests: 6, notOk: 4, timedOut: false });
    expect(lines.filter((l) => l.msg === 'request' || l.msg === 'request failed')).toEqual([]);

    const servers = await tcpServers();
    const none = await warmUp(app, { paths, requests: 6, budgetMs: 0 });
    expect(none).toMatchObject({ requests: 0, timedOut: true });
    expect(await tcpServers()).toBe(servers);
    const off = await warmUp(app, { paths, requests: 0, budgetMs: 60_000 });
    expect(off).toMatchObject({ requests: 0, timedOut: false });
  });
});
