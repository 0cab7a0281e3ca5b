/** The de-DE formatting of plan-goal figures: euros, goal values by unit, and the pace sentence. */
import { describe, expect, test } from 'vitest';
import { formatEuro, formatGoalValue, formatPace } from '../../core/format.js';

describe('euros', () => {
  test.each([
    [6_400_000, false, '6.400.000 €'],
    [1_234_567.89, false, '1.234.568 €'],
    [1_234_567, true, '1,23 Mio €'],
    [6_400_000, true, '6,40 Mio €'],
    [412_345.67, true, '412.346 €'],
    [-1_500_000, true, '-1,50 Mio €'],
    [null, true, '–'],
  ] as const)('%f (compact %s) → %s', (n, compact, text) => {
    expect(formatEuro(n, { compact })).toBe(text);
  });
});

describe('goal values by unit', () => {
  test.each([
    [250, 'count', '250'],
    [1527, 'count', '1.527'],
    // A path or forecast between whole counts keeps a decimal, as the deviation beside it does
    // (audit finding 7: path 55 × 47/61 = 42,377 read "42" beside "−0,9 % zum Plan").
    [(55 * 47) / 61, 'count', '42,4'],
    [9.75, 'count', '9,8'],
    [191.04, 'count', '191,0'],
    [55 * (61 / 61), 'count', '55'],
    [42.00000000001, 'count', '42'],
    [135.33, 'places', '135,3'],
    [140, 'places', '140'],
    [4_460_706.3, 'eur', '4.460.706 €'],
    [14.734, 'percent', '14,73 %'],
  ] as const)('%f %s → %s', (n, unit, text) => {
    expect(formatGoalValue(n, unit)).toBe(text);
  });
});

describe('pace', () => {
  test.each([
    [
      { total: 84, months: 3, perMonth: 28 },
      'count',
      'Eintritte',
      'noch 84 Eintritte bis Dezember, 28 je Monat',
    ],
    [
      { total: 2, months: 3, perMonth: 2 / 3 },
      'count',
      'EQ-Bewilligungen',
      'noch 2 EQ-Bewilligungen bis Dezember, 0,7 je Monat',
    ],
    [
      { total: 118, months: 5, perMonth: 23.6 },
      'count',
      'Eintritte FbW',
      'noch 118 Eintritte FbW bis Dezember, 24 je Monat',
    ],
    [
      { total: 1_930_000, months: 3, perMonth: 643_333.33 },
      'eur',
      'Ausgaben',
      'noch 1,93 Mio € bis Dezember, 643.333 € je Monat',
    ],
    [
      { total: 2, months: 6, perMonth: 2 / 6, pathNext: { month: '2024-09', needed: 2 } },
      'count',
      'Eintritte BaE',
      'noch 2 Eintritte BaE bis Dezember, im Schnitt 0,4 je Monat; laut Planpfad noch 2 bis September 2024',
    ],
    [
      { total: 1_930_000, months: 3, perMonth: 643_333.33, pathNext: { month: '2024-10', needed: 712_400 } },
      'eur',
      'Ausgaben',
      'noch 1,93 Mio € bis Dezember, im Schnitt 643.333 € je Monat; laut Planpfad noch 712.400 € bis Oktober 2024',
    ],
    // the next step is December: it is the total again, so the plain sentence
    [
      { total: 5, months: 6, perMonth: 5 / 6, pathNext: { month: '2024-12', needed: 5 } },
      'count',
      'Eintritte',
      'noch 5 Eintritte bis Dezember, 0,9 je Monat',
    ],
    [{ total: 0, months: 3, perMonth: 0, pathNext: null }, 'count', 'Eintritte', 'Jahresplan erreicht'],
    [
      { total: -12, months: 3, perMonth: 0 },
      'count',
      'Eintritte',
      'Jahresplan um 12 Eintritte überschritten',
    ],
  ] as const)('%o → %s', (pace, unit, what, text) => {
    expect(formatPace(pace, unit, what)).toBe(text);
  });
});
