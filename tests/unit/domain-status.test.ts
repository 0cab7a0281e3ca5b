import { describe, expect, test } from 'vitest';

import { atRiskEdgePct, goalStatus, relativeChange } from '../../server/domain/status.js';
import type { Better } from '../../server/domain/types.js';

describe('goalStatus', () => {
  test.each<{ name: string; change: number; target: number; better: Better; band: number; expected: string }>(
    [
      // Higher is better (K2), AIP target women +1.1 %.
      { name: 'higher: above target', change: 2.5, target: 1.1, better: 'higher', band: 1, expected: 'met' },
      {
        name: 'higher: exactly on target',
        change: 1.1,
        target: 1.1,
        better: 'higher',
        band: 1,
        expected: 'met',
      },
      {
        name: 'higher: inside the band',
        change: 0.5,
        target: 1.1,
        better: 'higher',
        band: 1,
        expected: 'at_risk',
      },
      {
        name: 'higher: just inside the band edge',
        change: 0.1 + 1e-6,
        target: 1.1,
        better: 'higher',
        band: 1,
        expected: 'at_risk',
      },
      {
        name: 'higher: exactly at the band edge is missed',
        change: 1.1 - 1,
        target: 1.1,
        better: 'higher',
        band: 1,
        expected: 'missed',
      },
      {
        name: 'higher: beyond the band',
        change: -3,
        target: 1.1,
        better: 'higher',
        band: 1,
        expected: 'missed',
      },
      // A negative target (K2 total −0.4 %): a fall of at most 0.4 % is met.
      {
        name: 'higher, negative target: smaller fall',
        change: -0.2,
        target: -0.4,
        better: 'higher',
        band: 1,
        expected: 'met',
      },
      {
        name: 'higher, negative target: edge −1.4 is missed',
        change: -0.4 - 1,
        target: -0.4,
        better: 'higher',
        band: 1,
        expected: 'missed',
      },
      {
        name: 'higher, negative target: −1.39 at risk',
        change: -1.39,
        target: -0.4,
        better: 'higher',
        band: 1,
        expected: 'at_risk',
      },
      // Lower is better (LZB), target total +6.0 %.
      { name: 'lower: below target', change: 4.2, target: 6, better: 'lower', band: 1, expected: 'met' },
      { name: 'lower: exactly on target', change: 6, target: 6, better: 'lower', band: 1, expected: 'met' },
      {
        name: 'lower: inside the band',
        change: 6.5,
        target: 6,
        better: 'lower',
        band: 1,
        expected: 'at_risk',
      },
      {
        name: 'lower: exactly at the band edge is missed',
        change: 6 + 1,
        target: 6,
        better: 'lower',
        band: 1,
        expected: 'missed',
      },
      {
        name: 'lower: beyond the band',
        change: 9.3,
        target: 6,
        better: 'lower',
        band: 1,
        expected: 'missed',
      },
      { name: 'lower: a fall is met', change: -2, target: 3.9, better: 'lower', band: 1, expected: 'met' },
      // The band width is configurable; 0 means met or missed only.
      {
        name: 'band 0: just short is missed',
        change: 1.09,
        target: 1.1,
        better: 'higher',
        band: 0,
        expected: 'missed',
      },
      {
        name: 'band 2.5: 2 short is at risk',
        change: 6 + 2,
        target: 6,
        better: 'lower',
        band: 2.5,
        expected: 'at_risk',
      },
    ],
  )('$name', ({ change, target, better, band, expected }) => {
    expect(goalStatus(change, target, better, band)).toBe(expected);
  });

  test('a change computed from counts that is exactly the target (+1.1 %) counts as met', () => {
    // 1011 / 1000 − 1 is 0.01099999... in binary floating point.
    const change = relativeChange(1011, 1000);
    expect(change).not.toBeNull();
    expect(goalStatus(change ?? Number.NaN, 1.1, 'higher', 1)).toBe('met');
    // The LZB analogue: 1060 / 1000 → +6.0 %.
    expect(goalStatus(relativeChange(1060, 1000) ?? Number.NaN, 6, 'lower', 1)).toBe('met');
  });

  test('rejects non-finite inputs and a negative band', () => {
    expect(() => goalStatus(Number.NaN, 1, 'higher', 1)).toThrow(RangeError);
    expect(() => goalStatus(1, 1, 'higher', -1)).toThrow(RangeError);
  });
});

describe('atRiskEdgePct', () => {
  test.each<{ target: number; better: Better; band: number; expected: number }>([
    { target: 1.1, better: 'higher', band: 1, expected: 1.1 - 1 },
    { target: 6, better: 'lower', band: 1, expected: 6 + 1 },
  ])('$better $target ± $band', ({ target, better, band, expected }) => {
    expect(atRiskEdgePct(target, better, band)).toBe(expected);
  });
});

describe('relativeChange', () => {
  test.each<{ current: number | null; previous: number | null; expected: number | null }>([
    { current: 1100, previous: 1000, expected: 100 * (1100 / 1000 - 1) },
    { current: 960, previous: 1000, expected: 100 * (960 / 1000 - 1) },
    { current: 24.7, previous: 24.7, expected: 0 },
    { current: null, previous: 1000, expected: null },
    { current: 5, previous: null, expected: null },
    { current: 5, previous: 0, expected: null },
  ])('$current vs $previous', ({ current, previous, expected }) => {
    const r = relativeChange(current, previous);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toBeCloseTo(expected, 12);
  });
});
