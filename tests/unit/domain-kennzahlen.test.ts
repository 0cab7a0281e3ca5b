import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';

import {
  meanOver,
  rateTwelveMonth,
  rateYearToDate,
  type SeriesRef,
  stockChange,
  stockYearToDateMean,
  sumOver,
} from '../../server/domain/kennzahlen.js';
import type { Month, Series } from '../../server/domain/types.js';
import { fixtureSeries, series, withCell } from './domain-fixtures.js';

const f = fixtureSeries();
const ref = (indicator: string, s: Series): SeriesRef => ({ indicator, gender: 'female', series: s });
const INT = ref('INT', f.INT);
const ELB = ref('ELB', f.ELB);
const LZB = ref('LZB', f.LZB);

describe('rateYearToDate (JFW)', () => {
  test.each<{ name: string; month: Month; expected: number }>([
    {
      name: 'January: one month of INT over the December ELB of the previous year',
      month: M('2024-01'),
      expected: (100 * 26) / (1500 / 1),
    },
    {
      name: 'January 2023: denominator is December 2022',
      month: M('2023-01'),
      expected: (100 * 25) / 1480,
    },
    {
      name: 'March: INT Jan..Mar over mean ELB Dec..Feb',
      month: M('2024-03'),
      expected: (100 * (26 + 30 + 36)) / ((1500 + 1520 + 1530) / 3),
    },
    {
      name: 'December: the full year, ELB Dec of t-1 .. Nov',
      month: M('2023-12'),
      expected:
        (100 * (25 + 28 + 35 + 33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18)) /
        ((1480 + 1500 + 1510 + 1520 + 1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510) / 12),
    },
  ])('$name', ({ month, expected }) => {
    const r = rateYearToDate(INT, ELB, month);
    expect(r.missing).toEqual([]);
    expect(r.value).toBeCloseTo(expected, 12);
  });
});

describe('rateTwelveMonth (K2)', () => {
  test.each<{ name: string; month: Month; expected: number }>([
    {
      name: 'across the year boundary: INT Apr 2023..Mar 2024 over mean ELB Mar 2023..Feb 2024',
      month: M('2024-03'),
      expected:
        (100 * (33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18 + 26 + 30 + 36)) /
        ((1520 + 1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510 + 1500 + 1520 + 1530) / 12),
    },
    {
      name: 'December equals the JFW of December (same windows)',
      month: M('2023-12'),
      expected:
        (100 * (25 + 28 + 35 + 33 + 30 + 27 + 26 + 29 + 34 + 31 + 27 + 18)) /
        ((1480 + 1500 + 1510 + 1520 + 1515 + 1505 + 1500 + 1495 + 1490 + 1500 + 1505 + 1510) / 12),
    },
  ])('$name', ({ month, expected }) => {
    const r = rateTwelveMonth(INT, ELB, month);
    expect(r.missing).toEqual([]);
    expect(r.value).toBeCloseTo(expected, 12);
  });

  test('the denominator lags one month: ELB of the month itself is not used', () => {
    const changed = ref('ELB', withCell(f.ELB, M('2024-03'), 99_999));
    expect(rateTwelveMonth(INT, changed, M('2024-03')).value).toBe(
      rateTwelveMonth(INT, ELB, M('2024-03')).value,
    );
    expect(rateYearToDate(INT, changed, M('2024-03')).value).toBe(
      rateYearToDate(INT, ELB, M('2024-03')).value,
    );
  });

  test('a month before the first data names every missing input month', () => {
    const r = rateTwelveMonth(INT, ELB, M('2023-06'));
    expect(r.value).toBeNull();
    // INT starts 2022-12, so 2022-07..2022-11 are missing; ELB 2022-06..2022-11 likewise.
    expect(r.missing.filter((p) => p.indicator === 'INT').map((p) => p.month)).toEqual([
      M('2022-07'),
      M('2022-08'),
      M('2022-09'),
      M('2022-10'),
      M('2022-11'),
    ]);
    expect(r.missing.filter((p) => p.indicator === 'ELB')).toHaveLength(6);
  });
});

describe('stock', () => {
  test.each<{ name: string; month: Month; fn: typeof stockYearToDateMean; expected: number }>([
    {
      name: 'YTD mean in January is the January stock',
      month: M('2024-01'),
      fn: stockYearToDateMean,
      expected: 960,
    },
    {
      name: 'YTD mean Jan..Sep',
      month: M('2024-09'),
      fn: stockYearToDateMean,
      expected: (960 + 966 + 972 + 978 + 984 + 990 + 996 + 1002 + 1008) / 9,
    },
    {
      name: 'K3 in January against January a year earlier',
      month: M('2024-01'),
      fn: stockChange,
      expected: 100 * (960 / 900 - 1),
    },
    { name: 'K3 in September', month: M('2024-09'), fn: stockChange, expected: 100 * (1008 / 940 - 1) },
  ])('$name', ({ month, fn, expected }) => {
    const r = fn(LZB, month);
    expect(r.missing).toEqual([]);
    expect(r.value).toBeCloseTo(expected, 12);
  });
});

describe('missing and flagged inputs', () => {
  test.each<{ name: string; cell: '*' | '-' | 'X' | null; reason: string }>([
    { name: 'suppressed (*)', cell: '*', reason: 'suppressed' },
    { name: 'nothing (-)', cell: '-', reason: 'no_value' },
    { name: 'not possible (X)', cell: 'X', reason: 'not_possible' },
    { name: 'absent from the series', cell: null, reason: 'missing' },
  ])('INT of February 2024 $name → no value, the month is named', ({ cell, reason }) => {
    const int = ref('INT', withCell(f.INT, M('2024-02'), cell));
    const r = rateYearToDate(int, ELB, M('2024-03'));
    expect(r.value).toBeNull();
    expect(r.missing).toEqual([{ indicator: 'INT', gender: 'female', month: M('2024-02'), reason }]);
    // January 2024 does not need February: still computed.
    expect(rateYearToDate(int, ELB, M('2024-01')).value).toBeCloseTo((100 * 26) / 1500, 12);
  });

  test('a suppressed denominator month is named with its own indicator', () => {
    const elb = ref('ELB', withCell(f.ELB, M('2023-12'), '*'));
    const r = rateYearToDate(INT, elb, M('2024-01'));
    expect(r).toEqual({
      value: null,
      missing: [{ indicator: 'ELB', gender: 'female', month: M('2023-12'), reason: 'suppressed' }],
    });
  });

  test('a zero denominator gives no value and says so', () => {
    const zero = ref('ELB', series(M('2023-12'), [0, 0]));
    const r = rateYearToDate(INT, zero, M('2024-02'));
    expect(r).toEqual({
      value: null,
      missing: [{ indicator: 'ELB', gender: 'female', month: M('2024-02'), reason: 'zero_denominator' }],
    });
  });

  test('K3 needs both months; a zero stock a year earlier is a zero denominator', () => {
    const lzb = ref('LZB', withCell(f.LZB, M('2023-05'), '*'));
    expect(stockChange(lzb, M('2024-05'))).toEqual({
      value: null,
      missing: [{ indicator: 'LZB', gender: 'female', month: M('2023-05'), reason: 'suppressed' }],
    });
    const zero = ref('LZB', withCell(f.LZB, M('2023-05'), 0));
    expect(stockChange(zero, M('2024-05')).missing[0]?.reason).toBe('zero_denominator');
  });

  test('sum and mean over a list of months', () => {
    expect(sumOver(INT, [M('2024-01'), M('2024-02')]).value).toBe(26 + 30);
    expect(meanOver(ELB, [M('2024-01'), M('2024-02')]).value).toBe((1520 + 1530) / 2);
  });
});
