/**
 * Line ends and header shapes of real BA files (outside audit F2, F4, F6, F8): such a file is
 * imported exactly, every figure as the file writes it, or refused whole with the cell named.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { baTableLines, NOTE, PROVISIONAL, toBaCsv } from '../fixtures/real-ba.js';
import { all } from '../helpers/db.js';
import { buf, dumpData, memoryDeps } from './helpers.js';

type Deps = Awaited<ReturnType<typeof memoryDeps>>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function deps(): Promise<Deps> {
  const d = await memoryDeps();
  cleanups.push(() => d.db.close());
  // Region 01060 exists, as with the sample data: the BA label 'Segeberg, JC' lands in it.
  await importBuffer(
    d,
    'seed.csv',
    buf(
      'region;region_name;month;indicator;gender;value;flag\n01060;Kreis Segeberg;2024-01;INT;total;300;\n',
    ),
  );
  return d;
}

function importBuffer(d: Deps, name: string, data: Uint8Array) {
  return runImport(d, [{ kind: 'buffer', name, data }], { trigger: 'upload' });
}

/** Stored ELB/LZB rows as `indicator gender month value-or-flag`, sorted. */
async function stored(d: Deps): Promise<string[]> {
  const rows = await all<{ i: string; g: string; m: string; v: number | null; f: string | null }>(
    d.db,
    `select indicator_code i, gender g, month m, value v, flag f from observations
     where indicator_code in ('ELB', 'LZB') order by 1, 2, 3`,
  );
  return rows.map((r) => `${r.i} ${r.g} ${r.m} ${r.f ?? r.v}`);
}

/** A figure as the BA writes it ('10.585,41', '-') as it must be stored (10585.41, '-'). */
function figure(s: string): string {
  return s === '-' ? '-' : String(Number(s.replace(/\./g, '').replace(',', '.')));
}

const GENDERS = ['total', 'female', 'male'] as const;

/** What the PROVISIONAL table must become: every cell of the ELB and LZB blocks. */
function expectedProvisional(months: readonly string[]): string[] {
  const out: string[] = [];
  for (const [code, block] of [
    ['ELB', PROVISIONAL.elb],
    ['LZB', PROVISIONAL.lzb],
  ] as const) {
    block.forEach((cells, g) => {
      cells.forEach((cell, m) => {
        out.push(`${code} ${GENDERS[g]} ${months[m]} ${figure(cell)}`);
      });
    });
  }
  return out.sort();
}
const TABLE_MONTHS = ['2024-09', '2024-08', '2023-09'];

/** The lines joined with CRLF, LF and CR alone in turn (each row still ends with ';'). */
function mixedLineEnds(lines: string[][]): string {
  const ends = ['\r\n', '\n', '\r'];
  return lines.map((l, i) => `${l.length === 0 ? '' : `${l.join(';')};`}${ends[i % 3]}`).join('');
}

describe('line ends (F2)', () => {
  test('a BA table with CRLF, LF and CR alone mixed is imported whole, cell by cell', async () => {
    const d = await deps();
    const text = mixedLineEnds(baTableLines(PROVISIONAL));
    expect(text).toMatch(/[^\n]\r[^\n]/); // a lone CR ends a line in the file
    const s = await importBuffer(d, 'gemischt.csv', buf(text));
    expect(s.files[0]?.error).toBeNull();
    expect(await stored(d)).toEqual(expectedProvisional(TABLE_MONTHS));
    // The 'Frauen' row under 'Ausländer' (2.100) stays unread, as with uniform line ends.
    expect(await all(d.db, 'select * from observations where value = 2100')).toEqual([]);
  });

  test('a refused cell in such a file is named by the line an editor shows', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const lines = baTableLines(PROVISIONAL);
    // Line 12 (1-based) is the 'Männer' row of the ELB block; put a bad figure in its first month.
    expect(lines[11]?.[0]).toBe('Männer');
    lines[11] = ['Männer', '5.643x31', '5.637,47', '5.401,00', '242,31', '4,5'];
    const s = await importBuffer(d, 'gemischt.csv', buf(mixedLineEnds(lines)));
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error).toMatchObject({ row: 12, column: 'B' });
    expect(s.files[0]?.error?.message).toContain("'5.643x31' ist keine Zahl");
    expect(await dumpData(d.db)).toEqual(before);
  });

  test('a canonical CSV with a lone CR between LF lines is imported whole', async () => {
    const d = await deps();
    const text =
      'region;region_name;month;indicator;gender;value;flag\r\n' +
      '01060;Kreis Segeberg;2024-02;ELB;total;10420;\r' +
      '01060;Kreis Segeberg;2024-02;ELB;female;4860;\n' +
      '01060;Kreis Segeberg;2024-02;ELB;male;5560;\r';
    const s = await importBuffer(d, 'kanonisch.csv', buf(text));
    expect(s.files[0]?.error).toBeNull();
    expect(await stored(d)).toEqual([
      'ELB female 2024-02 4860',
      'ELB male 2024-02 5560',
      'ELB total 2024-02 10420',
    ]);
  });
});

describe('a title line above the metadata (audit F9, R10e)', () => {
  test('one or two title lines before "Jobcenter:; …" are read as the BA table they head', async () => {
    const d = await deps();
    const lines = [
      ['Grundsicherung für Arbeitsuchende (SGB II) - Eckwerte'],
      ['Tabelle 1'],
      ...baTableLines(PROVISIONAL),
    ];
    const s = await importBuffer(d, 'titel.csv', buf(toBaCsv(lines)));
    expect(s.files[0]?.error).toBeNull();
    expect(await stored(d)).toEqual(expectedProvisional(TABLE_MONTHS));
  });
});

/** The time series with two header rows, as the table service writes it (every row ends with ';'). */
function twoRowSeries(extra: { data?: string[] } = {}): string {
  const lines = [
    ['Jobcenter:', 'Segeberg, JC'],
    ['Rechtskreis:', 'SGB II'],
    ['Hinweis:', NOTE],
    [],
    ['Berichtsmonat', 'Erwerbsfähige Leistungsberechtigte', '', '', 'Langzeitleistungsbezieher', '', ''],
    ['', 'Insgesamt', 'Frauen', 'Männer', 'Insgesamt', 'Frauen', 'Männer'],
    ['Januar 2024', '10.400', '4.850', '5.550', '6.600', '3.350', '3.250', ...(extra.data ?? [])],
    ['Februar 2024', '10.420', '4.860', '5.560', '6.610', '3.355', '-'],
    ['März 2024', '10.455,50', '4.875,25', '5.580,25', '6.625,75', '3.360,50', '3.265,25'],
    [],
    ['© Statistik der Bundesagentur für Arbeit'],
  ];
  return toBaCsv(lines);
}

describe('time series with two header rows (F6)', () => {
  test("the BA's trailing ';' makes no phantom column: all 18 figures are stored as written", async () => {
    const d = await deps();
    const s = await importBuffer(d, 'zeitreihe.csv', buf(twoRowSeries()));
    expect(s.files[0]?.error).toBeNull();
    const data = [
      ['2024-01', '10.400', '4.850', '5.550', '6.600', '3.350', '3.250'],
      ['2024-02', '10.420', '4.860', '5.560', '6.610', '3.355', '-'],
      ['2024-03', '10.455,50', '4.875,25', '5.580,25', '6.625,75', '3.360,50', '3.265,25'],
    ];
    const expected = data.flatMap(([month, ...cells]) =>
      cells.map(
        (c, k) => `${k < 3 ? 'ELB' : 'LZB'} ${['total', 'female', 'male'][k % 3]} ${month} ${figure(c)}`,
      ),
    );
    expect(await stored(d)).toEqual(expected.sort());
  });

  test('a figure in a column without any header is refused naming the cell', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const s = await importBuffer(d, 'zeitreihe.csv', buf(twoRowSeries({ data: ['123'] })));
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error).toMatchObject({ row: 7, column: 'H' });
    expect(s.files[0]?.error?.message).toContain('keine Überschrift');
    expect(await dumpData(d.db)).toEqual(before);
  });
});

describe('month headers with footnote markers (F8)', () => {
  function withHeader(first: string): string {
    const lines = baTableLines(PROVISIONAL);
    const h = lines.findIndex((l) => l[0] === 'Ausgewählte Merkmale');
    const header = lines[h];
    if (!header) throw new Error('no header');
    header[1] = first;
    return toBaCsv(lines);
  }

  test("'September 2024 1) 2)' is the month September 2024: its column is stored", async () => {
    const d = await deps();
    const s = await importBuffer(d, 'fussnoten.csv', buf(withHeader('September 2024 1) 2)')));
    expect(s.files[0]?.error).toBeNull();
    expect(await stored(d)).toEqual(expectedProvisional(TABLE_MONTHS));
  });

  test('a header cell that starts with a month but does not read as one is refused, not skipped', async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const s = await importBuffer(d, 'fussnoten.csv', buf(withHeader('September 2024 (vorl.)')));
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error).toMatchObject({ row: 8, column: 'B' });
    expect(s.files[0]?.error?.message).toContain("'September 2024 (vorl.)'");
    expect(await dumpData(d.db)).toEqual(before);
  });
});

describe("a 'Geschlecht' group header over Insgesamt/Männer/Frauen (F4)", () => {
  async function sheetOf(rows: (string | number | null)[][], merge?: string): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('eLb');
    rows.forEach((r, i) => {
      r.forEach((v, c) => {
        if (v !== null) ws.getRow(i + 1).getCell(c + 1).value = v;
      });
    });
    if (merge !== undefined) ws.mergeCells(merge);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  function groupHeaderSheet(merged: boolean): Promise<Uint8Array> {
    const rows: (string | number | null)[][] = [
      ['Erwerbsfähige Leistungsberechtigte (eLb) 1)'],
      ['Jobcenter Kreis Segeberg (01060)'],
      [],
      ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Geschlecht', null, null],
      [null, null, null, 'Insgesamt', 'Männer', 'Frauen 1)'],
      ['Januar 2024', '01060', 'Kreis Segeberg', 10400, 5550, 4850],
      ['Februar 2024', '01060', 'Kreis Segeberg', 10420, 5560, 4860],
      [],
      ['© Statistik der Bundesagentur für Arbeit'],
    ];
    return sheetOf(rows, merged ? 'D4:F4' : undefined);
  }

  test.each([
    ['merged', true],
    ['not merged', false],
  ])('%s: Insgesamt, Männer and Frauen are all stored', async (_k, merged) => {
    const d = await deps();
    const s = await importBuffer(d, 'elb.xlsx', await groupHeaderSheet(merged));
    expect(s.files[0]?.error).toBeNull();
    expect(await stored(d)).toEqual([
      'ELB female 2024-01 4850',
      'ELB female 2024-02 4860',
      'ELB male 2024-01 5550',
      'ELB male 2024-02 5560',
      'ELB total 2024-01 10400',
      'ELB total 2024-02 10420',
    ]);
  });

  test("a 'Geschlecht' column beside Insgesamt/Männer/Frauen columns is refused naming it", async () => {
    const d = await deps();
    const before = await dumpData(d.db);
    const bytes = await sheetOf([
      ['Erwerbsfähige Leistungsberechtigte (eLb)'],
      ['Jobcenter Kreis Segeberg (01060)'],
      [],
      ['Berichtsmonat', 'Regionalschlüssel', 'Geschlecht', 'Insgesamt', 'Männer', 'Frauen'],
      ['Januar 2024', '01060', 'Frauen', 10400, 5550, 4850],
    ]);
    const s = await importBuffer(d, 'elb.xlsx', bytes);
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error).toMatchObject({ sheet: 'eLb', row: 4, column: 'C' });
    expect(s.files[0]?.error?.message).toContain(
      "Spalte 'Geschlecht' neben Spalten für Insgesamt/Männer/Frauen",
    );
    expect(await dumpData(d.db)).toEqual(before);
  });
});
