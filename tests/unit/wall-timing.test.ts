import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import {
  msUntilNextMinute,
  nextPageIndex,
  retryDelayMs,
  Scheduler,
  type TimerApi,
  wallBackoff,
} from '../../web/wall/timing';

describe('retryDelayMs', () => {
  test.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [8, 60_000],
    [10_000, 60_000],
  ])('after %i failures waits %i ms (base 1 s, cap 60 s)', (failures, expected) => {
    expect(retryDelayMs(failures, { baseMs: 1000, capMs: 60_000 })).toBe(expected);
  });
});

describe('wallBackoff', () => {
  test('default poll: 1 s doubling up to 60 s', () => {
    expect(wallBackoff(60_000)).toEqual({ baseMs: 1000, capMs: 60_000 });
  });
  test('a fast test poll retries at the poll interval, never slower', () => {
    expect(wallBackoff(200)).toEqual({ baseMs: 200, capMs: 200 });
    const b = wallBackoff(1500);
    expect([1, 2, 3].map((f) => retryDelayMs(f, b))).toEqual([1000, 1500, 1500]);
  });
});

describe('nextPageIndex', () => {
  test.each([
    [0, 7, 1],
    [6, 7, 0],
    [0, 1, 0],
    [5, 0, 0],
    // The page list shrank under the current index (e.g. a goal disappeared after an import).
    [9, 3, 1],
    [-1, 3, 0],
  ])('after page %i of %i comes %i', (current, count, expected) => {
    expect(nextPageIndex(current, count)).toBe(expected);
  });
});

test('msUntilNextMinute lands on the full minute', () => {
  const t = Date.UTC(2024, 9, 4, 12, 31, 45, 250);
  expect(msUntilNextMinute(t)).toBe(14_750);
  expect(msUntilNextMinute(Date.UTC(2024, 9, 4, 12, 32))).toBe(60_000);
});

describe('Scheduler', () => {
  let timers: TimerApi;
  let armed: number;
  beforeEach(() => {
    vi.useFakeTimers();
    armed = 0;
    timers = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => {
        armed++;
        return setTimeout(fn, ms);
      },
      clearTimeout: (h) => clearTimeout(h),
    };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('runs tasks in deadline order with one pending timer', () => {
    const s = new Scheduler(timers);
    const log: string[] = [];
    s.schedule('poll', 300, () => log.push('poll'));
    s.schedule('rotate', 100, () => log.push('rotate'));
    s.schedule('clock', 200, () => log.push('clock'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(150);
    expect(log).toEqual(['rotate']);
    vi.advanceTimersByTime(200);
    expect(log).toEqual(['rotate', 'clock', 'poll']);
    expect(vi.getTimerCount()).toBe(0);
    expect(s.size).toBe(0);
  });

  test('scheduling a key again replaces it instead of adding a second task', () => {
    const s = new Scheduler(timers);
    const fn = vi.fn();
    for (let i = 0; i < 1000; i++) s.schedule('poll', 100 + i, fn);
    expect(s.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  test('a task that reschedules itself keeps a steady rhythm (a rotation)', () => {
    const s = new Scheduler(timers);
    let rotations = 0;
    const rotate = () => {
      rotations++;
      s.schedule('rotate', 200, rotate);
    };
    s.schedule('rotate', 200, rotate);
    vi.advanceTimersByTime(200 * 500);
    expect(rotations).toBe(500);
    expect(s.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
  });

  test('does not re-arm the timer when a later task is added', () => {
    const s = new Scheduler(timers);
    s.schedule('a', 100, () => {});
    s.schedule('b', 500, () => {});
    s.schedule('c', 900, () => {});
    expect(armed).toBe(1);
  });

  test('cancel removes a task; the timer follows the next deadline', () => {
    const s = new Scheduler(timers);
    const a = vi.fn();
    const b = vi.fn();
    s.schedule('a', 100, a);
    s.schedule('b', 500, b);
    s.cancel('a');
    vi.advanceTimersByTime(499);
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(b).toHaveBeenCalledOnce();
  });

  test('a failing task is reported and does not stop the others', () => {
    const errors: unknown[] = [];
    const s = new Scheduler(timers, (e) => errors.push(e));
    const ok = vi.fn();
    s.schedule('bad', 10, () => {
      throw new Error('boom');
    });
    s.schedule('ok', 10, ok);
    vi.advanceTimersByTime(10);
    expect(ok).toHaveBeenCalledOnce();
    expect(errors).toHaveLength(1);
  });

  test('dispose clears the timer and ignores later schedules', () => {
    const s = new Scheduler(timers);
    const fn = vi.fn();
    s.schedule('a', 100, fn);
    s.dispose();
    expect(vi.getTimerCount()).toBe(0);
    s.schedule('b', 100, fn);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a task that disposes the scheduler stops the run', () => {
    const s = new Scheduler(timers);
    const later = vi.fn();
    s.schedule('a', 10, () => s.dispose());
    s.schedule('b', 10, later);
    vi.advanceTimersByTime(10);
    expect(later).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
