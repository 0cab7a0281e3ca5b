/**
 * The real server process on the sample data reads every region's stored goals into memory:
 * before it says it listens when they are stored and checked, and behind the first requests when
 * they must first be built (the first start after the sample data were loaded).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

interface Line {
  msg?: string;
  regions?: number;
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
    const server = await startServer();
    servers.push(server);
    const preloaded = (lines: Line[]) => lines.findIndex((l) => l.msg === 'stored goals read into memory');
    // First start: the sample data were just loaded, their goals are built behind the requests.
    await expect
      .poll(() => jsonLines(server.logs)[preloaded(jsonLines(server.logs))]?.regions, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const first = jsonLines(server.logs);
    expect(preloaded(first)).toBeGreaterThan(first.findIndex((l) => l.msg === 'derived data ready'));
    expect(preloaded(first)).toBeGreaterThan(first.findIndex((l) => l.msg === 'listening'));

    // Second start, on the stored goals: read into memory before it listens.
    server.logs.length = 0;
    await server.restart();
    const lines = jsonLines(server.logs);
    expect(lines[preloaded(lines)]?.regions).toBe(first[preloaded(first)]?.regions);
    expect(preloaded(lines)).toBeLessThan(lines.findIndex((l) => l.msg === 'listening'));
    const res = await fetch(`${server.url}/api/goals`);
    expect(res.status).toBe(200);
  }, 120_000);
});
