/**
 * The real server process on the sample data reads every region's stored goals into memory, once
 * per start: before it says it listens when they are stored and pass the start-up check, and behind
 * the first requests when they must first be built (the first start after the sample data were
 * loaded; a start whose settings the stored goals were not computed with).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

interface Line {
  msg?: string;
  regions?: number;
  comparisons?: number;
  stopped?: string | null;
  requests?: number;
  ok?: number;
  failed?: string | null;
  path?: string;
}

function jsonLines(logs: readonly string[]): Line[] {
  return logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

/** The index of the only line with `msg` (the test fails when there is none, or more than one). */
function only(lines: Line[], msg: string): number {
  const at = lines.flatMap((l, i) => (l.msg === msg ? [i] : []));
  expect(at, `lines "${msg}"`).toHaveLength(1);
  return at[0] ?? -1;
}

/** The index of the first line with `msg` (the test fails when there is none). */
function first(lines: Line[], msg: string): number {
  const i = lines.findIndex((l) => l.msg === msg);
  expect(i, `line "${msg}"`).toBeGreaterThanOrEqual(0);
  return i;
}

const PRELOADED = 'stored goals read into memory';
const WARMED = 'request path warmed up';

describe('start-up of the production server', () => {
  it('reads the stored goals into memory: before listening when they are stored, behind the requests when they must be built', async () => {
    const server = await startServer();
    servers.push(server);
    // First start: the sample data were just loaded, their goals are built, then read.
    await expect
      .poll(() => jsonLines(server.logs).some((l) => l.msg === PRELOADED), { timeout: 30_000 })
      .toBe(true);
    const firstStart = jsonLines(server.logs);
    const regions = firstStart[only(firstStart, PRELOADED)]?.regions ?? 0;
    expect(regions).toBeGreaterThan(0);
    // Every region's comparison at its latest month follows the goals.
    expect(firstStart[only(firstStart, PRELOADED)]).toMatchObject({ comparisons: regions, stopped: null });
    expect(only(firstStart, PRELOADED)).toBeGreaterThan(first(firstStart, 'derived data ready'));

    // Second start, on the stored goals: read into memory before it listens.
    server.logs.length = 0;
    await server.restart();
    const second = jsonLines(server.logs);
    expect(second[only(second, PRELOADED)]).toMatchObject({ regions, comparisons: regions, stopped: null });
    expect(only(second, PRELOADED)).toBeLessThan(only(second, 'listening'));
    // With the answers in memory, the request path ran before listening: every answer a 200, and
    // none of its requests in the log.
    // (Under a heavy load it may stop at its 2 s limit: then every request but the last was answered.)
    const warmed = second[only(second, WARMED)] ?? {};
    if (warmed.failed === null) expect(warmed).toMatchObject({ requests: 256, ok: 256 });
    else expect(warmed).toMatchObject({ failed: 'warm-up: timed out', ok: (warmed.requests ?? 0) - 1 });
    expect(warmed.ok).toBeGreaterThan(0);
    expect(only(second, WARMED)).toBeGreaterThan(only(second, PRELOADED));
    expect(only(second, WARMED)).toBeLessThan(only(second, 'listening'));
    expect(second.filter((l) => l.msg === 'request')).toEqual([]);
    const res = await fetch(`${server.url}/api/goals`);
    expect(res.status).toBe(200);
    // A real request after it is logged again.
    await expect
      .poll(
        () =>
          jsonLines(server.logs)
            .filter((l) => l.msg === 'request')
            .map((l) => l.path),
        {
          timeout: 5_000,
        },
      )
      .toEqual(['/api/goals']);
    await server.stop();

    // Third start, the same database under another at-risk band: the stored goals fail the check and
    // are rebuilt behind the requests, then read into memory.
    const other = await startServer({
      env: { DATABASE_PATH: `${server.dir}/zielmonitor.db`, AT_RISK_BAND_PCT: '2.5' },
    });
    servers.push(other);
    await expect
      .poll(() => jsonLines(other.logs).some((l) => l.msg === PRELOADED), { timeout: 30_000 })
      .toBe(true);
    const third = jsonLines(other.logs);
    expect(third[only(third, PRELOADED)]).toMatchObject({ regions, comparisons: regions, stopped: null });
    expect(only(third, PRELOADED)).toBeGreaterThan(first(third, 'derived data ready'));
    // Nothing to warm before listening (the answers were not in memory yet), so no warm-up.
    expect(third.filter((l) => l.msg === WARMED)).toEqual([]);
  }, 120_000);
});
