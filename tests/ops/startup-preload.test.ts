/**
 * The real server process on the sample data reads every region's stored goals into memory:
 * before it says it listens when they are stored and checked, and behind the first requests when
 * they must first be built (the first start after the sample data were loaded). In the first case
 * it then warms its request path (server/warm-up.ts) without writing request lines;
 * WARM_UP_REQUESTS=0 turns that off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

interface Line {
  msg?: string;
  regions?: number;
  requests?: number;
  notOk?: number;
  timedOut?: boolean;
}

function jsonLines(logs: readonly string[]): Line[] {
  return logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

describe('start-up of the production server', () => {
  it('reads the stored goals into memory: after building them on the first start, before listening on the next', async () => {
    const server = await startServer({ env: { WARM_UP_REQUESTS: '40' } });
    servers.push(server);
    const preloaded = (lines: Line[]) => lines.findIndex((l) => l.msg === 'stored goals read into memory');
    // First start: the sample data were just loaded, their goals are built behind the requests.
    await expect
      .poll(() => jsonLines(server.logs)[preloaded(jsonLines(server.logs))]?.regions, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const first = jsonLines(server.logs);
    expect(preloaded(first)).toBeGreaterThan(first.findIndex((l) => l.msg === 'derived data ready'));
    expect(preloaded(first)).toBeGreaterThan(first.findIndex((l) => l.msg === 'listening'));
    expect(first.some((l) => l.msg === 'request path warmed up')).toBe(false);

    // Second start, on the stored goals: read into memory before it listens.
    server.logs.length = 0;
    await server.restart();
    const lines = jsonLines(server.logs);
    expect(lines[preloaded(lines)]?.regions).toBe(first[preloaded(first)]?.regions);
    // Then the warm-up, before it listens; none of its requests is logged.
    const warmed = lines.findIndex((l) => l.msg === 'request path warmed up');
    expect(lines[warmed]).toMatchObject({ requests: 40, notOk: 0, timedOut: false });
    expect(preloaded(lines)).toBeLessThan(warmed);
    expect(warmed).toBeLessThan(lines.findIndex((l) => l.msg === 'listening'));
    expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
    const res = await fetch(`${server.url}/api/goals`);
    expect(res.status).toBe(200);
    await expect.poll(() => jsonLines(server.logs).filter((l) => l.msg === 'request').length).toBe(1);
  }, 120_000);

  it('WARM_UP_REQUESTS=0: no warm-up; the stored goals are read into memory all the same', async () => {
    const server = await startServer({ env: { WARM_UP_REQUESTS: '0' } });
    servers.push(server);
    await expect
      .poll(() => jsonLines(server.logs).some((l) => l.msg === 'stored goals read into memory'), {
        timeout: 30_000,
      })
      .toBe(true);
    server.logs.length = 0;
    await server.restart();
    const lines = jsonLines(server.logs);
    expect(lines.some((l) => l.msg === 'request path warmed up')).toBe(false);
    const preloaded = lines.findIndex((l) => l.msg === 'stored goals read into memory');
    expect(lines[preloaded]?.regions).toBeGreaterThan(0);
    expect(preloaded).toBeLessThan(lines.findIndex((l) => l.msg === 'listening'));
  }, 120_000);
});
