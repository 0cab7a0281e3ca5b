import { describe, expect, test } from 'vitest';
import { csvNumber } from '../../server/exports/csv.js';

describe('csvNumber: what a spreadsheet reads back', () => {
  test('euro sums print as the amounts they are, not their binary noise', () => {
    // Sums of euro amounts as the plan export builds them (the audit found 1246628,5700000001).
    expect(csvNumber(1246628.5700000001)).toBe('1246628,57');
    expect(csvNumber(2701028.5699999998)).toBe('2701028,57');
    expect(csvNumber(0.1 + 0.2)).toBe('0,3');
    expect(csvNumber(532383.93 + 0.0000000001)).toBe('532383,93');
  });
  test('rates keep ten decimals at most, small values no exponent, integers as they are', () => {
    expect(csvNumber(15.500412345678901)).toBe('15,5004123457');
    expect(csvNumber(-0.40583)).toBe('-0,40583');
    expect(csvNumber(1e-7)).toBe('0,0000001');
    expect(csvNumber(1e-12)).toBe('0');
    expect(csvNumber(1234567)).toBe('1234567');
    expect(csvNumber(-3)).toBe('-3');
  });
});
