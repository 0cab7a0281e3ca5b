import { describe, expect, test } from 'vitest';

import {
  formatChange,
  formatChangePair,
  formatCount,
  formatDataMonth,
  formatDate,
  formatDateTime,
  formatMonth,
  formatMonthShort,
  formatNumber,
  formatPercent,
  STATUS_TEXT,
  sampleLabel,
} from '../../core/format.js';

describe('de-DE formatting (web/format.ts)', () => {
  test.each([
    [1527, '1.527'],
    [6512.4, '6.512'],
    [6512.5, '6.513'],
    [0, '0'],
    [1234567, '1.234.567'],
    [null, '–'],
    [Number.NaN, '–'],
  ])('formatCount(%s) = %s', (n, s) => {
    expect(formatCount(n)).toBe(s);
  });

  test.each([
    [14.7, '14,7 %'],
    [14.749, '14,7 %'],
    [14.75, '14,8 %'],
    [2.04, '2,0 %'],
    [null, '–'],
  ])('formatPercent(%s) = %s', (n, s) => {
    expect(formatPercent(n)).toBe(s);
  });

  test.each([
    [1.1, '+1,1 %'],
    [-0.4, '−0,4 %'],
    [-1, '−1,0 %'],
    [6, '+6,0 %'],
    [0, '±0,0 %'],
    // Rounds to zero: no sign that would claim a direction.
    [-0.04, '±0,0 %'],
    [0.05, '+0,1 %'],
    [undefined, '–'],
  ])('formatChange(%s) = %s', (n, s) => {
    expect(formatChange(n)).toBe(s);
  });

  test('the minus sign is U+2212, not a hyphen', () => {
    expect(formatChange(-0.4).codePointAt(0)).toBe(0x2212);
  });

  test('formatNumber keeps the given digits', () => {
    expect(formatNumber(1527.25, 2)).toBe('1.527,25');
    expect(formatNumber(1527.25)).toBe('1.527,3');
  });

  test.each([
    ['2024-06', 'Juni 2024'],
    ['2024-03', 'März 2024'],
    ['2023-12', 'Dezember 2023'],
    ['2024-13', '2024-13'],
    [null, '–'],
  ])('formatMonth(%s) = %s', (m, s) => {
    expect(formatMonth(m)).toBe(s);
  });

  test('the Datenstand names what is missing instead of a dash', () => {
    expect(formatDataMonth('2024-09')).toBe('September 2024');
    expect(formatDataMonth(null)).toBe('noch kein Monat mit Integrationen, eLb und LZB');
  });

  test('short months for chart axes', () => {
    expect(formatMonthShort('2024-06')).toBe('Juni');
    expect(formatMonthShort('2024-09')).toBe('Sep.');
    expect(formatMonthShort('2024-03', true)).toBe('März 2024');
  });

  test('dates and times in Europe/Berlin', () => {
    // 04:00 UTC in July is 06:00 in Berlin (summer time).
    expect(formatDate('2024-07-04T04:00:00Z')).toBe('04.07.2024');
    expect(formatDateTime('2024-07-04T04:00:00Z')).toBe('04.07.2024, 06:00');
    // 23:30 UTC on 31 Dec is already 1 Jan in Berlin.
    expect(formatDate('2023-12-31T23:30:00Z')).toBe('01.01.2024');
    expect(formatDate('not a date')).toBe('–');
  });

  test('status words and the sample label', () => {
    expect(STATUS_TEXT.met).toEqual({ icon: '✓', word: 'im Ziel' });
    expect(STATUS_TEXT.at_risk.word).toBe('gefährdet');
    expect(sampleLabel('2024-09')).toBe('Beispieldaten, Stand September 2024');
  });
});

describe('formatChangePair: a change and its target read as they compare', () => {
  test('one decimal where it tells them apart, more where it would not (up to three)', () => {
    expect(formatChangePair(-0.8, -1)).toEqual({ change: '−0,8 %', target: '−1,0 %' });
    // The audit's K2 insgesamt of March 2024: −0,406 % is short of −0,4 % (gefährdet).
    expect(formatChangePair(-0.40583, -0.4)).toEqual({ change: '−0,41 %', target: '−0,40 %' });
    expect(formatChangePair(1.1004, 1.1)).toEqual({ change: '+1,100 %', target: '+1,100 %' });
    // Exactly the target: one decimal is the truth.
    expect(formatChangePair(-0.4, -0.4)).toEqual({ change: '−0,4 %', target: '−0,4 %' });
  });
  test("the target's own decimals are kept; no change yet is a dash", () => {
    expect(formatChangePair(2.4, 1.25)).toEqual({ change: '+2,40 %', target: '+1,25 %' });
    expect(formatChangePair(null, 1.25)).toEqual({ change: '–', target: '+1,25 %' });
    expect(formatChangePair(-0.40583, -0.4, 2)).toEqual({ change: '−0,41 %', target: '−0,40 %' });
  });
});
