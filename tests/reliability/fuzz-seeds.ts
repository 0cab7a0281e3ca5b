/**
 * Valid seed files for the fuzz test, built from plain grids so that a mutation is an edit of a
 * grid or of bytes: BA-style sheets (title, subtitle, two header rows, months as rows, footnotes)
 * written as xlsx (exceljs) or as a `;` CSV, and the canonical CSV (see helpers.ts).
 */
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { RefCell, RefSheet } from './fuzz-reference.js';
import { type BASE_CODES, germanMonth, monthsOfYear, seedValue } from './helpers.js';

/** A grid cell: what exceljs can hold (formulas included). */
export type GridCell = string | number | null | { formula: string; result?: number };
export interface GridSheet {
  name: string;
  code: (typeof BASE_CODES)[number];
  rows: GridCell[][];
}

export const BA_TITLES: Record<(typeof BASE_CODES)[number], { sheet: string; title: string }> = {
  INT: { sheet: 'INT', title: 'Integrationen (INT) 1)' },
  ELB: { sheet: 'eLb', title: 'Erwerbsfähige Leistungsberechtigte (eLb)' },
  LZB: { sheet: 'LZB', title: 'Langzeitleistungsbeziehende (LZB) 2)' },
};

/** Spreadsheet row (1-based) of the k-th month (0-based) in a seed sheet. */
export const baDataRow = (k: number) => 6 + k;
/** Value columns of a seed sheet: D total, E male, F female. */
export const BA_VALUE_COLS = [
  { col: 3, letter: 'D', gender: 'total' },
  { col: 4, letter: 'E', gender: 'male' },
  { col: 5, letter: 'F', gender: 'female' },
] as const;

export function baSheet(
  code: (typeof BASE_CODES)[number],
  region: string,
  name: string,
  year: number,
  salt = 0,
): GridSheet {
  const rows: GridCell[][] = [
    [BA_TITLES[code].title],
    [`Jobcenter ${name} (${region}) - Testdaten`],
    [],
    ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon', null],
    [null, null, null, null, 'Männer', 'Frauen'],
  ];
  monthsOfYear(year).forEach((month, k) => {
    rows.push([
      germanMonth(month),
      region,
      name,
      seedValue(code, 'total', k, salt),
      seedValue(code, 'male', k, salt),
      seedValue(code, 'female', k, salt),
    ]);
  });
  rows.push([]);
  rows.push(['1) Testdaten für den Fuzz-Test']);
  rows.push(['© Statistik der Bundesagentur für Arbeit']);
  return { name: BA_TITLES[code].sheet, code, rows };
}

export function cloneGrid(sheets: readonly GridSheet[]): GridSheet[] {
  return sheets.map((s) => ({
    ...s,
    rows: s.rows.map((r) => r.map((c) => (c !== null && typeof c === 'object' ? { ...c } : c))),
  }));
}

const fixedDate = new Date('2024-01-01T00:00:00Z');

export async function gridToXlsx(sheets: readonly GridSheet[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.created = fixedDate;
  wb.modified = fixedDate;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r.map((c) => (c === null ? undefined : c)));
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const GERMAN_INT = new Intl.NumberFormat('de-DE', {
  useGrouping: true,
  maximumFractionDigits: 0,
});

/** The first sheet as BA-style CSV text: `;`, German thousands dots. */
export function gridToCsv(sheet: GridSheet, eol = '\n'): string {
  return (
    sheet.rows
      .map((r) =>
        r
          .map((c) =>
            c === null
              ? ''
              : typeof c === 'number'
                ? Number.isInteger(c) && Math.abs(c) < 1e15
                  ? GERMAN_INT.format(c)
                  : String(c)
                : typeof c === 'object'
                  ? String(c.result ?? '')
                  : c,
          )
          .join(';'),
      )
      .join(eol) + eol
  );
}

/** The grid as the reference reader sees it (formula cells by their cached result). */
export function gridAsRef(sheets: readonly GridSheet[]): RefSheet[] {
  return sheets.map((s) => ({
    name: s.name,
    rows: s.rows.map((r) =>
      r.map((c): RefCell => (c !== null && typeof c === 'object' ? (c.result ?? null) : c)),
    ),
  }));
}

/** A minimal ZIP (stored entries) of arbitrary files: a valid archive that is no workbook. */
export function storedZip(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, Buffer.from(f.data));
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(f.data.length, 20);
    cd.writeUInt32LE(f.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + f.data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cdBuf, end]));
}
