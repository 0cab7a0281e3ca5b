import { describe, expect, test } from 'vitest';
import { placeText } from '../../core/spreadsheet.js';
import { formatImportError, rejectionText } from '../../etl/types.js';

describe('a place in a file, in German, one way everywhere', () => {
  const full = { file: 'a.xlsx', sheet: 'Daten', row: 4, column: 'Wert' };
  test.each([
    [full, 'log', "Datei a.xlsx, Blatt 'Daten', Zeile 4, Spalte 'Wert'"],
    [full, 'answer', 'a.xlsx, Blatt Daten, Zeile 4, Spalte Wert'],
    [{ file: 'b.csv', sheet: null, row: 7, column: null }, 'log', 'Datei b.csv, Zeile 7'],
    [{ sheet: 'eLb', row: 5, column: 'C' }, 'answer', 'Blatt eLb, Zeile 5, Spalte C'],
    [{ sheet: null, row: null, column: 'Wert' }, 'answer', 'Spalte Wert'],
  ] as const)('%o (%s) → %s', (place, style, text) => {
    expect(placeText(place, style)).toBe(text);
  });

  test('the run log and an HTTP answer differ only in style', () => {
    const e = { ...full, message: 'kein Zahlenwert' };
    expect(formatImportError(e)).toBe("Datei a.xlsx, Blatt 'Daten', Zeile 4, Spalte 'Wert': kein Zahlenwert");
    expect(rejectionText(e, 'answer')).toBe('a.xlsx, Blatt Daten, Zeile 4, Spalte Wert: kein Zahlenwert');
  });
});
