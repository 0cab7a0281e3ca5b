/**
 * Month arithmetic: monthIndex reads 'YYYY-MM' character by character (it is on every series
 * lookup), so it must accept and reject exactly what the month pattern does; fromMonthIndex keeps
 * the texts it made and must give the same text as building it anew.
 */
import { describe, expect, it, test } from 'vitest';
import { addMonths, fromMonthIndex, isMonth, type Month, month, monthIndex } from '../../core/months.js';

describe('monthIndex', () => {
  test.each([
    ['0000-01', 0],
    ['0001-01', 12],
    ['2024-01', 2024 * 12],
    ['2024-12', 2024 * 12 + 11],
    ['9999-12', 9999 * 12 + 11],
  ])('%s → %i', (m, i) => {
    expect(monthIndex(m as Month)).toBe(i);
  });

  test.each([
    '2024-00',
    '2024-13',
    '2024-1',
    '2024-010',
    '20a4-01',
    '2024/01',
    '２０２４-01',
    '2024-0１',
    '-024-01',
    ' 2024-01',
    '2024-01 ',
    '',
  ])('rejects %j as isMonth does', (m) => {
    expect(isMonth(m)).toBe(false);
    expect(() => monthIndex(m as Month)).toThrow(RangeError);
  });

  it('agrees with the month pattern on every year and two-digit month', () => {
    for (let y = 0; y < 10000; y += 13) {
      for (let mo = 0; mo < 100; mo++) {
        const m = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}`;
        if (isMonth(m)) expect(monthIndex(m)).toBe(y * 12 + mo - 1);
        else expect(() => monthIndex(m as Month)).toThrow(RangeError);
      }
    }
  });
});

describe('fromMonthIndex', () => {
  it('inverts monthIndex, the same text on the first and every later call', () => {
    for (let i = 1890 * 12; i < 2210 * 12; i++) {
      const first = fromMonthIndex(i);
      expect(fromMonthIndex(i)).toBe(first);
      expect(first).toBe(
        `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`,
      );
      expect(monthIndex(first)).toBe(i);
    }
  });

  it('month arithmetic across years', () => {
    expect(addMonths(month('2024-01'), -1)).toBe('2023-12');
    expect(addMonths(month('2023-12'), 13)).toBe('2025-01');
  });
});
