import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import type { Month } from '../../core/vocabulary.js';
import { lzbShareComparison, lzbSharePct } from '../../server/domain/comparison.js';
import { expectedDataMonth, isStale, sampleExpectedMonth } from '../../server/domain/staleness.js';

const BA = { releaseDay: 25, lagMonths: 4 };

describe('expectedDataMonth (release day 25, lag 4, Europe/Berlin)', () => {
  test.each<{ name: string; now: string; expected: string }>([
    {
      name: 'the day before the release: one month less',
      now: '2024-07-24T12:00:00+02:00',
      expected: M('2024-02'),
    },
    { name: 'on the release day', now: '2024-07-25T12:00:00+02:00', expected: M('2024-03') },
    // 22:30 UTC on the 24th is already 00:30 on the 25th in Berlin (CEST, UTC+2).
    {
      name: 'release day starts at Berlin midnight, not UTC',
      now: '2024-07-24T22:30:00Z',
      expected: M('2024-03'),
    },
    { name: 'late on the release day in Berlin', now: '2024-07-25T21:59:00Z', expected: M('2024-03') },
    { name: 'after the release day', now: '2024-07-31T10:00:00+02:00', expected: M('2024-03') },
    // Across the year start: January looks back into the previous year.
    { name: 'early January', now: '2025-01-10T09:00:00+01:00', expected: M('2024-08') },
    { name: 'January after the release', now: '2025-01-27T09:00:00+01:00', expected: M('2024-09') },
    {
      name: 'New Year in Berlin while still 31 December in UTC',
      now: '2024-12-31T23:30:00Z',
      expected: M('2024-08'),
    },
    { name: '31 December after the release', now: '2024-12-31T12:00:00+01:00', expected: M('2024-08') },
    {
      name: 'May before the release: December of last year',
      now: '2025-05-24T09:00:00+02:00',
      expected: M('2024-12'),
    },
    { name: 'May on the release day: January', now: '2025-05-25T09:00:00+02:00', expected: M('2025-01') },
  ])('$name: $now → $expected', ({ now, expected }) => {
    expect(expectedDataMonth(new Date(now), BA)).toBe(expected);
  });

  test('another time zone counts the day there', () => {
    // 2024-07-24T22:30Z is still the 24th in New York.
    expect(expectedDataMonth(new Date('2024-07-24T22:30:00Z'), { ...BA, timeZone: 'America/New_York' })).toBe(
      M('2024-02'),
    );
  });

  test('other schedules', () => {
    expect(expectedDataMonth(new Date('2024-07-01T12:00:00+02:00'), { releaseDay: 1, lagMonths: 0 })).toBe(
      M('2024-07'),
    );
    expect(expectedDataMonth(new Date('2024-07-20T12:00:00+02:00'), { releaseDay: 20, lagMonths: 3 })).toBe(
      M('2024-04'),
    );
  });

  test('rejects nonsense', () => {
    expect(() => expectedDataMonth(new Date('nope'), BA)).toThrow(RangeError);
    expect(() => expectedDataMonth(new Date(), { releaseDay: 0, lagMonths: 4 })).toThrow(/releaseDay/);
    expect(() => expectedDataMonth(new Date(), { releaseDay: 25, lagMonths: -1 })).toThrow(/lagMonths/);
  });
});

describe('isStale', () => {
  test.each<{ latest: Month | null; expected: Month; stale: boolean }>([
    { latest: M('2024-03'), expected: M('2024-03'), stale: false },
    { latest: M('2024-04'), expected: M('2024-03'), stale: false },
    { latest: M('2024-02'), expected: M('2024-03'), stale: true },
    { latest: M('2023-12'), expected: M('2024-01'), stale: true },
    { latest: null, expected: M('2024-01'), stale: true },
  ])('latest $latest, expected $expected → $stale', ({ latest, expected, stale }) => {
    expect(isStale(latest, expected)).toBe(stale);
  });

  test('sample data are judged against their own as-of month', () => {
    expect(sampleExpectedMonth(M('2024-09'))).toBe(M('2024-09'));
    expect(isStale(M('2024-09'), sampleExpectedMonth(M('2024-09')))).toBe(false);
    expect(isStale(M('2024-08'), sampleExpectedMonth(M('2024-09')))).toBe(true);
    expect(() => sampleExpectedMonth('2024-13' as Month)).toThrow(RangeError);
  });
});

describe('lzbShareComparison', () => {
  test('own share against the unweighted mean of the others', () => {
    const r = lzbShareComparison({ lzb: 6500, elb: 10_400 }, [
      { regionId: '99001', lzb: 5200, elb: 8000 },
      { regionId: '99002', lzb: 14_000, elb: 20_000 },
      { regionId: '99003', lzb: 2100, elb: 3000 },
    ]);
    expect(r.ownSharePct).toBeCloseTo((100 * 6500) / 10_400, 12);
    expect(r.peerMeanPct).toBeCloseTo(
      ((100 * 5200) / 8000 + (100 * 14_000) / 20_000 + (100 * 2100) / 3000) / 3,
      12,
    );
    expect(r.peerCount).toBe(3);
    // 62.5 % against (65 + 70 + 70) / 3 = 68.3 %.
    expect(r.below).toBe(true);
  });

  test('regions without usable figures are left out; no peers or no own share → no verdict (null)', () => {
    const r = lzbShareComparison({ lzb: 700, elb: 1000 }, [
      { regionId: 'a', lzb: null, elb: 1000 },
      { regionId: 'b', lzb: 500, elb: 0 },
      { regionId: 'c', lzb: 600, elb: 1000 },
    ]);
    expect(r).toEqual({ ownSharePct: 70, peerMeanPct: (100 * 600) / 1000, peerCount: 1, below: false });
    expect(lzbShareComparison({ lzb: 1, elb: 2 }, [])).toEqual({
      ownSharePct: 50,
      peerMeanPct: null,
      peerCount: 0,
      below: null,
    });
    // Peers with figures but no own share: neither below nor not below.
    expect(lzbShareComparison({ lzb: null, elb: 1000 }, [{ regionId: 'c', lzb: 600, elb: 1000 }])).toEqual({
      ownSharePct: null,
      peerMeanPct: 60,
      peerCount: 1,
      below: null,
    });
    expect(lzbSharePct({ lzb: 5, elb: null })).toBeNull();
  });
});
