/**
 * The wall engine against an in-memory API (the real server is covered by tests/e2e/wall*.test.ts):
 * new data without reload, outages with backoff, recovery, a new build, and nothing left running.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import {
  type VersionResult,
  type WallApi,
  WallController,
  type WallOptions,
} from '../../web/wall/controller';
import type { TimerApi } from '../../web/wall/timing';

interface Goals {
  stale: boolean;
  dataVersion: number;
  goals: { id: string; value: number }[];
}
interface Points {
  id: string;
  version: number;
}

/** A failed answer as web/api.ts reports it (ApiRequestError: status and error code). */
class AnswerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`Der Server antwortete mit Status ${status}.`);
  }
}

/** A tiny fake server: a data version, a build, and a switch to take it down. */
class FakeServer implements WallApi<Goals, Points> {
  dataVersion = 1;
  build = 'b1';
  up = true;
  stale = false;
  /** The goals' answer when it is an error (the version answers all the same). */
  goalsError: AnswerError | null = null;
  ids = ['K2-female', 'K2-male', 'K2-total', 'K3-female', 'K3-male', 'K3-total'];
  calls: string[] = [];

  protected check(what: string, signal: AbortSignal) {
    this.calls.push(what);
    signal.throwIfAborted();
    if (!this.up) throw new TypeError('Failed to fetch');
    if (what !== 'version' && this.goalsError) throw this.goalsError;
  }
  async version(etag: string | null, signal: AbortSignal): Promise<VersionResult> {
    this.check('version', signal);
    const tag = `"${this.dataVersion}-${this.build}"`;
    if (etag === tag) return { status: 'not-modified' };
    return { status: 'ok', etag: tag, version: { dataVersion: this.dataVersion, build: this.build } };
  }
  async goals(signal: AbortSignal): Promise<Goals> {
    this.check('goals', signal);
    return {
      stale: this.stale,
      dataVersion: this.dataVersion,
      goals: this.ids.map((id) => ({ id, value: this.dataVersion * 10 })),
    };
  }
  async series(id: string, signal: AbortSignal): Promise<Points> {
    this.check(`series:${id}`, signal);
    return { id, version: this.dataVersion };
  }
}

let timers: TimerApi;
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2024, 9, 4, 12, 32, 0) });
  timers = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h),
  };
});
afterEach(() => {
  vi.useRealTimers();
});

function make(server: FakeServer, opts: Partial<WallOptions> = {}) {
  const reload = vi.fn();
  const ctl = new WallController(server, {
    pages: { kind: 'all' },
    intervalMs: 20_000,
    pollMs: 60_000,
    timers,
    reload,
    ...opts,
  });
  return { ctl, reload };
}

describe('WallController', () => {
  test('loads the goals and the series of every goal page', async () => {
    const server = new FakeServer();
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    const s = ctl.getState();
    expect(s.data?.dataVersion).toBe('1');
    expect(s.pages.map((p) => p.key)).toEqual(['overview', ...server.ids.map((id) => `goal:${id}`)]);
    expect([...(s.data?.series.keys() ?? [])]).toEqual(server.ids);
    expect(s.failingSince).toBeNull();
    ctl.stop();
  });

  test('the first load asks for the goals beside the version, once', async () => {
    const server = new FakeServer();
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    // Both on their way before either answers (the version's answer used to come first).
    expect(server.calls.slice(0, 2)).toEqual(['goals', 'version']);
    expect(server.calls.filter((c) => c === 'goals')).toHaveLength(1);
    expect(ctl.getState().data?.goals.goals[0]?.value).toBe(10);
    ctl.stop();
  });

  test('goals of another data version than the version answer are asked for again', async () => {
    const server = new FakeServer();
    // An import lands between the two early answers: the goals still show version 1.
    const goals = server.goals.bind(server);
    let first = true;
    server.goals = (signal) => {
      const g = goals(signal);
      if (first) server.dataVersion = 2;
      first = false;
      return g;
    };
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls.filter((c) => c === 'goals')).toHaveLength(2);
    const s = ctl.getState();
    expect(s.data?.dataVersion).toBe('2');
    expect(s.data?.goals.goals[0]?.value).toBe(20);
    ctl.stop();
  });

  test('only the series of the pages asked for are fetched', async () => {
    const server = new FakeServer();
    const { ctl } = make(server, { pages: { kind: 'list', tokens: ['K3-total', 'overview', 'K9-male'] } });
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls.filter((c) => c.startsWith('series:'))).toEqual(['series:K3-total']);
    expect(ctl.getState().unknownPages).toEqual(['K9-male']);
    ctl.stop();
  });

  test('an unchanged version costs one request per poll; a new one re-fetches everything', async () => {
    const server = new FakeServer();
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = ctl.getState().data;
    server.calls = [];
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toEqual(['version']);
    expect(ctl.getState().data).toBe(first);

    server.dataVersion = 2;
    server.calls = [];
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls.slice(0, 2)).toEqual(['version', 'goals']);
    const s = ctl.getState();
    expect(s.data?.dataVersion).toBe('2');
    expect(s.data?.goals.goals[0]?.value).toBe(20);
    expect(s.data?.series.get('K2-total')).toEqual({ id: 'K2-total', version: 2 });
    ctl.stop();
  });

  test('keeps the last figures through an outage, backs off, and clears the banner when back', async () => {
    const server = new FakeServer();
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    const good = ctl.getState().data;

    server.up = false;
    const downAt = Date.now() + 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ctl.getState().failingSince).toBe(downAt);
    expect(ctl.getState().failures).toBe(1);
    expect(ctl.getState().lastError).toBe('Failed to fetch');
    expect(ctl.getState().data).toBe(good);

    // Retries after 1, 2, 4, 8, 16, 32 s, then every 60 s (the poll interval).
    const retryTimes: number[] = [];
    server.calls = [];
    let seen = 0;
    for (let t = 0; t < 245_000; t += 500) {
      await vi.advanceTimersByTimeAsync(500);
      if (server.calls.length > seen) {
        seen = server.calls.length;
        retryTimes.push(Date.now() - downAt);
      }
    }
    expect(retryTimes).toEqual([1000, 3000, 7000, 15_000, 31_000, 63_000, 123_000, 183_000, 243_000]);
    expect(ctl.getState().failingSince).toBe(downAt);
    expect(ctl.getState().data).toBe(good);

    server.up = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ctl.getState().failingSince).toBeNull();
    expect(ctl.getState().failures).toBe(0);
    ctl.stop();
  });

  test('a first load that fails is retried until the server answers', async () => {
    const server = new FakeServer();
    server.up = false;
    const { ctl } = make(server, { pollMs: 5000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ctl.getState().data).toBeNull();
    expect(ctl.getState().failingSince).not.toBeNull();
    server.up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctl.getState().data?.dataVersion).toBe('1');
    expect(ctl.getState().failingSince).toBeNull();
    ctl.stop();
  });

  test('a hanging request is aborted after the timeout and counts as a failure: no answer (offline)', async () => {
    const server = new FakeServer();
    server.version = (_etag, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const { ctl } = make(server, { requestTimeoutMs: 15_000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(ctl.getState().lastError).toBe('Zeitüberschreitung');
    expect(ctl.getState().failures).toBe(1);
    expect(ctl.getState().failure).toEqual({ kind: 'offline' });
    ctl.stop();
  });

  test('rotates through the pages, also while offline', async () => {
    const server = new FakeServer();
    const { ctl } = make(server, { intervalMs: 1000, pollMs: 600_000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const s = ctl.getState();
      seen.push(s.pages[s.pageIndex]?.key ?? '?');
      if (i === 3) server.up = false;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(seen).toEqual(['overview', ...server.ids.map((id) => `goal:${id}`), 'overview']);
    expect(ctl.getState().rotations).toBe(8);
    ctl.stop();
  });

  test('stays on the shown page when new data arrive in a different order', async () => {
    const server = new FakeServer();
    const { ctl } = make(server, { intervalMs: 1000, pollMs: 3500 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(3000);
    const before = ctl.getState();
    expect(before.pages[before.pageIndex]?.key).toBe('goal:K2-total');
    expect(before.pageIndex).toBe(3);

    server.dataVersion = 2;
    server.ids = [...server.ids].reverse();
    await vi.advanceTimersByTimeAsync(600); // the poll at 3.5 s, before the next rotation
    const after = ctl.getState();
    expect(after.data?.dataVersion).toBe('2');
    expect(after.pages[after.pageIndex]?.key).toBe('goal:K2-total');
    expect(after.pageIndex).toBe(4);
    ctl.stop();
  });

  test('reloads the page when the server runs a new build, and stops', async () => {
    const server = new FakeServer();
    const { ctl, reload } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    server.build = 'b2';
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reload).toHaveBeenCalledOnce();
    expect(ctl.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('re-reads the goals periodically even without new data (staleness follows the calendar)', async () => {
    const server = new FakeServer();
    const { ctl } = make(server, { recheckEveryMs: 15 * 60_000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    server.stale = true;
    await vi.advanceTimersByTimeAsync(14 * 60_000);
    expect(ctl.getState().data?.goals.stale).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ctl.getState().data?.goals.stale).toBe(true);
    ctl.stop();
  });

  test('the clock ticks on the full minute', async () => {
    vi.setSystemTime(Date.UTC(2024, 9, 4, 12, 32, 40));
    const { ctl } = make(new FakeServer());
    ctl.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ctl.getState().now).toBe(Date.UTC(2024, 9, 4, 12, 33, 0));
    ctl.stop();
  });

  test('stop leaves no timer and aborts the request in flight; start resumes', async () => {
    const server = new FakeServer();
    let aborted = false;
    const original = server.goals.bind(server);
    server.goals = (signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        setTimeout(() => resolve(original(signal)), 5000);
      });
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(100);
    ctl.stop();
    expect(aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(ctl.getState().failingSince).toBeNull();

    server.goals = original;
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ctl.getState().data?.dataVersion).toBe('1');
    ctl.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('an error answer is named as such, not as a lost connection; a network failure is', async () => {
    const server = new FakeServer();
    server.goalsError = new AnswerError(500, 'internal');
    const { ctl } = make(server, { pollMs: 5000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ctl.getState().failure).toEqual({ kind: 'answer', status: 500, code: 'internal' });
    expect(ctl.getState().failingSince).not.toBeNull();
    // Retried like an outage: the server may recover by itself.
    server.goalsError = new AnswerError(404, 'no_data');
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctl.getState().failure).toEqual({ kind: 'answer', status: 404, code: 'no_data' });
    expect(ctl.getState().failures).toBe(2);
    server.goalsError = null;
    server.up = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(ctl.getState().failure).toEqual({ kind: 'offline' });
    server.up = true;
    await vi.advanceTimersByTimeAsync(4000);
    expect(ctl.getState().failure).toBeNull();
    expect(ctl.getState().failingSince).toBeNull();
    expect(ctl.getState().data?.dataVersion).toBe('1');
    ctl.stop();
  });

  test("a bookmark's unknown region is ignored: the default region is shown, and retried with new data", async () => {
    const byDefault = new FakeServer();
    byDefault.ids = ['K2-total'];
    class Bookmarked extends FakeServer {
      known = false;
      protected override check(what: string, signal: AbortSignal) {
        super.check(what, signal);
        if (what !== 'version' && !this.known) throw new AnswerError(404, 'region_not_found');
      }
      withoutRegion() {
        return byDefault;
      }
    }
    const server = new Bookmarked();
    const { ctl } = make(server);
    ctl.start();
    await vi.advanceTimersByTimeAsync(0);
    let s = ctl.getState();
    expect(s.regionIgnored).toBe(true);
    expect(s.failure).toBeNull();
    expect(s.pages.map((p) => p.key)).toEqual(['overview', 'goal:K2-total']);
    expect(byDefault.calls).toContain('series:K2-total');

    // An import brings the region: with the next data version the bookmark's region is back.
    server.known = true;
    server.dataVersion = 2;
    byDefault.dataVersion = 2;
    await vi.advanceTimersByTimeAsync(60_000);
    s = ctl.getState();
    expect(s.regionIgnored).toBe(false);
    expect(s.pages).toHaveLength(1 + server.ids.length);
    ctl.stop();
  });

  test('reports the build of the first version answer once', async () => {
    const server = new FakeServer();
    const onBuild = vi.fn();
    const { ctl } = make(server, { onBuild, pollMs: 1000 });
    ctl.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(onBuild).toHaveBeenCalledTimes(1);
    expect(onBuild).toHaveBeenCalledWith('b1');
    ctl.stop();
  });
});
