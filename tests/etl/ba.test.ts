import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { parseFile } from '../../etl/parse.js';
import { loadCatalog } from '../../etl/run.js';
import { all } from '../helpers/db.js';
import {
  buf,
  dumpData,
  memoryDeps,
  observations,
  tempDir,
  writeText,
  type XlsxRow,
  xlsxWorkbook,
} from './helpers.js';

type Row = XlsxRow;
const workbook = xlsxWorkbook;

/** The layout of a BA table as described in docs/input-formats.md. */
function baSheet(
  title: string,
  data: Row[],
  footer: string[] = ['1) Fußnote', '© Statistik der Bundesagentur für Arbeit'],
): Row[] {
  return [
    [title],
    ['Jobcenter Kreis Segeberg (01060)'],
    [],
    ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon', null],
    ['', '', '', '', 'Männer', 'Frauen 1)'],
    ...data,
    [],
    ...footer.map((f) => [f]),
  ];
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

async function importBytes(data: Uint8Array, name: string) {
  const deps = await memoryDeps();
  open.push(deps.db);
  const summary = await runImport(deps, [{ kind: 'buffer', name, data }], { trigger: 'upload' });
  return { deps, summary, file: summary.files[0] };
}

describe('BA-style xlsx', () => {
  test('one sheet per indicator, two header rows, footnotes, markers, German text numbers, quota sheet', async () => {
    const bytes = await workbook([
      {
        name: 'Integrationen',
        rows: baSheet('Integrationen (INT) 1)', [
          ['Januar 2024', '01060', 'Kreis Segeberg', 213, 136, 77],
          ['Februar 2024', '01060', 'Kreis Segeberg', '1.210', '*', '-'],
        ]),
        merges: ['A4:A5', 'E4:F4'],
      },
      {
        name: 'eLb',
        rows: baSheet('Erwerbsfähige Leistungsberechtigte (eLb)', [
          ['Januar 2024', 1060, 'Kreis Segeberg', 10557, 5631, 4926],
          ['Februar 2024', 1060, 'Kreis Segeberg', 10584, 'X', 4950],
        ]),
      },
      {
        name: 'LZB',
        rows: baSheet('Langzeitleistungsbeziehende (LZB) 2)', [
          ['Januar 2024', '01060', 'Kreis Segeberg', '6.651', '3.555', '3.096'],
        ]),
      },
      {
        name: 'Integrationsquote (K2)',
        rows: baSheet(
          'Integrationsquote (K2)',
          [['Januar 2024', '01060', 'Kreis Segeberg', '24,9', 29.7, '19,4 %']],
          [
            'K2: Integrationen der letzten 12 Monate je durchschnittlichem Bestand eLb, in %',
            'Beispieldaten (synthetisch) im Layout der Statistik der Bundesagentur für Arbeit',
          ],
        ),
      },
      { name: 'Impressum', rows: [['Herausgeber: Statistik der BA'], ['Nürnberg']] },
    ]);
    const { deps, file } = await importBytes(bytes, 'ba.xlsx');
    expect(file?.error).toBeNull();
    expect(file?.inserted).toBe(6 + 6 + 3 + 3);
    const rows = await observations(deps.db);
    const get = (ind: string, g: string, m: string) =>
      rows.find((r) => r.indicator_code === ind && r.gender === g && r.month === m);
    expect(get('INT', 'total', '2024-01')).toMatchObject({ value: 213, flag: null });
    expect(get('INT', 'female', '2024-01')).toMatchObject({ value: 77 });
    expect(get('INT', 'total', '2024-02')).toMatchObject({ value: 1210 });
    expect(get('INT', 'male', '2024-02')).toMatchObject({ value: null, flag: '*' });
    expect(get('INT', 'female', '2024-02')).toMatchObject({ value: null, flag: '-' });
    expect(get('ELB', 'male', '2024-02')).toMatchObject({ value: null, flag: 'X' });
    expect(get('LZB', 'total', '2024-01')).toMatchObject({ value: 6651 });
    expect(get('K2_BA', 'total', '2024-01')).toMatchObject({ value: 24.9 });
    expect(get('K2_BA', 'male', '2024-01')).toMatchObject({ value: 29.7 });
    expect(get('K2_BA', 'female', '2024-01')).toMatchObject({ value: 19.4 });
    // A numeric key 1060 got its leading zero back: one region, not two.
    expect(await all(deps.db, 'select id, name from regions')).toEqual([
      { id: '01060', name: 'Kreis Segeberg' },
    ]);
  });

  test('a rate in cells formatted as percentages is read as the sheet shows it, not as the fraction', async () => {
    // Excel shows 0.249 formatted 0.0% as "24,9 %"; stored as 0.249 it was 100 times too small.
    const bytes = await workbook([
      {
        name: 'Integrationsquote (K2)',
        rows: baSheet('Integrationsquote (K2)', [
          ['Januar 2024', '01060', 'Kreis Segeberg', 0.249, 0.297, 0.194],
        ]),
        numFmt: { D6: '0.0%', E6: '0.00 %', F6: '0.0"%"' },
      },
      {
        name: 'Veränderung LZB (K3)',
        rows: baSheet('Veränderung LZB gegenüber Vorjahresmonat (K3)', [
          ['Januar 2024', '01060', 'Kreis Segeberg', -0.034, -0.021, -0.047],
        ]),
        numFmt: { D6: '0.0%', E6: '0.0%', F6: '0.0%' },
      },
    ]);
    const { deps, file } = await importBytes(bytes, 'quoten.xlsx');
    expect(file?.error).toBeNull();
    const rows = await observations(deps.db);
    const value = (ind: string, g: string) =>
      rows.find((r) => r.indicator_code === ind && r.gender === g && r.month === '2024-01')?.value;
    expect([value('K2_BA', 'total'), value('K2_BA', 'male')]).toEqual([24.9, 29.7]);
    // A literal "%" in quotes is text of the format: the number is what the cell holds.
    expect(value('K2_BA', 'female')).toBe(0.194);
    expect([value('K3_BA', 'total'), value('K3_BA', 'male'), value('K3_BA', 'female')]).toEqual([
      -3.4, -2.1, -4.7,
    ]);
  });

  test('hidden sheets are neither read as figures nor a reason to refuse the file', async () => {
    const bytes = await workbook([
      {
        name: 'Integrationen',
        rows: baSheet('Integrationen (INT)', [['März 2023', '01060', 'Kreis Segeberg', 213, 136, 77]]),
      },
      {
        name: 'eLb',
        hidden: true,
        rows: baSheet('Erwerbsfähige Leistungsberechtigte (eLb)', [
          ['März 2023', '01060', 'Kreis Segeberg', 99999, 50000, 49999],
        ]),
      },
      { name: 'Tabelle2', hidden: true, rows: [['Hilfsrechnung'], [1, 2, 3]] },
    ]);
    const { deps, file } = await importBytes(bytes, 'versteckt.xlsx');
    expect(file?.error).toBeNull();
    expect(file?.inserted).toBe(3);
    expect([...new Set((await observations(deps.db)).map((r) => r.indicator_code))]).toEqual(['INT']);
  });

  test('transposed layout: months as columns, one row per region and gender', async () => {
    const bytes = await workbook([
      {
        name: 'Tabelle 1',
        rows: [
          ['Langzeitleistungsbeziehende (LZB)'],
          [],
          [
            'Regionalschlüssel',
            'Region',
            'Geschlecht',
            'Jan 2024',
            'Februar 2024',
            '2024-03',
            new Date(Date.UTC(2024, 3, 1)),
          ],
          ['01060', 'Kreis Segeberg', 'Insgesamt', 6651, 6729, 6759, '6.800'],
          ['01060', 'Kreis Segeberg', 'Männer', 3555, 3575, '*', 3600],
          ['01060', 'Kreis Segeberg', 'Frauen', 3096, 3154, 3174, 3200],
          ['01062', 'Stormarn', 'Insgesamt', 4000, 4010, 4020, 4030],
          [],
          ['© Statistik der Bundesagentur für Arbeit'],
        ],
      },
    ]);
    const { deps, file } = await importBytes(bytes, 't.xlsx');
    expect(file?.error).toBeNull();
    expect(file?.inserted).toBe(16);
    const rows = await observations(deps.db);
    expect(
      rows
        .filter((r) => r.region_id === '01060' && r.gender === 'male')
        .map((r) => [r.month, r.value, r.flag]),
    ).toEqual([
      ['2024-01', 3555, null],
      ['2024-02', 3575, null],
      ['2024-03', null, '*'],
      ['2024-04', 3600, null],
    ]);
    expect(rows.find((r) => r.region_id === '01062' && r.month === '2024-04')).toMatchObject({
      indicator_code: 'LZB',
      value: 4030,
    });
  });

  test('transposed layout with a single month column, in xlsx and as CSV', async () => {
    const grid: Row[] = [
      ['Langzeitleistungsbeziehende (LZB)'],
      [],
      ['Regionalschlüssel', 'Region', 'Geschlecht', 'März 2024'],
      ['01060', 'Kreis Segeberg', 'Insgesamt', 6759],
      ['01060', 'Kreis Segeberg', 'Männer', '*'],
      ['01060', 'Kreis Segeberg', 'Frauen', '3.174'],
      [],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    const expected = [
      ['01060', 'LZB', 'female', '2024-03', 3174, null],
      ['01060', 'LZB', 'male', '2024-03', null, '*'],
      ['01060', 'LZB', 'total', '2024-03', 6759, null],
    ];
    const brief = (rows: Awaited<ReturnType<typeof observations>>) =>
      rows.map((r) => [r.region_id, r.indicator_code, r.gender, r.month, r.value, r.flag]);
    const x = await importBytes(await workbook([{ name: 'Tabelle 1', rows: grid }]), 'm.xlsx');
    expect(x.file?.error).toBeNull();
    expect(brief(await observations(x.deps.db))).toEqual(expected);
    const csv = grid.map((r) => r.map((c) => (c === null ? '' : String(c))).join(';')).join('\n');
    const c = await importBytes(buf(csv), 'm.csv');
    expect(c.file?.error).toBeNull();
    expect(brief(await observations(c.deps.db))).toEqual(expected);
  });

  test('a single month is no header without a region or gender column: a note row above a table, a BA table without its metadata', async () => {
    const rowsLayout = baSheet('Langzeitleistungsbeziehende (LZB)', [
      ['Januar 2024', '01060', 'K', 6651, 3555, 3096],
    ]);
    // A note with one month between the subtitle and the months-as-rows header.
    rowsLayout.splice(2, 1, ['Datenstand', 'Juni 2024']);
    const bytes = await workbook([
      { name: 'LZB', rows: rowsLayout },
      {
        // The BA's statistics table layout without its `Key:; value` lines, on a sheet the mapping
        // does not know: no data sheet (as before), not a months-as-columns table of indicators.
        name: 'Übersicht',
        rows: [
          ['Merkmal', 'September 2024', 'Veränderung gegenüber Vorjahresmonat absolut', 'in %'],
          ['Erwerbsfähige Leistungsberechtigte', 10585, 484, 5],
          ['Frauen', 4942, 242, 5],
        ],
      },
    ]);
    const { deps, file } = await importBytes(bytes, 'note.xlsx');
    expect(file?.error).toBeNull();
    expect((await observations(deps.db)).map((r) => [r.indicator_code, r.gender, r.month, r.value])).toEqual([
      ['LZB', 'female', '2024-01', 3096],
      ['LZB', 'male', '2024-01', 3555],
      ['LZB', 'total', '2024-01', 6651],
    ]);
  });

  test('the BA statistics table with one month and change columns is still read as such (metadata, rows by label)', async () => {
    const text = [
      'Jobcenter:;Segeberg, JC',
      'Berichtsmonat:;September 2024',
      '',
      'Ausgewählte Merkmale;September 2024;Veränderung September 2024 zum Vorjahresmonat absolut;Veränderung September 2024 zum Vorjahresmonat in %;',
      'Erwerbsfähige Leistungsberechtigte;10.585;484;5;',
      'Frauen;4.942;242;5;',
      'Männer;5.643;242;4,5;',
      '© Statistik der Bundesagentur für Arbeit',
    ].join('\n');
    const { deps, file } = await importBytes(buf(text), 'tabelle.csv');
    expect(file?.error).toBeNull();
    expect((await observations(deps.db)).map((r) => [r.indicator_code, r.gender, r.month, r.value])).toEqual([
      ['ELB', 'female', '2024-09', 4942],
      ['ELB', 'male', '2024-09', 5643],
      ['ELB', 'total', '2024-09', 10585],
    ]);
  });

  test('a region key and name merged over the rows Insgesamt/Männer/Frauen apply to each of them', async () => {
    const rows: Row[] = [
      ['Langzeitleistungsbeziehende (LZB)'],
      [],
      ['Regionalschlüssel', 'Region', 'Geschlecht', 'Januar 2024', 'Februar 2024'],
      ['01060', 'Kreis Segeberg', 'Insgesamt', 6651, 6729],
      [null, null, 'Männer', 3555, 3575],
      [null, null, 'Frauen', 3096, 3154],
      ['01062', 'Stormarn', 'Insgesamt', 4000, 4010],
      [null, null, 'Männer', 2100, 2110],
      [null, null, 'Frauen', 1900, 1900],
    ];
    // Unmerged, the rows without a key are refused: the merge is what names their region.
    const plain = await importBytes(await workbook([{ name: 'LZB', rows }]), 'ohne.xlsx');
    expect(plain.file?.error?.message).toBe('Zelle A5: Regionalschlüssel fehlt');
    const merges = ['A4:A6', 'B4:B6', 'A7:A9', 'B7:B9'];
    const { deps, file } = await importBytes(
      await workbook([{ name: 'LZB', rows, merges }]),
      'verbunden.xlsx',
    );
    expect(file?.error).toBeNull();
    const stored = await observations(deps.db);
    expect(stored.filter((r) => r.month === '2024-02').map((r) => [r.region_id, r.gender, r.value])).toEqual([
      ['01060', 'female', 3154],
      ['01060', 'male', 3575],
      ['01060', 'total', 6729],
      ['01062', 'female', 1900],
      ['01062', 'male', 2110],
      ['01062', 'total', 4010],
    ]);
    expect(stored).toHaveLength(12);
    expect(await all(deps.db, 'select id, name from regions order by id')).toEqual([
      { id: '01060', name: 'Kreis Segeberg' },
      { id: '01062', name: 'Stormarn' },
    ]);
  });

  test('a month merged down over the rows of several regions applies to each of them', async () => {
    const rows: Row[] = [
      ['Erwerbsfähige Leistungsberechtigte (eLb)'],
      [],
      ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Insgesamt', 'Männer', 'Frauen'],
      ['Januar 2024', '01060', 'Kreis Segeberg', 10557, 5631, 4926],
      [null, '01062', 'Stormarn', 8000, 4100, 3900],
      ['Februar 2024', '01060', 'Kreis Segeberg', 10584, 5634, 4950],
      [null, '01062', 'Stormarn', 8010, 4105, 3905],
    ];
    const { deps, file } = await importBytes(
      await workbook([{ name: 'eLb', rows, merges: ['A4:A5', 'A6:A7'] }]),
      'monate.xlsx',
    );
    expect(file?.error).toBeNull();
    expect(
      (await observations(deps.db))
        .filter((r) => r.gender === 'total')
        .map((r) => [r.region_id, r.month, r.value]),
    ).toEqual([
      ['01060', '2024-01', 10557],
      ['01060', '2024-02', 10584],
      ['01062', '2024-01', 8000],
      ['01062', '2024-02', 8010],
    ]);
  });

  test('a figure merged over rows is refused naming the cell; header cells merged down still head one column', async () => {
    const rows = baSheet('Langzeitleistungsbeziehende (LZB)', [
      ['Januar 2024', '01060', 'Kreis Segeberg', 6651, 3555, 3096],
      ['Februar 2024', '01060', 'Kreis Segeberg', 6651, 3575, 3154],
    ]);
    const header = ['A4:A5', 'B4:B5', 'C4:C5', 'D4:D5', 'E4:F4'];
    const ok = await importBytes(await workbook([{ name: 'LZB', rows, merges: header }]), 'kopf.xlsx');
    expect(ok.file?.error).toBeNull();
    expect(ok.file?.inserted).toBe(6);
    const bad = await importBytes(
      await workbook([{ name: 'LZB', rows, merges: [...header, 'D6:D7'] }]),
      'zahl.xlsx',
    );
    expect(bad.file?.error).toEqual({
      file: 'zahl.xlsx',
      sheet: 'LZB',
      row: 7,
      column: 'D',
      message:
        'Zelle D7: insgesamt: mit D6 verbunden: jede Zahl braucht ihre eigene Zelle (Zellverbund in Excel aufheben)',
    });
    expect(await observations(bad.deps.db)).toEqual([]);
  });

  test('in the BA statistics table a figure merged over rows is refused too; Berichtsmonat merged down heads the months', async () => {
    const rows: Row[] = [
      ['Jobcenter:', 'Segeberg, JC'],
      ['Berichtsmonat:', 'September 2024'],
      [],
      ['Ausgewählte Merkmale', 'September 2024', 'August 2024'],
      ['Erwerbsfähige Leistungsberechtigte', 10585, 10570],
      ['Frauen', 4942, 4932],
      ['Männer', 5643, 5638],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    const bad = await importBytes(await workbook([{ name: 'Tabelle', rows, merges: ['C6:C7'] }]), 't.xlsx');
    expect(bad.file?.error).toEqual({
      file: 't.xlsx',
      sheet: 'Tabelle',
      row: 7,
      column: 'C',
      message:
        'Zelle C7: mit C6 verbunden: jede Zahl braucht ihre eigene Zelle (Zellverbund in Excel aufheben)',
    });
    const series: Row[] = [
      ['Jobcenter:', 'Segeberg, JC'],
      [],
      ['Berichtsmonat', 'Erwerbsfähige Leistungsberechtigte', null, null],
      [null, 'Insgesamt', 'Frauen', 'Männer'],
      ['September 2024', 10585, 4942, 5643],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    const ok = await importBytes(
      await workbook([{ name: 'Zeitreihe', rows: series, merges: ['A3:A4', 'B3:D3'] }]),
      'z.xlsx',
    );
    expect(ok.file?.error).toBeNull();
    expect((await observations(ok.deps.db)).map((r) => [r.indicator_code, r.gender, r.value])).toEqual([
      ['ELB', 'female', 4942],
      ['ELB', 'male', 5643],
      ['ELB', 'total', 10585],
    ]);
  });

  test('a bad cell names the sheet, the column letter and the row; nothing is written', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const good = await workbook([
      { name: 'eLb', rows: baSheet('eLb', [['Januar 2024', '01060', 'Kreis Segeberg', 10, 5, 5]]) },
    ]);
    await runImport(deps, [{ kind: 'buffer', name: 'good.xlsx', data: good }], { trigger: 'cli' });
    const before = await dumpData(deps.db);
    const bad = await workbook([
      {
        name: 'Integrationen',
        rows: baSheet('Integrationen (INT)', [['Januar 2024', '01060', 'Kreis Segeberg', 213, 136, 77]]),
      },
      {
        name: 'eLb',
        rows: baSheet('eLb', [
          ['Januar 2024', '01060', 'Kreis Segeberg', 10557, 5631, 4926],
          ['Februar 2024', '01060', 'Kreis Segeberg', 10584, '5.63x', 4950],
        ]),
      },
    ]);
    const s = await runImport(deps, [{ kind: 'buffer', name: 'bad.xlsx', data: bad }], { trigger: 'cli' });
    expect(s.files[0]?.error).toEqual({
      file: 'bad.xlsx',
      sheet: 'eLb',
      row: 7,
      column: 'E',
      message: "Zelle E7: Männer: '5.63x' ist keine Zahl (erwartet z. B. 1.527 oder 14,7 oder *, -, X)",
    });
    expect(await dumpData(deps.db)).toEqual(before);
  });

  test.each([
    [[['Januar 2024', '01060', 'K', 1, 1, null]], 'F', 6, 'leere Zelle'],
    [[['Janbruar 2024', '01060', 'K', 1, 1, 1]], 'A', 6, "'Janbruar 2024' ist kein Monat"],
    [[['Januar 2024', '01060', 'K', -4, 1, 1]], 'D', 6, 'negative Anzahl'],
    [
      [
        ['Januar 2024', '01060', 'K', 1, 1, 1],
        ['Januar 2024', '01060', 'K', 2, 1, 1],
      ],
      'D',
      7,
      'doppelter Eintrag',
    ],
  ])('rejects %j at cell %s%d', async (data, column, row, message) => {
    const bytes = await workbook([{ name: 'LZB', rows: baSheet('Langzeitleistungsbeziehende (LZB)', data) }]);
    const { deps, file } = await importBytes(bytes, 'x.xlsx');
    expect(file, JSON.stringify(await observations(deps.db))).toMatchObject({ status: 'rejected' });
    expect(file?.error).toMatchObject({ sheet: 'LZB', row, column });
    expect(file?.error?.message).toContain(message);
    expect(await observations(deps.db)).toEqual([]);
  });

  test('a data sheet the mapping does not know is rejected with the known sheets', async () => {
    const bytes = await workbook([
      {
        name: 'Arbeitsaufnahmen',
        rows: baSheet('Arbeitsaufnahmen insgesamt', [['Januar 2024', '01060', 'K', 1, 1, 1]]),
      },
    ]);
    const { file } = await importBytes(bytes, 'x.xlsx');
    expect(file?.error?.sheet).toBe('Arbeitsaufnahmen');
    expect(file?.error?.message).toContain('keiner Kennzahl zugeordnet');
    expect(file?.error?.message).toContain('Integrationen (INT)');
  });

  test('content after the footnotes is an error, not silently dropped', async () => {
    const rows = baSheet('LZB', [['Januar 2024', '01060', 'K', 1, 1, 1]]);
    rows.push(['Februar 2024', '01060', 'K', 2, 2, 2]);
    const { file } = await importBytes(await workbook([{ name: 'LZB', rows }]), 'x.xlsx');
    expect(file?.error).toMatchObject({ sheet: 'LZB', row: 10 });
    expect(file?.error?.message).toContain('nach den Fußnoten');
  });

  test('a corrupt xlsx is rejected clearly', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
    const { file } = await importBytes(bytes, 'broken.xlsx');
    expect(file?.error?.message).toContain('keine lesbare .xlsx-Datei');
  });

  test('the layout mapping is data: a renamed sheet and header are a mapping edit', async () => {
    const t = tempDir();
    try {
      const mapping = JSON.parse(
        await import('node:fs/promises').then((fs) =>
          fs.readFile(new URL('../../data/ba-mapping.json', import.meta.url), 'utf8'),
        ),
      );
      mapping.indicators.push({ code: 'INT', sheetNames: ['Arbeitsaufnahmen'], titleContains: [] });
      mapping.headers.month.push('Stichtag');
      const mappingPath = writeText(t.dir, 'mapping.json', JSON.stringify(mapping));
      const rows = baSheet('Arbeitsaufnahmen', [['Januar 2024', '01060', 'K', 5, 3, 2]]);
      rows[3] = ['Stichtag', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon', null];
      const bytes = await workbook([{ name: 'Arbeitsaufnahmen', rows }]);
      const deps = await memoryDeps();
      open.push(deps.db);
      const catalog = await loadCatalog(deps);
      const parsed = await parseFile('a.xlsx', bytes, { catalog, mappingPath });
      expect(parsed.rows.length).toBe(3);
      expect(parsed.rows.indicators.map((i) => i.code)).toEqual(['INT']);
      // Not found, with the way out: the canonical columns as CSV, or the wizard.
      await expect(parseFile('a.xlsx', bytes, { catalog })).rejects.toThrow(
        /keine Tabelle mit Daten gefunden .*bitte als CSV speichern; andere Layouts ordnet der Zuordnungsassistent/,
      );
      const broken = writeText(t.dir, 'broken.json', JSON.stringify({ ...mapping, headers: { month: [] } }));
      await expect(parseFile('a.xlsx', bytes, { catalog, mappingPath: broken })).rejects.toThrow(
        /ungültig: headers/,
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('BA layout saved as CSV', () => {
  test('semicolon CSV with title rows, two header rows, German numbers and footer', async () => {
    const text = [
      'Langzeitleistungsbeziehende (LZB) 2);;;;;',
      'Jobcenter Kreis Segeberg (01060);;;;;',
      ';;;;;',
      'Berichtsmonat;Regionalschlüssel;Region;Insgesamt;davon;',
      ';;;;Männer;Frauen 1)',
      'Januar 2024;01060;Kreis Segeberg;6.651;3.555;3.096',
      'Februar 2024;01060;Kreis Segeberg;6.729;*;3.154',
      ';;;;;',
      '1) Fußnote;;;;;',
      '© Statistik der Bundesagentur für Arbeit;;;;;',
    ].join('\r\n');
    const { deps, file } = await importBytes(buf(text), 'lzb.csv');
    expect(file?.error).toBeNull();
    expect((await observations(deps.db)).map((r) => [r.gender, r.month, r.value, r.flag])).toEqual([
      ['female', '2024-01', 3096, null],
      ['female', '2024-02', 3154, null],
      ['male', '2024-01', 3555, null],
      ['male', '2024-02', null, '*'],
      ['total', '2024-01', 6651, null],
      ['total', '2024-02', 6729, null],
    ]);
  });

  test('region from the subtitle when the table has no key column; errors give cell letters', async () => {
    const ok = [
      'Integrationsquote (K2)',
      'Jobcenter Kreis Segeberg (01060)',
      '',
      'Berichtsmonat;Insgesamt;Männer;Frauen',
      'Januar 2024;24,9;29,7;19,4',
      '',
    ].join('\n');
    const a = await importBytes(buf(ok), 'k2.csv');
    expect(a.file?.error).toBeNull();
    expect(
      (await observations(a.deps.db)).map((r) => [r.region_id, r.indicator_code, r.gender, r.value]),
    ).toEqual([
      ['01060', 'K2_BA', 'female', 19.4],
      ['01060', 'K2_BA', 'male', 29.7],
      ['01060', 'K2_BA', 'total', 24.9],
    ]);
    const bad = ok.replace('29,7', '29,7,1');
    const b = await importBytes(buf(bad), 'k2.csv');
    expect(b.file?.error, JSON.stringify(b.file?.error)).toMatchObject({ sheet: null, row: 5, column: 'C' });
  });

  test('a refused value is quoted as the cell shows it: the text of a CSV, the number of an xlsx cell with a decimal comma', async () => {
    const csv = [
      'Integrationen (INT)',
      'Jobcenter Kreis Segeberg (01060)',
      '',
      'Berichtsmonat;Insgesamt;Männer;Frauen',
      'Januar 2024;1.234,5;600;634',
      '',
    ].join('\n');
    const a = await importBytes(buf(csv), 'int.csv');
    expect(a.file?.error).toMatchObject({ sheet: null, row: 5, column: 'B' });
    expect(a.file?.error?.message).toMatch(/^1\.234,5 ist keine ganze Zahl/);
    const rate = await importBytes(
      buf(csv.replace('Integrationen (INT)', 'Integrationsquote (K2)').replace('1.234,5', '1.024,9')),
      'k2.csv',
    );
    expect(rate.file?.error?.message).toBe('K2_BA ist eine Quote: erwartet 0 bis 100, nicht 1.024,9');
    const xlsx = await workbook([
      {
        name: 'Integrationen',
        rows: baSheet('Integrationen (INT)', [['Januar 2024', '01060', 'K', 1234.5, 600, 634]]),
      },
    ]);
    const b = await importBytes(xlsx, 'int.xlsx');
    expect(b.file?.error).toMatchObject({ sheet: 'Integrationen', row: 6, column: 'D' });
    expect(b.file?.error?.message).toMatch(/^1234,5 ist keine ganze Zahl/);
  });

  test('a formula without a stored result (written by a tool that does not calculate) says so; with its result it is read', async () => {
    const build = async (result: number | undefined) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Integrationen');
      baSheet('Integrationen (INT)', [['Januar 2024', '01060', 'K', 213, 136, 77]]).forEach((r, i) => {
        r.forEach((v, c) => {
          if (v !== null) ws.getCell(i + 1, c + 1).value = v;
        });
      });
      ws.getCell('D6').value = result === undefined ? { formula: 'E6+F6' } : { formula: 'E6+F6', result };
      return new Uint8Array(await wb.xlsx.writeBuffer());
    };
    const bad = await importBytes(await build(undefined), 'formel.xlsx');
    expect(bad.file?.error).toEqual({
      file: 'formel.xlsx',
      sheet: 'Integrationen',
      row: 6,
      column: 'D',
      message:
        'Zelle D6 enthält eine Formel ohne gespeichertes Ergebnis: Datei in Excel öffnen, neu berechnen und speichern',
    });
    expect(await observations(bad.deps.db)).toEqual([]);
    const good = await importBytes(await build(213), 'formel.xlsx');
    expect(good.file?.error).toBeNull();
    expect((await observations(good.deps.db)).map((r) => [r.gender, r.value])).toEqual([
      ['female', 77],
      ['male', 136],
      ['total', 213],
    ]);
  });

  test('neither canonical nor BA: a clear format error', async () => {
    const { file } = await importBytes(buf('foo;bar\n1;2\n'), 'x.csv');
    expect(file?.error?.message).toContain('Format nicht erkannt');
  });
});
