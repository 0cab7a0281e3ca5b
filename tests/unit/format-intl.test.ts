/**
 * core/format.ts writes de-DE numbers and Europe/Berlin times without `Intl` (a page's first Intl
 * formatter initialises ICU inside its first render). Its output must be Intl's, character for
 * character: these tests compare both over edge cases, every summer-time change of the years the
 * written-out rule covers, and many seeded random values.
 */
import { describe, expect, test } from 'vitest';

import {
  formatChange,
  formatCount,
  formatDate,
  formatDateTime,
  formatEuro,
  formatNumber,
  formatPercent,
  formatTime,
} from '../../core/format.js';

const intl = (digits: number) =>
  new Intl.NumberFormat('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const intlInt = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const DAY = { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' } as const;
const intlDate = new Intl.DateTimeFormat('de-DE', DAY);
const intlDateTime = new Intl.DateTimeFormat('de-DE', { ...DAY, hour: '2-digit', minute: '2-digit' });
const intlTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  hour: '2-digit',
  minute: '2-digit',
});

/** A small seeded generator (mulberry32): the same values on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  0.05,
  0.005,
  1.005,
  1.45,
  8.345,
  0.125,
  14.75,
  14.749,
  6512.5,
  999.95,
  999.995,
  9999.5,
  99_999.99,
  999_999.5,
  1_000_000,
  1234567.891,
  -1527.25,
  -0.04,
  -0.4,
  0.000001,
  1e-7,
  5e-324,
  1e21,
  1.5e21,
  123456789012345680000,
  1.5e300,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  0.1 + 0.2,
  1 / 3,
  2 / 3,
  -2 / 3,
  14.733333333333333,
  624.5,
  6_400_000,
  1_234_567,
];

describe('numbers as Intl.NumberFormat de-DE writes them', () => {
  test('edge cases, 0 to 4 fraction digits', () => {
    for (const x of EDGES) {
      expect(formatCount(x), String(x)).toBe(intlInt.format(x));
      for (let d = 0; d <= 4; d++) expect(formatNumber(x, d), `${x}, ${d}`).toBe(intl(d).format(x));
    }
  });

  test('20,000 seeded random values over magnitudes 1e-9 to 1e22, and ties at every digit', () => {
    const next = random(13);
    const formats = [0, 1, 2, 3].map(intl);
    let checked = 0;
    for (let i = 0; i < 10_000; i++) {
      const magnitude = 10 ** (Math.floor(next() * 32) - 9); // 1e-9 … 1e22
      const x = (next() < 0.5 ? -1 : 1) * next() * magnitude;
      const d = i % 4;
      expect(formatNumber(x, d), `${x}, ${d}`).toBe(formats[d]?.format(x));
      checked++;
    }
    // Values a half away from a rounding step (what the figures' means and shares produce):
    // k + 0.5 × 10^-d, and the same as the sum of two doubles.
    for (let i = 0; i < 10_000; i++) {
      const d = i % 4;
      const k = Math.floor(next() * 1e6) / 10 ** d;
      const x = (i % 3 === 0 ? -1 : 1) * (k + 0.5 / 10 ** d);
      expect(formatNumber(x, d), `${x}, ${d}`).toBe(formats[d]?.format(x));
      expect(formatCount(x), String(x)).toBe(intlInt.format(x));
      checked++;
    }
    expect(checked).toBe(20_000);
  });

  test('figures worked out by hand', () => {
    // Rounded on the decimal that reads back as the number, half away from zero.
    expect(formatNumber(1.005, 2)).toBe('1,01');
    expect(formatNumber(-2.5, 0)).toBe('-3');
    expect(formatNumber(999_999.95, 1)).toBe('1.000.000,0');
    expect(formatNumber(1e21, 0)).toBe('1.000.000.000.000.000.000.000');
    expect(formatNumber(1e-7, 2)).toBe('0,00');
    expect(formatCount(-0.4)).toBe('-0');
    expect(formatChange(0.05, 1)).toBe('+0,1 %');
    expect(formatChange(-0.049, 1)).toBe('±0,0 %');
    expect(formatPercent(624.5, 0)).toBe('625 %');
  });

  test('percent, change and euro forms are built on the same digits', () => {
    expect(formatPercent(1.005, 2)).toBe(`${intl(2).format(1.005)} %`);
    expect(formatPercent(14.75)).toBe('14,8 %');
    expect(formatChange(-1.45)).toBe('−1,5 %');
    expect(formatChange(-0.04)).toBe('±0,0 %');
    expect(formatEuro(1234567, { compact: true })).toBe(`${intl(2).format(1.234567)} Mio €`);
    expect(formatEuro(6_400_000)).toBe('6.400.000 €');
    expect(formatEuro(-1999.5)).toBe(`${intlInt.format(-1999.5)} €`);
  });
});

/** 01:00 UTC of the last Sunday of a month: where Berlin changes between winter and summer time. */
function lastSundayOneUtc(year: number, month0: number): number {
  const last = new Date(Date.UTC(year, month0 + 1, 0));
  return Date.UTC(year, month0, last.getUTCDate() - last.getUTCDay(), 1);
}

function expectLikeIntl(t: number): void {
  const date = new Date(t);
  const what = date.toISOString();
  expect(formatDateTime(date), what).toBe(intlDateTime.format(date));
  expect(formatDate(date), what).toBe(intlDate.format(date));
  expect(formatTime(date), what).toBe(intlTime.format(date));
}

describe('Europe/Berlin dates and times as Intl.DateTimeFormat de-DE writes them', () => {
  test('every summer-time change from 1996 to 2099, every five minutes two hours either side', () => {
    let checked = 0;
    for (let year = 1996; year <= 2099; year++) {
      for (const change of [lastSundayOneUtc(year, 2), lastSundayOneUtc(year, 9)]) {
        for (let m = -120; m <= 120; m += 5) {
          expectLikeIntl(change + m * 60_000);
          checked++;
        }
        expectLikeIntl(change - 1);
        expectLikeIntl(change + 59_999);
      }
    }
    expect(checked).toBe(104 * 2 * 49);
  });

  test('the turn of each year and 5,000 seeded random instants from 1996 to 2099', () => {
    for (let year = 1996; year <= 2100; year++) {
      const turn = Date.UTC(year, 0, 1);
      for (const dt of [-3_600_001, -3_600_000, -1, 0, 1, 3_600_000]) expectLikeIntl(turn + dt);
    }
    const next = random(7);
    const from = Date.UTC(1996, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 5_000; i++) expectLikeIntl(from + Math.floor(next() * (to - from)));
  });

  test('the changes of 2024, worked out by hand: 31 March and 27 October at 01:00 UTC', () => {
    // Winter time (UTC+1) until 31 March 01:00 UTC, when 02:00 local becomes 03:00.
    expect(formatDateTime('2024-03-31T00:59:00Z')).toBe('31.03.2024, 01:59');
    expect(formatDateTime('2024-03-31T01:00:00Z')).toBe('31.03.2024, 03:00');
    // Summer time (UTC+2) until 27 October 01:00 UTC, when 03:00 local becomes 02:00 again.
    expect(formatDateTime('2024-10-27T00:59:00Z')).toBe('27.10.2024, 02:59');
    expect(formatDateTime('2024-10-27T01:00:00Z')).toBe('27.10.2024, 02:00');
    expect(formatTime('2024-07-01T22:30:00Z')).toBe('00:30');
    expect(formatDate('2024-07-01T22:30:00Z')).toBe('02.07.2024');
  });

  test('instants outside those years, ISO strings and invalid dates', () => {
    for (const iso of [
      '1970-01-01T00:00:00Z',
      '1985-07-01T12:00:00Z',
      '1995-12-31T22:59:59Z',
      '2100-06-30T12:00:00Z',
      '0099-07-04T04:00:00Z',
      '2024-07-04T04:00:00.000Z',
    ])
      expectLikeIntl(Date.parse(iso));
    expect(formatDateTime('2024-07-04T04:00:00Z')).toBe('04.07.2024, 06:00');
    expect(formatDate('2024-12-31T23:30:00Z')).toBe('01.01.2025');
    expect(formatDateTime('kein Datum')).toBe('–');
    expect(formatDate(null)).toBe('–');
  });
});
