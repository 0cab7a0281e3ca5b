/**
 * Bounded parsing (issue 11): every limit is a named German error, hostile files are rejected by
 * the guards (before exceljs reads them, without writing anything), labels are normalised in
 * linear time, and the input checks the reliability probe found missing hold. No durations are
 * asserted (speed is measured in bench/): where only a quadratic algorithm would be slow, the
 * test's timeout is the guard against the minutes it took.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_LIMITS, type ImportLimits, PATTERN_INPUT_CAP } from '../../core/limits.js';
import { readWorkbook } from '../../etl/ba-xlsx.js';
import { type EtlDeps, type ImportSummary, runImport } from '../../etl/index.js';
import { loadMapping } from '../../etl/mapping.js';
import { normalizeLabel, parseGermanNumber, stripFootnotes } from '../../etl/values.js';
import type { Db } from '../../server/db/connection.js';
import { pluck } from '../helpers/db.js';
import {
  deflatedZip,
  numberCell,
  rawWorkbook,
  sparseWorkbook,
  textCell,
  zipBombWorkbook,
} from '../reliability/hostile-files.js';
import { buf, dumpData, memoryDeps, observations } from './helpers.js';

const HEADER = 'region;region_name;month;indicator;gender;value;flag';
/** Line i: INT of month i (counted from January 2000), value i. */
const line = (i: number) =>
  `01060;Kreis;${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')};INT;total;${i};`;
const open: Db[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function importBytes(
  name: string,
  data: Uint8Array,
  limits: Partial<ImportLimits> = {},
): Promise<{ summary: ImportSummary; deps: EtlDeps; unchanged: boolean }> {
  const deps = await memoryDeps({ limits });
  open.push(deps.db);
  const before = JSON.stringify(await dumpData(deps.db));
  const summary = await runImport(deps, [{ kind: 'buffer', name, data }], { trigger: 'upload' });
  return { summary, deps, unchanged: JSON.stringify(await dumpData(deps.db)) === before };
}

/** The one file's error, asserting that it was rejected and nothing was written. */
async function rejection(name: string, data: Uint8Array, limits: Partial<ImportLimits> = {}) {
  const r = await importBytes(name, data, limits);
  const f = r.summary.files[0];
  expect(f?.status).toBe('rejected');
  expect(r.unchanged).toBe(true);
  expect(f?.error?.file).toBe(name);
  return { error: f?.error };
}

/** Counts how often exceljs is asked to load a workbook while `run` runs. */
async function excelLoads<T>(run: () => Promise<T>): Promise<{ result: T; loads: number }> {
  // The one XLSX prototype behind every Workbook's `xlsx` (the import loads exceljs itself).
  const xlsx = Object.getPrototypeOf(new ExcelJS.Workbook().xlsx) as { load(data: unknown): unknown };
  const load = vi.spyOn(xlsx, 'load');
  try {
    const result = await run();
    return { result, loads: load.mock.calls.length };
  } finally {
    load.mockRestore();
  }
}

function baSheetXml(rows: string[][]): string {
  return rows.map((cells, i) => `<row r="${i + 1}">${cells.map((c) => c).join('')}</row>`).join('');
}

/** A small valid BA sheet (months as rows) in raw XML, with optional extra cells. */
function baRows(extra: string[] = []): string[][] {
  return [
    [textCell('A1', 'Erwerbsfähige Leistungsberechtigte (eLb)')],
    [textCell('A2', 'Berichtsmonat'), textCell('B2', 'Regionalschlüssel'), textCell('C2', 'Insgesamt')],
    [textCell('A3', 'Januar 2024'), textCell('B3', '01060'), numberCell('C3', '10000'), ...extra],
  ];
}

describe('xlsx limits, checked before exceljs loads the file', () => {
  test("the probe's 17.5 KB workbook (40 sheets, a cell at row 1,048,576) is rejected by the guard, never loaded by exceljs", async () => {
    const data = sparseWorkbook(40);
    expect(data.length).toBeLessThan(20_000);
    const { result, loads } = await excelLoads(() => rejection('sparse.xlsx', data));
    // The guard stops at the first sheet, and exceljs (which builds every row up to the last)
    // never sees the file.
    expect(result.error?.message).toBe("Tabellenblatt 'Blatt 1' hat mehr als 100.000 Zeilen");
    expect(result.error?.sheet).toBe('Blatt 1');
    expect(loads, 'exceljs loads of the rejected workbook').toBe(0);
    // The same spy sees a load of a workbook that passes the guard.
    const valid = rawWorkbook([{ name: 'eLb', sheetData: baSheetXml(baRows()) }]);
    expect((await excelLoads(() => importBytes('ok.xlsx', valid))).loads).toBe(1);
  });

  test('a raised row limit lets the sparse workbook through the guard; only existing rows are visited', async () => {
    const limits = { xlsxMaxRows: 1_048_576 };
    const r = await importBytes('sparse.xlsx', sparseWorkbook(3), limits);
    expect(r.summary.files[0]?.status).toBe('rejected'); // no BA table in it
    expect(r.summary.files[0]?.error?.message).toContain('keine Tabelle mit Daten gefunden');
    // What the reader visits: per sheet one empty row standing for rows 1 … 1,048,575 (a blank
    // line still ends a table) and the one row that exists, not a million.
    const sheets = await readWorkbook(sparseWorkbook(3), { ...DEFAULT_LIMITS, ...limits });
    expect(sheets.map((s) => [s.name, s.rows.length, s.rowNumbers])).toEqual(
      ['Blatt 1', 'Blatt 2', 'Blatt 3'].map((name) => [name, 2, [1, 1_048_576]]),
    );
  });

  test.each([
    ['honest headers', false],
    ['headers claiming 1,000 bytes', true],
  ])('a zip bomb (%s) stops at XLSX_MAX_UNPACKED_MB', async (_what, lie) => {
    const data = zipBombWorkbook(12, lie);
    expect(data.length).toBeLessThan(100_000);
    const { error } = await rejection('bomb.xlsx', data, { xlsxMaxUnpackedBytes: 5 * 1024 * 1024 });
    expect(error?.message).toBe('die .xlsx-Datei ist entpackt größer als 5 MB (Grenze XLSX_MAX_UNPACKED_MB)');
  });

  test('too many sheets and too many columns are named', async () => {
    const sheets = Array.from({ length: 4 }, (_, i) => ({ name: `S${i}`, sheetData: '' }));
    expect((await rejection('many.xlsx', rawWorkbook(sheets), { xlsxMaxSheets: 3 })).error?.message).toBe(
      'die .xlsx-Datei hat 4 Tabellenblätter, erlaubt sind höchstens 3',
    );
    const wide = rawWorkbook([{ name: 'eLb', sheetData: `<row r="1">${textCell('ZZ1', 'x')}</row>` }]);
    expect((await rejection('wide.xlsx', wide, { xlsxMaxColumns: 100 })).error?.message).toBe(
      "Tabellenblatt 'eLb' hat mehr als 100 Spalten",
    );
  });

  test('a zip without a workbook and a part with a DTD are named as such before exceljs loads them', async () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const readme = deflatedZip([{ name: 'readme.txt', data: enc('kein Excel') }]);
    const noBook = await excelLoads(() => rejection('archiv.xlsx', readme));
    expect(noBook.loads).toBe(0);
    expect(noBook.result.error?.message).toBe(
      'keine .xlsx-Datei: das ZIP-Archiv enthält keine Arbeitsmappe (xl/workbook.xml fehlt)',
    );
    // A billion-laughs entity in the shared strings (exceljs refused it as "beschädigt", naming nothing).
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&b;</t></si></sst>';
    const dtd = rawWorkbook(
      [{ name: 'eLb', sheetData: baSheetXml(baRows()) }],
      [{ name: 'xl/sharedStrings.xml', data: enc(laughs) }],
    );
    const withDtd = await excelLoads(() => rejection('lachen.xlsx', dtd));
    expect(withDtd.loads).toBe(0);
    expect(withDtd.result.error?.message).toBe(
      'keine lesbare .xlsx-Datei: der Teil xl/sharedStrings.xml enthält eine DTD (<!DOCTYPE …>), die Excel nie schreibt',
    );
  });

  test('cells of all sheets together past XLSX_MAX_CELLS are refused before exceljs loads the file', async () => {
    // Each sheet is within the row and column limits; together they hold 3 × 4 = 12 cells.
    const sheet = (n: number) => ({
      name: `S${n}`,
      sheetData: baSheetXml([
        [numberCell(`A${n}`, '1'), numberCell(`B${n}`, '2')],
        [numberCell(`A${n + 1}`, '3'), numberCell(`B${n + 1}`, '4')],
      ]),
    });
    const many = rawWorkbook([sheet(1), sheet(3), sheet(5)]);
    const { result, loads } = await excelLoads(() => rejection('viele.xlsx', many, { xlsxMaxCells: 10 }));
    expect(loads).toBe(0);
    // The eleventh cell: A6 of the third sheet.
    expect(result.error).toMatchObject({ sheet: 'S5', row: 6, column: null });
    expect(result.error?.message).toBe(
      "die .xlsx-Datei hat mehr als 10 Zellen (Grenze XLSX_MAX_CELLS; überschritten in Tabellenblatt 'S5', Zeile 6)",
    );
    expect(
      (await importBytes('genau.xlsx', rawWorkbook([sheet(1), sheet(3)]), { xlsxMaxCells: 8 })).summary
        .files[0]?.error?.message,
    ).not.toContain('XLSX_MAX_CELLS');
  });

  test('merged ranges beyond the sheet limits or of too many cells are refused before exceljs makes a cell of each', async () => {
    const merged = (...refs: string[]) =>
      rawWorkbook([
        {
          name: 'eLb',
          sheetData: baSheetXml(baRows()),
          after: `<mergeCells count="${refs.length}">${refs.map((r) => `<mergeCell ref="${r}"/>`).join('')}</mergeCells>`,
        },
      ]);
    // A 7 KB file with this one merge kept the import worker busy until its heap ran out.
    const huge = await excelLoads(() => rejection('huge.xlsx', merged('A4:XFD1048576')));
    expect(huge.loads).toBe(0);
    expect(huge.result.error).toMatchObject({ sheet: 'eLb', row: null, column: null });
    expect(huge.result.error?.message).toBe(
      "Tabellenblatt 'eLb': der verbundene Bereich A4:XFD1048576 reicht über 100.000 Zeilen oder 1.000 Spalten hinaus",
    );
    // Inside the limits, but 250 ranges of 1,000 cells each: more than MAX_MERGED_CELLS in all.
    const many = Array.from({ length: 250 }, (_, k) => `D${4 + k * 100}:M${103 + k * 100}`);
    const { error } = await rejection('many.xlsx', merged(...many));
    expect(error?.message).toBe(
      "Tabellenblatt 'eLb' hat mehr als 200.000 verbundene Zellen (zuletzt D20004:M20103)",
    );
    expect((await rejection('bad.xlsx', merged('A4:ZZZZ9'))).error?.message).toBe(
      "keine lesbare .xlsx-Datei: verbundener Bereich 'A4:ZZZZ9' hat keine gültige Adresse",
    );
    // A merge of a few cells passes the guard.
    const fine = await importBytes('fine.xlsx', merged('D1:E1'));
    expect(fine.summary.files[0]?.error ?? null).toBeNull();
  });

  test('data validations, conditional formats and hyperlinks over the whole sheet are skipped, not expanded cell by cell', async () => {
    // exceljs expands a data validation's range into one entry per cell: this 7 KB sheet kept the
    // import busy for minutes until its heap ran out. The import reads none of these parts.
    const whole = 'A1:XFD1048576';
    const data = rawWorkbook([
      {
        name: 'eLb',
        sheetData: baSheetXml(baRows()),
        after:
          `<conditionalFormatting sqref="${whole}"><cfRule type="cellIs" dxfId="0" priority="1" operator="greaterThan"><formula>0</formula></cfRule></conditionalFormatting>` +
          `<dataValidations count="1"><dataValidation type="whole" allowBlank="1" sqref="${whole}"><formula1>0</formula1></dataValidation></dataValidations>` +
          '<hyperlinks><hyperlink ref="A1" location="eLb!A1"/></hyperlinks>',
      },
    ]);
    const r = await importBytes('validiert.xlsx', data);
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect(await observations(r.deps.db)).toMatchObject([
      { region_id: '01060', indicator_code: 'ELB', value: 10000 },
    ]);
  });

  test('a cell longer than MAX_CELL_CHARS is named with sheet and cell', async () => {
    const data = rawWorkbook([
      { name: 'eLb', sheetData: baSheetXml(baRows([textCell('D3', 'x'.repeat(150))])) },
    ]);
    const { error } = await rejection('long.xlsx', data, { maxCellChars: 100 });
    expect(error).toMatchObject({ sheet: 'eLb', row: 3, column: 'D' });
    expect(error?.message).toBe('Zelle D3 hat mehr als 100 Zeichen (Grenze MAX_CELL_CHARS)');
  });

  test('the same cell twice with different content is rejected (exceljs would keep the last silently)', async () => {
    const data = rawWorkbook([{ name: 'eLb', sheetData: baSheetXml(baRows([numberCell('C3', '99')])) }]);
    const { error } = await rejection('dup.xlsx', data);
    expect(error).toMatchObject({ sheet: 'eLb', row: 3, column: 'C' });
    expect(error?.message).toBe('Zelle C3 steht zweimal im Blatt, mit verschiedenem Inhalt');
  });

  test('a corrupt cell is named with sheet and cell, never with a raw JavaScript message', async () => {
    for (const cell of [
      '<c r="C3" t="s"><v>999</v></c>',
      '<c r="C3"><v>12abc</v></c>',
      '<c r="C3" t="b"><v>7</v></c>',
    ]) {
      const rows = baRows();
      rows[2] = [textCell('A3', 'Januar 2024'), textCell('B3', '01060'), cell];
      const { error } = await rejection(
        'corrupt.xlsx',
        rawWorkbook([{ name: 'eLb', sheetData: baSheetXml(rows) }]),
      );
      expect(error).toMatchObject({ sheet: 'eLb', row: 3, column: 'C' });
      expect(error?.message).toMatch(/^Zelle C3: beschädigter Zellinhalt/);
      expect(error?.message).not.toMatch(/undefined|TypeError|Cannot read/);
    }
  });

  test('a valid raw workbook passes the guard and imports', async () => {
    const r = await importBytes('ok.xlsx', rawWorkbook([{ name: 'eLb', sheetData: baSheetXml(baRows()) }]));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect(await observations(r.deps.db)).toMatchObject([
      { region_id: '01060', indicator_code: 'ELB', value: 10000 },
    ]);
  });

  test.each([
    [1.5e300, 'Zahl 1.5e+300 ist kein Regionalschlüssel'],
    [Number('9007199254740993'), 'Zahl 9007199254740992 ist kein Regionalschlüssel'],
  ])('a numeric region key %d is rejected, not turned into digits nobody typed', async (key, message) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('eLb');
    ws.addRow(['Erwerbsfähige Leistungsberechtigte (eLb)']);
    ws.addRow(['Berichtsmonat', 'Regionalschlüssel', 'Insgesamt']);
    ws.addRow(['Januar 2024', key, 10000]);
    const { error } = await rejection('keys.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(error).toMatchObject({ sheet: 'eLb', row: 3, column: 'B' });
    expect(error?.message).toContain(message);
  });
});

describe('CSV limits', () => {
  test('rows, line length and cell length are named with their line', async () => {
    const many = `${HEADER}\n${Array.from({ length: 12 }, (_, i) => line(i)).join('\n')}\n`;
    expect((await rejection('many.csv', buf(many), { csvMaxRows: 10 })).error).toMatchObject({
      row: 11,
      message: 'die Datei hat mehr als 10 Zeilen (Grenze CSV_MAX_ROWS)',
    });
    const long = `${HEADER}\n${line(1)}\n01060;${'K'.repeat(500)};2024-02;INT;total;1;\n`;
    expect((await rejection('long.csv', buf(long), { csvMaxLineChars: 200 })).error).toMatchObject({
      row: 3,
      message: 'die Zeile ist länger als 200 Zeichen (Grenze CSV_MAX_LINE_CHARS)',
    });
    expect((await rejection('cell.csv', buf(long), { maxCellChars: 300 })).error).toMatchObject({
      row: 3,
      column: 'region_name',
      message: 'Feld 2 hat mehr als 300 Zeichen (Grenze MAX_CELL_CHARS)',
    });
  });

  test('the defaults are the documented ones', () => {
    expect(DEFAULT_LIMITS).toEqual({
      xlsxMaxUnpackedBytes: 200 * 1024 * 1024,
      xlsxMaxSheets: 50,
      xlsxMaxRows: 100_000,
      xlsxMaxColumns: 1000,
      xlsxMaxCells: 2_000_000,
      csvMaxRows: 2_000_000,
      csvMaxLineChars: 1_000_000,
      maxCellChars: 10_000,
    });
  });
});

describe('linear-time labels', () => {
  // The quadratic patterns took 77 s for one such label: the test's timeout (10 s) is the guard
  // against them coming back; linear work is milliseconds, so it cannot be reached by a slow run.
  test('normalizeLabel of a label padded with 150,000 spaces does not take a minute', () => {
    const padded = `Berichtsmonat${' '.repeat(150_000)}`;
    for (let i = 0; i < 10; i++) expect(normalizeLabel(padded)).toBe('berichtsmonat');
    expect(stripFootnotes(`${' '.repeat(150_000)}x`)).toBe(`${' '.repeat(150_000)}x`);
    expect(normalizeLabel(`${' 1)'.repeat(50_000)} `)).toBe('');
  }, 10_000);

  test.each([
    ['Frauen 1)', 'frauen'],
    ['Frauen 2) 4)', 'frauen'],
    ['Frauen¹', 'frauen'],
    ['Frauen 123)', 'frauen 123)'],
    ['Frauen1)', 'frauen1)'],
    ['  Männer \n insgesamt  ', 'männer insgesamt'],
  ])('normalizeLabel(%j) = %j', (input, expected) => {
    expect(normalizeLabel(input)).toBe(expected);
  });

  // As above, the test's timeout (10 s) guards against the quadratic label patterns (minutes).
  test('a CSV whose header is padded with 150,000 spaces is rejected by the cell limit, or read', async () => {
    const header = HEADER.replace('month', `month${' '.repeat(150_000)}`);
    const text = `${header}\n${line(5)}\n`;
    const rejected = await rejection('spaces.csv', buf(text));
    expect(rejected.error).toMatchObject({ row: 1 });
    expect(rejected.error?.message).toContain('(Grenze MAX_CELL_CHARS)');
    const read = await importBytes('spaces.csv', buf(text), {
      maxCellChars: 200_000,
      csvMaxLineChars: 300_000,
    });
    expect(read.summary.files[0]?.error ?? null).toBeNull();
    // The padded header was still recognised as 'month': the row is in.
    expect(await observations(read.deps.db)).toMatchObject([{ month: '2000-06', value: 5 }]);
  }, 10_000);

  test('a BA subtitle cell of 9,000 spaces before the key does not stall the mapping pattern', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('eLb');
    ws.addRow(['Erwerbsfähige Leistungsberechtigte (eLb)']);
    ws.addRow([`Jobcenter Kreis Segeberg${' '.repeat(9000)}(01060`]);
    ws.addRow(['Berichtsmonat', 'Insgesamt']);
    ws.addRow(['Januar 2024', 10000]);
    const r = await importBytes('subtitle.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(r.summary.files[0]?.status).toBe('rejected');
    expect(r.summary.files[0]?.error?.message).toContain('keine Region');
    // Why it cannot stall: the pattern only ever sees the cell's first PATTERN_INPUT_CAP
    // characters. A key past them is not found, one within them is.
    const mapping = await loadMapping();
    const pad = ' '.repeat(9000);
    expect(PATTERN_INPUT_CAP).toBeLessThan(pad.length);
    expect(mapping.subtitleRegion(`Jobcenter Kreis Segeberg${pad}(01060)`)).toBeNull();
    expect(mapping.subtitleRegion(`Jobcenter Kreis Segeberg (01060)`)).toEqual({
      key: '01060',
      name: 'Jobcenter Kreis Segeberg',
    });
  });
});

describe('input checks', () => {
  const one = (value: string, indicator = 'INT') =>
    `${HEADER}\n01060;Kreis;2024-01;${indicator};total;${value};\n`;

  test.each([
    ['5 %', 'INT', 'Prozentangabe für INT'],
    ['2.000.000.000', 'ELB', 'unplausibel große Anzahl'],
    [`1${'0'.repeat(400)}`, 'INT', 'keine endliche Zahl'],
    ['120', 'K2_BA', 'K2_BA ist eine Quote: erwartet 0 bis 100'],
    ['-5', 'K2_BA', 'K2_BA ist eine Quote'],
    ['-150', 'K3_BA', 'außerhalb von −100 bis 1000'],
  ])('value %j for %s is rejected (%s)', async (value, indicator, message) => {
    const { error } = await rejection('range.csv', buf(one(value, indicator)));
    expect(error).toMatchObject({ row: 2, column: 'value' });
    expect(error?.message).toContain(message);
  });

  test.each([
    ['14,7', 'K2_BA', 14.7],
    ['-3,2', 'K3_BA', -3.2],
    ['0', 'INT', 0],
  ])('value %j for %s is accepted', async (value, indicator, expected) => {
    const r = await importBytes('ok.csv', buf(one(value, indicator)));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect((await observations(r.deps.db))[0]?.value).toBe(expected);
  });

  test('parseGermanNumber still reads grouped decimals', () => {
    expect(parseGermanNumber('1.527,25')).toBe(1527.25);
  });

  test('names and comparison types are at most 200 characters', async () => {
    const name = (n: number) =>
      `${HEADER};comparison_type\n01060;${'N'.repeat(n)};2024-01;INT;total;1;;IIa\n`;
    expect((await importBytes('ok.csv', buf(name(200)))).summary.files[0]?.error ?? null).toBeNull();
    const { error } = await rejection('name.csv', buf(name(201)));
    expect(error).toMatchObject({ row: 2, column: 'region_name' });
    expect(error?.message).toBe('Regionsname hat 201 Zeichen, erlaubt sind höchstens 200');
    const type = `${HEADER};comparison_type\n01060;K;2024-01;INT;total;1;;${'T'.repeat(300)}\n`;
    expect((await rejection('type.csv', buf(type))).error?.message).toBe(
      'Vergleichstyp hat 300 Zeichen, erlaubt sind höchstens 200',
    );
  });

  test("rows of separators only (';;;;;;', as Excel writes them) are ignored", async () => {
    const text = `${HEADER}\n${line(1)}\n;;;;;;\n;;;;;;;;;\n${line(2)}\n;;;;;;\n`;
    const r = await importBytes('sep.csv', buf(text));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect(await observations(r.deps.db)).toHaveLength(2);
  });

  test('CR-only line endings (classic Mac) are read', async () => {
    const r = await importBytes('cr.csv', buf(`${HEADER}\r${line(7)}\r${line(8)}\r`));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect((await observations(r.deps.db)).map((o) => o.value)).toEqual([7, 8]);
  });

  test.each(['le', 'be'] as const)('UTF-16 %s with a byte order mark is read', async (endian) => {
    const text = `${HEADER}\n01060;Lübeck-Süd;2024-01;INT;Männer;3;\n`;
    const le = Buffer.from(text, 'utf16le');
    if (endian === 'be') le.swap16();
    const bom = endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
    const r = await importBytes('u16.csv', new Uint8Array([...bom, ...le]));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect(await observations(r.deps.db)).toMatchObject([{ gender: 'male', value: 3 }]);
    expect(await pluck(r.deps.db, 'select name from regions')).toBe('Lübeck-Süd');
  });

  test('an invalid byte in an otherwise UTF-8 file is named with its line instead of garbling names', async () => {
    const good = Buffer.from(
      `${HEADER}\n01060;Lübeck;2024-01;INT;total;1;\n01060;Lübeck;2024-02;INT;total;2;\n`,
      'utf8',
    );
    const at = good.lastIndexOf(Buffer.from('2024-02'));
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xfc]), good.subarray(at)]);
    const { error } = await rejection('bad.csv', new Uint8Array(bad));
    expect(error).toMatchObject({ row: 3 });
    expect(error?.message).toContain('ungültiges UTF-8: Byte 0xFC');
  });

  test('a Windows-1252 file (no UTF-8 sequence at all) is still read as such', async () => {
    const text = `${HEADER}\n01060;Lübeck;2024-01;INT;Männer;1;\n`;
    const r = await importBytes('ansi.csv', new Uint8Array(Buffer.from(text, 'latin1')));
    expect(r.summary.files[0]?.error ?? null).toBeNull();
    expect(await pluck(r.deps.db, 'select name from regions')).toBe('Lübeck');
  });
});
