/**
 * The month fields of the dashboard (web/lib/month-field): the text a controller types, read as the
 * importer reads the same text in a file (core/month-text), the bounds of the period, and which
 * texts wait for the field to be left.
 */
import { describe, expect, test } from 'vitest';
import { formatMonthNumeric } from '../../core/format';
import { readMonthField, settledMonthText } from '../../web/lib/month-field';

describe('readMonthField', () => {
  test.each([
    ['04.2024', '2024-04'],
    ['4.2024', '2024-04'],
    [' 4.2024 ', '2024-04'],
    ['04/2024', '2024-04'],
    ['2024-04', '2024-04'],
    ['April 2024', '2024-04'],
    ['Apr 2024', '2024-04'],
    ['märz 2024', '2024-03'],
    ['Dez. 2023', '2023-12'],
    ['01.12.2023', '2023-12'],
  ])('%j is %s', (text, month) => {
    expect(readMonthField(text)).toEqual({ ok: true, month });
  });

  test('an empty field is no bound', () => {
    expect(readMonthField('')).toEqual({ ok: true, month: null });
    expect(readMonthField('   ')).toEqual({ ok: true, month: null });
  });

  test.each(['13.2024', '00.2024', '04.24', '2024', 'April', 'abc', '04.2024x', '31.02', '04.1989', '=1+1'])(
    '%j is no month, and the reason names the format',
    (text) => {
      expect(readMonthField(text)).toEqual({
        ok: false,
        problem: 'Kein gültiger Monat. Bitte als MM.JJJJ eingeben, z. B. 04.2024.',
      });
    },
  );

  test('the bounds of the period: inclusive, and the reason names the other end and its month', () => {
    const bounds = {
      min: { month: '2024-03', name: 'Beginn des Zeitraums' },
      max: { month: '2024-09', name: 'Ende des Zeitraums' },
    };
    expect(readMonthField('03.2024', bounds)).toEqual({ ok: true, month: '2024-03' });
    expect(readMonthField('09.2024', bounds)).toEqual({ ok: true, month: '2024-09' });
    expect(readMonthField('02.2024', bounds)).toEqual({
      ok: false,
      problem: 'Liegt vor dem Beginn des Zeitraums (März 2024).',
    });
    expect(readMonthField('10.2024', bounds)).toEqual({
      ok: false,
      problem: 'Liegt nach dem Ende des Zeitraums (September 2024).',
    });
    // A bound without a name.
    expect(readMonthField('02.2024', { min: { month: '2024-03' } })).toEqual({
      ok: false,
      problem: 'Frühestens März 2024.',
    });
    expect(readMonthField('10.2024', { max: { month: '2024-09' } })).toEqual({
      ok: false,
      problem: 'Spätestens September 2024.',
    });
    // No bound on one side (an open end of the period): anything on that side.
    expect(readMonthField('01.1990', { min: { month: null }, max: { month: '2024-09' } })).toEqual({
      ok: true,
      month: '1990-01',
    });
    expect(readMonthField('12.2100', { min: { month: null }, max: { month: null } })).toEqual({
      ok: true,
      month: '2100-12',
    });
  });

  test('what the field shows for a month, read back, is that month', () => {
    for (const m of ['1990-01', '2024-04', '2024-10', '2100-12']) {
      expect(formatMonthNumeric(m)).toMatch(/^\d{2}\.\d{4}$/);
      expect(readMonthField(formatMonthNumeric(m))).toEqual({ ok: true, month: m });
      expect(settledMonthText(formatMonthNumeric(m))).toBe(true);
    }
    expect(formatMonthNumeric('2024-04')).toBe('04.2024');
    expect(formatMonthNumeric(null)).toBe('');
  });
});

describe('settledMonthText', () => {
  test.each(['1.2024', '2024-1', '2024-11', '04/2024', 'April 2024', '', '  '])(
    '%j waits until the field is left (it may still grow, or is spelled otherwise)',
    (text) => {
      expect(settledMonthText(text)).toBe(false);
    },
  );
  test.each(['04.2024', '12.2024', ' 01.1990 '])('%j, as the field writes a month: at once', (text) => {
    expect(settledMonthText(text)).toBe(true);
  });
});
