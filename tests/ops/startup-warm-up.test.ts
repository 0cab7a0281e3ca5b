/**
 * The real server process on the sample data: before it says it listens, it warms its request path
 * (server/warm-up.ts) without writing request lines, and reads every region's stored goals into
 * memory; WARM_UP_REQUESTS=0 turns the warm-up off, not the goals read into memory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

interface Line {
  msg?: string;
  requests?: number;
  notOk?: number;
  regions?: number;
  path?: string;
}

function jsonLines(logs: readonly string[]): Line[] {
  return logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

describe('start-up of the production server', () => {
  it('warms up and reads the stored goals into memory before it listens, logging no warm-up request', async () => {
    const server = await startServer({ env: { WARM_UP_REQUESTS: '40' } });
    servers.push(server);
    // First start: the sample data were just loaded, their goals are not stored yet. No warm-up
    // (goal requests would compute); the goals are read into memory once built, behind the requests.
    await expect
      .poll(() => jsonLines(server.logs).find((l) => l.msg === 'stored goals read into memory')?.regions, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    expect(jsonLines(server.logs).some((l) => l.msg === 'request path warmed up')).toBe(false);

    // Second start, on the stored goals.
    server.logs.length = 0;
    await server.restart();
    const lines = jsonLines(server.logs);
    const at = (msg: string) => lines.findIndex((l) => l.msg === msg);
    const warmed = lines[at('request path warmed up')];
    expect(warmed).toMatchObject({ requests: 40, notOk: 0, timedOut: false });
    expect(warmed?.regions).toBeGreaterThan(0);
    expect(lines[at('stored goals read into memory')]?.regions).toBeGreaterThan(0);
    expect(at('request path warmed up')).toBeLessThan(at('stored goals read into memory'));
    expect(at('stored goals read into memory')).toBeLessThan(at('listening'));
    expect(lines.filter((l) => l.msg === 'request')).toEqual([]);

    // Requests after it are logged as always.
    const res = await fetch(`${server.url}/api/goals`);
    expect(res.status).toBe(200);
    await expect
      .poll(() =>
        jsonLines(server.logs)
          .filter((l) => l.msg === 'request')
          .map((l) => l.path),
      )
      .toEqual(['/api/goals']);
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
    const listening = lines.findIndex((l) => l.msg === 'listening');
    const preloaded = lines.findIndex((l) => l.msg === 'stored goals read into memory');
    expect(lines[preloaded]?.regions).toBeGreaterThan(0);
    expect(preloaded).toBeLessThan(listening);
  }, 120_000);
});
