/**
 * The finance export reader: budget lines through the shipped mapping, amounts with decimal comma
 * added up per month and line, commitments beside them, and rejections naming row and column.
 */
import { describe, expect, test } from 'vitest';
import { loadFinanceMapping, looksFinance, parseFinanceCsv } from '../../etl/finance.js';
import { IndicatorCatalog } from '../../etl/rows.js';
import { FileRejection } from '../../etl/types.js';

const catalog = new IndicatorCatalog(
  ['EGT_IST', 'EGT_BIND', 'FBW_IST', 'FBW_BIND'].map((code) => ({
    code,
    name: code,
    unit: 'eur',
    formula: 'count' as const,
  })),
);

function values(text: string, mapping: Awaited<ReturnType<typeof loadFinanceMapping>>) {
  const { rows } = parseFinanceCsv(text, catalog, mapping);
  const out: Record<string, number> = {};
  for (let i = 0; i < rows.length; i++) {
    const code = rows.indicators[rows.indicator[i] ?? 0]?.code ?? '?';
    const region = rows.regions[rows.region[i] ?? 0]?.id ?? '?';
    out[`${region} ${code} ${rows.month[i]}`] = rows.value[i] ?? Number.NaN;
  }
  return out;
}

describe('finance export', () => {
  test('recognised by its header; amounts added up per month and line, rounded to cents', async () => {
    const mapping = await loadFinanceMapping();
    const text =
      'Monat;Haushaltsstelle;Betrag in €;Bindungen\n' +
      '01.2024;Eingliederungstitel;100.000,10;2.000.000,00\n' +
      '01.2024;EGT;0,20;\n' + // a second booking of the same line and month (alias): added up
      'Februar 2024;FbW;12.345,67;300.000\n';
    expect(looksFinance(text)).toBe(true);
    expect(looksFinance('region;month;indicator;gender;value\n')).toBe(false);
    const v = values(text, mapping);
    const jan = 2024 * 12; // month index of January 2024 (months since year 0)
    expect(v[`01060 EGT_IST ${jan}`]).toBe(100_000.3);
    expect(v[`01060 EGT_BIND ${jan}`]).toBe(2_000_000);
    expect(v[`01060 FBW_IST ${jan + 1}`]).toBe(12_345.67);
    expect(v[`01060 FBW_BIND ${jan + 1}`]).toBe(300_000);
    expect(Object.keys(v)).toHaveLength(4);
  });

  test.each([
    ['Monat;Haushaltsstelle;Betrag\n13.2024;FbW;1,00\n', 2, 'Monat', /kein gültiger Monat/],
    [
      'Monat;Haushaltsstelle;Betrag\n01.2024;Kantine;1,00\n',
      2,
      'Haushaltsstelle',
      /unbekannte Haushaltsstelle 'Kantine'/,
    ],
    ['Monat;Haushaltsstelle;Betrag\n01.2024;FbW;zwölf\n', 2, 'Betrag', /kein Betrag in €/],
    ['Monat;Haushaltsstelle;Betrag;Bindungen\n01.2024;FbW;1,00;-5\n', 2, 'Bindungen', /Bindungen/],
  ])('rejects %j at row %i, column %s', async (text, row, column, message) => {
    const mapping = await loadFinanceMapping();
    let error: unknown;
    try {
      parseFinanceCsv(text, catalog, mapping);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileRejection);
    const r = error as FileRejection;
    expect(r.row).toBe(row);
    expect(r.column).toBe(column);
    expect(r.message).toMatch(message);
  });

  test('a header without an amount column is named', async () => {
    const mapping = await loadFinanceMapping();
    expect(() => parseFinanceCsv('Monat;Haushaltsstelle;Summe\n01.2024;FbW;1\n', catalog, mapping)).toThrow(
      /es fehlt 'Betrag'/,
    );
  });
});
