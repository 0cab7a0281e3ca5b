import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { buf, dumpData, memoryDeps, observations, type XlsxRow, xlsxWorkbook } from './helpers.js';

type Deps = Awaited<ReturnType<typeof memoryDeps>>;
type Row = XlsxRow;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function deps(): Promise<Deps> {
  const d = await memoryDeps();
  cleanups.push(() => d.db.close());
  return d;
}

const workbook = xlsxWorkbook;

async function importFile(d: Deps, name: string, data: Uint8Array) {
  const s = await runImport(d, [{ kind: 'buffer', name, data }], { trigger: 'upload' });
  return s.files[0];
}

/** Every stored observation as `region indicator gender month value-or-flag`. */
async function stored(d: Deps): Promise<string[]> {
  return (await observations(d.db)).map(
    (r) => `${r.region_id} ${r.indicator_code} ${r.gender} ${r.month} ${r.flag ?? r.value}`,
  );
}

const NAME = 'jc-eckwerte-t11522-0-202406-xlsx.xlsx';

/** "1.1 Eckwerte" for June 2024 (ELB by gender). */
const ECKWERTE_11: Row[] = [
  ['Eckwerte für Jobcenter'],
  ['Segeberg, JC (t11522)'],
  ['Berichtsmonat: Juni 2024'],
  [],
  ['Merkmal', 'Rechtskreis SGB II'],
  ['Erwerbsfähige Leistungsberechtigte', 10585],
  ['Frauen', 4942],
  ['Männer', 5643],
];

/** "3.4 Langzeitleistungsbezug" with the given lines above its table. */
function sheet34(top: Row[]): Row[] {
  return [
    ['3.4 Langzeitleistungsbezug'],
    ['Segeberg, JC (t11522)'],
    ...top,
    [],
    ['Merkmal', 'Rechtskreis SGB II'],
    ['Langzeitleistungsbezieher 1)', 6650],
    ['Frauen', 3370],
    ['Männer', 3280],
  ];
}

function eckwerte(top34: Row[]): Promise<Uint8Array> {
  return workbook([
    { name: '1.1 Eckwerte', rows: ECKWERTE_11 },
    { name: '3.4 Langzeitleistungsbezug', rows: sheet34(top34) },
  ]);
}

const EXPECTED_ECKWERTE = [
  't11522 ELB female 2024-06 4942',
  't11522 ELB male 2024-06 5643',
  't11522 ELB total 2024-06 10585',
  't11522 LZB female 2024-03 3370',
  't11522 LZB male 2024-03 3280',
  't11522 LZB total 2024-03 6650',
];

describe('Eckwerte: the month of a sheet is its Berichtsmonat', () => {
  test.each([
    ['a date cell "Erstellungsdatum:" first', [['Erstellungsdatum:', new Date(Date.UTC(2024, 8, 18))]]],
    ['the text "Datenstand: September 2024" first', [['Datenstand: September 2024']]],
    ['the text "Gebietsstand: Juni 2024" first', [['Gebietsstand: Juni 2024']]],
    ['a cell "Stand:" with a month beside it first', [['Stand:', 'Oktober 2024']]],
  ])('%s, then "Berichtsmonat: März 2024": stored under März 2024', async (_k, before) => {
    const d = await deps();
    const f = await importFile(d, NAME, await eckwerte([...(before as Row[]), ['Berichtsmonat: März 2024']]));
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual(EXPECTED_ECKWERTE);
  });

  test('"Berichtsmonat:" in one cell, the month in the next (text or date), after a Datenstand line', async () => {
    for (const month of ['März 2024', new Date(Date.UTC(2024, 2, 1))]) {
      const d = await deps();
      const f = await importFile(
        d,
        NAME,
        await eckwerte([
          ['Datenstand:', 'September 2024'],
          ['Berichtsmonat:', month],
        ]),
      );
      expect(f?.error).toBeNull();
      expect(await stored(d)).toEqual(EXPECTED_ECKWERTE);
    }
  });

  test('two different Berichtsmonat lines: refused naming both cells; nothing is written', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const f = await importFile(
      d,
      NAME,
      await eckwerte([['Berichtsmonat: März 2024'], [null, 'Berichtsmonat: Juni 2024']]),
    );
    expect(f?.status).toBe('rejected');
    expect(f?.error).toMatchObject({ sheet: '3.4 Langzeitleistungsbezug', row: 4, column: 'B' });
    expect(f?.error?.message).toBe(
      "zwei verschiedene Berichtsmonate: Zelle A3 'Berichtsmonat: März 2024' und Zelle B4 'Berichtsmonat: Juni 2024'",
    );
    expect(await dumpData(d.db)).toEqual(before);
  });

  test('no Berichtsmonat line and two different months above the table: refused naming both', async () => {
    const d = await deps();
    const f = await importFile(d, NAME, await eckwerte([['März 2024'], ['Juni 2024']]));
    expect(f?.status).toBe('rejected');
    expect(f?.error).toMatchObject({ sheet: '3.4 Langzeitleistungsbezug', row: 4, column: 'A' });
    expect(f?.error?.message).toBe(
      "kein 'Berichtsmonat: …' und zwei verschiedene Monate über der Tabelle: Zelle A3 'März 2024' und Zelle A4 'Juni 2024'",
    );
  });

  test('only a Datenstand line: refused (its month is not the reference month)', async () => {
    const d = await deps();
    const f = await importFile(d, NAME, await eckwerte([['Datenstand: September 2024']]));
    expect(f?.status).toBe('rejected');
    expect(f?.error?.sheet).toBe('3.4 Langzeitleistungsbezug');
    expect(f?.error?.message).toContain('nennt keinen Berichtsmonat');
  });
});

/** A BA statistics table as CSV (months across), every line ending in ';'. */
function tableCsv(rows: string[][]): Uint8Array {
  const lines = [
    ['Jobcenter:', 'Segeberg, JC'],
    ['Berichtsmonat:', 'Juni 2024'],
    [],
    ['Ausgewählte Merkmale', 'Juni 2024', 'Mai 2024'],
    ...rows,
    [],
    ['© Statistik der Bundesagentur für Arbeit'],
  ];
  return buf(`${lines.map((l) => (l.length === 0 ? '' : `${l.join(';')};`)).join('\r\n')}\r\n`);
}

describe('row labels: only an abbreviation in brackets is stripped', () => {
  test('statistics table: "(eLb)", "(LZB) 1)" are read; "(Summe Januar bis Berichtsmonat)", "(LZB)" after Integrationen and "Frauen (Anteil in %)" are not the monthly figures', async () => {
    const d = await deps();
    const f = await importFile(
      d,
      'tabelle.csv',
      tableCsv([
        ['Erwerbsfähige Leistungsberechtigte (eLb)', '10.585', '10.570'],
        ['Frauen', '4.942', '4.932'],
        ['Männer', '5.643', '5.638'],
        ['Frauen (Anteil in %)', '46,7', '46,7'],
        ['Langzeitleistungsbeziehende (LZB) 1)', '6.730', '6.720'],
        ['Integrationen (Summe Januar bis Berichtsmonat)', '1.834', '1.522'],
        ['Integrationen (LZB)', '12', '11'],
      ]),
    );
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual([
      't11522 ELB female 2024-05 4932',
      't11522 ELB female 2024-06 4942',
      't11522 ELB male 2024-05 5638',
      't11522 ELB male 2024-06 5643',
      't11522 ELB total 2024-05 10570',
      't11522 ELB total 2024-06 10585',
      't11522 LZB total 2024-05 6720',
      't11522 LZB total 2024-06 6730',
    ]);
  });

  test('Eckwerte: "Integrationen (Jahressumme)" is not June\'s INT; "Integrationen (INT)" is', async () => {
    const d = await deps();
    const f = await importFile(
      d,
      NAME,
      await workbook([
        {
          name: '1.1 Eckwerte',
          rows: [...ECKWERTE_11, ['Integrationen (Jahressumme)', 1234], ['Integrationen (INT)', 120]],
        },
      ]),
    );
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual([
      't11522 ELB female 2024-06 4942',
      't11522 ELB male 2024-06 5643',
      't11522 ELB total 2024-06 10585',
      't11522 INT total 2024-06 120',
    ]);
  });
});

const ELB_LZB_JUNE = [
  't11522 ELB female 2024-06 4942.1',
  't11522 ELB male 2024-06 5643.31',
  't11522 ELB total 2024-06 10585.41',
  't11522 LZB female 2024-06 3401.2',
  't11522 LZB male 2024-06 3329.39',
  't11522 LZB total 2024-06 6730.59',
];

describe('labels merged down over their gender rows', () => {
  test('Eckwerte: label merged A6:A8 over Insgesamt/Frauen/Männer in B, value under "Rechtskreis" → "SGB II": all six figures', async () => {
    const d = await deps();
    const rows: Row[] = [
      ['Eckwerte für Jobcenter – Segeberg, JC (t11522)'],
      ['Berichtsmonat: Juni 2024'],
      [],
      ['Merkmal', null, 'Insgesamt', 'Rechtskreis', null],
      [null, null, null, 'SGB III', 'SGB II'],
      ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', null, null, '10.585,41'],
      [null, 'Frauen', null, null, '4.942,10'],
      [null, 'Männer', null, null, '5.643,31'],
      ['Langzeitleistungsbezieher', 'Insgesamt', null, null, '6.730,59'],
      [null, 'Frauen', null, null, '3.401,20'],
      [null, 'Männer', null, null, '3.329,39'],
      [],
      ['Am aktuellen Rand werden vorläufige Daten ausgewiesen.'],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    const merges = ['A4:B5', 'C4:C5', 'D4:E4', 'A6:A8', 'A9:A11'];
    const f = await importFile(d, NAME, await workbook([{ name: '1.1 Eckwerte', rows, merges }]));
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual(ELB_LZB_JUNE);
  });

  test('Eckwerte without merges: the label repeated on each gender row, or written once above them', async () => {
    for (const repeat of [true, false]) {
      const d = await deps();
      const label = (l: string) => (repeat ? l : null);
      const rows: Row[] = [
        ['Eckwerte für Jobcenter – Segeberg, JC (t11522)'],
        ['Berichtsmonat: Juni 2024'],
        [],
        ['Merkmal', '', 'Rechtskreis SGB II'],
        ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', '10.585,41'],
        [label('Erwerbsfähige Leistungsberechtigte'), 'Frauen', '4.942,10'],
        [label('Erwerbsfähige Leistungsberechtigte'), 'Männer', '5.643,31'],
        ['Arbeitslose', 'Insgesamt', '5.800'],
        [label('Arbeitslose'), 'Frauen', '2.600'],
        ['Langzeitleistungsbezieher', 'Insgesamt', '6.730,59'],
        [label('Langzeitleistungsbezieher'), 'Frauen', '3.401,20'],
        [label('Langzeitleistungsbezieher'), 'Männer', '3.329,39'],
        ['Am aktuellen Rand werden vorläufige Daten ausgewiesen.'],
      ];
      const f = await importFile(d, NAME, await workbook([{ name: '1.1 Eckwerte', rows }]));
      expect(f?.error, `repeat=${repeat}`).toBeNull();
      expect(await stored(d)).toEqual(ELB_LZB_JUNE);
    }
  });

  test('statistics table (xlsx): label merged A5:A7 over the gender rows in B: all figures of both months', async () => {
    const d = await deps();
    const rows: Row[] = [
      ['Jobcenter:', 'Segeberg, JC'],
      ['Berichtsmonat:', 'Juni 2024'],
      [],
      ['Ausgewählte Merkmale', null, 'Juni 2024', 'Mai 2024'],
      ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', 10585, 10570],
      [null, 'Frauen', 4942, 4932],
      [null, 'Männer', 5643, 5638],
      ['Langzeitleistungsbezieher', 'Insgesamt', 6730, 6720],
      [],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    const f = await importFile(
      d,
      'tabelle.xlsx',
      await workbook([{ name: 'Tabelle', rows, merges: ['A4:B4', 'A5:A7'] }]),
    );
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual([
      't11522 ELB female 2024-05 4932',
      't11522 ELB female 2024-06 4942',
      't11522 ELB male 2024-05 5638',
      't11522 ELB male 2024-06 5643',
      't11522 ELB total 2024-05 10570',
      't11522 ELB total 2024-06 10585',
      't11522 LZB total 2024-05 6720',
      't11522 LZB total 2024-06 6730',
    ]);
  });

  test('statistics table (xlsx): a month merged over "absolut | Anteil in %" is no label problem: the sub-header row has no numbers', async () => {
    const d = await deps();
    const rows: Row[] = [
      ['Jobcenter:', 'Segeberg, JC'],
      ['Berichtsmonat:', 'Juni 2024'],
      [],
      ['Ausgewählte Merkmale', 'Juni 2024', null, 'Juni 2023', null],
      [null, 'absolut', 'Anteil in %', 'absolut', 'Anteil in %'],
      ['Erwerbsfähige Leistungsberechtigte', 10585, 100, 10101, 100],
      ['Frauen', 4942, 46.7, 4700, 46.5],
    ];
    const f = await importFile(
      d,
      'tabelle.xlsx',
      await workbook([{ name: 'Tabelle', rows, merges: ['B4:C4', 'D4:E4'] }]),
    );
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual([
      't11522 ELB female 2023-06 4700',
      't11522 ELB female 2024-06 4942',
      't11522 ELB total 2023-06 10101',
      't11522 ELB total 2024-06 10585',
    ]);
  });

  test('statistics table (CSV): the label written once, the genders in the column beside it', async () => {
    const d = await deps();
    const lines = [
      ['Jobcenter:', 'Segeberg, JC'],
      ['Berichtsmonat:', 'Juni 2024'],
      [],
      ['Ausgewählte Merkmale', '', 'Juni 2024', 'Mai 2024'],
      ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', '10.585', '10.570'],
      ['', 'Frauen', '4.942', '4.932'],
      ['', 'Männer', '5.643', '5.638'],
    ];
    const f = await importFile(d, 't.csv', buf(`${lines.map((l) => `${l.join(';')};`).join('\n')}\n`));
    expect(f?.error).toBeNull();
    expect(await stored(d)).toHaveLength(6);
    expect(await stored(d)).toContain('t11522 ELB male 2024-05 5638');
  });

  test('a label merged down over rows that name no gender: refused naming the cell; nothing is written', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const rows: Row[] = [
      ['Segeberg, JC (t11522)'],
      ['Berichtsmonat: Juni 2024'],
      [],
      ['Merkmal', 'Rechtskreis SGB II'],
      ['Erwerbsfähige Leistungsberechtigte', 10585],
      [null, 4942],
      [null, 5643],
    ];
    const f = await importFile(d, NAME, await workbook([{ name: '1.1 Eckwerte', rows, merges: ['A5:A7'] }]));
    expect(f?.status).toBe('rejected');
    expect(f?.error).toMatchObject({ sheet: '1.1 Eckwerte', row: 6, column: 'A' });
    expect(f?.error?.message).toBe(
      "Zelle A6: mit A5 verbunden ('Erwerbsfähige Leistungsberechtigte'), aber die Zeile nennt kein Geschlecht (erwartet Insgesamt, Frauen oder Männer in einer Spalte vor der Zahl); Zellverbund in Excel aufheben oder das Geschlecht daneben angeben",
    );
    expect(await dumpData(d.db)).toEqual(before);
  });

  test('a row with a figure but no label: refused naming the row, in both readers', async () => {
    const d = await deps();
    const rows: Row[] = [
      ['Segeberg, JC (t11522)'],
      ['Berichtsmonat: Juni 2024'],
      [],
      ['Merkmal', 'Rechtskreis SGB II'],
      ['Erwerbsfähige Leistungsberechtigte', 10585],
      [null, 4942],
    ];
    const f = await importFile(d, NAME, await workbook([{ name: '1.1 Eckwerte', rows }]));
    expect(f?.error).toMatchObject({ sheet: '1.1 Eckwerte', row: 6, column: 'A' });
    expect(f?.error?.message).toBe(
      "Zelle A6 ist leer, aber Zelle B6 hat eine Zahl: jede Zeile mit Zahlen braucht ihre Beschriftung (z. B. 'Frauen')",
    );
    const g = await importFile(
      d,
      't.csv',
      tableCsv([
        ['Erwerbsfähige Leistungsberechtigte', '10.585', '10.570'],
        ['', '4.942', '4.932'],
      ]),
    );
    expect(g?.error).toMatchObject({ row: 6, column: 'A' });
    expect(g?.error?.message).toBe(
      "Zelle A6 ist leer, aber Zelle B6 hat eine Zahl: jede Zeile mit Zahlen braucht ihre Beschriftung (z. B. 'Frauen')",
    );
  });
});

describe('indicator labels repeated under a sub-population', () => {
  const totals = [
    ['Erwerbsfähige Leistungsberechtigte', '10.585', '10.570'],
    ['Frauen', '4.942', '4.932'],
    ['Männer', '5.643', '5.638'],
    ['Langzeitleistungsbezieher', '6.730', '6.720'],
  ];
  const foreigners = [
    ['Erwerbsfähige Leistungsberechtigte', '3.100', '3.090'],
    ['Frauen', '1.400', '1.395'],
    ['Männer', '1.700', '1.695'],
    ['Langzeitleistungsbezieher', '1.800', '1.790'],
    ['Integrationen', '40', '38'],
  ];
  const expected = [
    't11522 ELB female 2024-05 4932',
    't11522 ELB female 2024-06 4942',
    't11522 ELB male 2024-05 5638',
    't11522 ELB male 2024-06 5643',
    't11522 ELB total 2024-05 10570',
    't11522 ELB total 2024-06 10585',
    't11522 LZB total 2024-05 6720',
    't11522 LZB total 2024-06 6730',
  ];

  test.each([
    ['"Insgesamt" first, then "Ausländer"', [['Insgesamt'], ...totals, ['Ausländer'], ...foreigners]],
    ['"Ausländer" first, then "Insgesamt"', [['Ausländer'], ...foreigners, ['Insgesamt'], ...totals]],
    ['"unter 25 Jahre" after the totals', [...totals, ['unter 25 Jahre'], ...foreigners]],
  ])(
    'statistics table, %s: the sub-population block is skipped, the totals are stored exactly',
    async (_k, rows) => {
      const d = await deps();
      const f = await importFile(d, 'tabelle.csv', tableCsv(rows));
      expect(f?.error).toBeNull();
      expect(await stored(d)).toEqual(expected);
    },
  );

  test('Eckwerte: "Ausländer" as a heading row, the labels repeated below it with genders beside (merged)', async () => {
    const d = await deps();
    const rows: Row[] = [
      ['Segeberg, JC (t11522)'],
      ['Berichtsmonat: Juni 2024'],
      [],
      ['Merkmal', null, 'Rechtskreis SGB II'],
      ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', '10.585,41'],
      [null, 'Frauen', '4.942,10'],
      [null, 'Männer', '5.643,31'],
      ['Langzeitleistungsbezieher', 'Insgesamt', '6.730,59'],
      [null, 'Frauen', '3.401,20'],
      [null, 'Männer', '3.329,39'],
      ['Ausländer'],
      ['Erwerbsfähige Leistungsberechtigte', 'Insgesamt', '3.100'],
      [null, 'Frauen', '1.400'],
      [null, 'Männer', '1.700'],
      ['Am aktuellen Rand werden vorläufige Daten ausgewiesen.'],
    ];
    const merges = ['A5:A7', 'A8:A10', 'A12:A14'];
    const f = await importFile(d, NAME, await workbook([{ name: '1.1 Eckwerte', rows, merges }]));
    expect(f?.error).toBeNull();
    expect(await stored(d)).toEqual(ELB_LZB_JUNE);
  });

  test('a heading not known as a sub-population, then an indicator again: refused naming the heading', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const f = await importFile(
      d,
      'tabelle.csv',
      tableCsv([...totals, ['Personen im Haushaltskontext X'], ...foreigners]),
    );
    expect(f?.status).toBe('rejected');
    expect(f?.error).toMatchObject({ row: 10, column: 'A' });
    expect(f?.error?.message).toBe(
      "'Erwerbsfähige Leistungsberechtigte' steht zum zweiten Mal (zuerst in Zeile 5), jetzt unter 'Personen im Haushaltskontext X' (Zeile 9): Zeilen unter einer Teilgruppe sind nicht die Zahlen insgesamt. Ist 'Personen im Haushaltskontext X' eine Teilgruppe, bitte in subPopulations in data/ba-mapping.json aufnehmen",
    );
    expect(await dumpData(d.db)).toEqual(before);
  });
});
