/**
 * A layout mapped in the import wizard: which sheet, which column (or row) holds the months,
 * which column (or row) is which indicator and gender, where the region is named. Saved under a
 * name with a file-name pattern and applied to every later file that matches it (upload, inbox,
 * SOURCE_URLS). Positions are kept, labels are not: next month's file of the same layout has one
 * more month row or column, nothing else moves.
 */
import { z } from 'zod';
import { columnLetter } from '../core/spreadsheet.js';
import { ONE_LINE_RE } from '../core/text.js';
import { keyCell, type Sheet } from './ba.js';
import type { BuildResult, PlacedCell } from './grid.js';
import { buildRows, cellMonth, cellText, isEmptyCell, isNumberCell, isProvisionalNote } from './grid.js';
import type { RegionResolver, ResolvedRegion } from './regions.js';
import type { IndicatorCatalog } from './rows.js';
import { FileRejection } from './types.js';
import { normalizeLabel, REGION_KEY_RE } from './values.js';

const line = z.number().int().min(0).max(100_000);

export const gridSpecSchema = z.object({
  kind: z.literal('grid'),
  /** Sheet name; null: the first sheet (and the only one of a CSV file). */
  sheet: z.string().min(1).max(200).nullable(),
  /**
   * `rows`: months run down the rows; `monthLine` is the 0-based column holding them and each
   * series is a column. `columns`: months run across; `monthLine` is the row number (1-based)
   * holding them and each series is a row (1-based).
   */
  monthAxis: z.enum(['rows', 'columns']),
  monthLine: line,
  series: z
    .array(
      z.object({
        line,
        indicator: z.string().min(1).max(32),
        gender: z.enum(['total', 'female', 'male']),
      }),
    )
    .min(1)
    .max(200),
  region: z.discriminatedUnion('from', [
    /** A cell naming the region (a title such as "Jobcenter Kreis Segeberg (t11522)"): row 1-based, col 0-based. */
    z.object({ from: z.literal('cell'), row: line.min(1), col: line }),
    /** A metadata line `Key:; value` (e.g. `Jobcenter`). */
    z.object({ from: z.literal('metadata'), key: z.string().min(1).max(60) }),
    /** Always this region key. */
    z.object({
      from: z.literal('fixed'),
      region: z.string().regex(REGION_KEY_RE, 'must be a region key (letters, digits, "_", "-", ".")'),
    }),
    /** A key in the file name (`t11522`, `01060`). */
    z.object({ from: z.literal('fileName') }),
  ]),
  /**
   * `auto`: decimals in stocks and the BA's "vorläufige Daten" note mark values provisional;
   * `all`: every stock value of such files is provisional; `none`: only decimals do.
   */
  provisional: z.enum(['auto', 'all', 'none']).default('auto'),
  /** A column (months down) or row (months across) whose non-empty cell marks its values provisional. */
  provisionalLine: line.nullable().default(null),
});
export type GridSpec = z.infer<typeof gridSpecSchema>;

export const savedMappingSchema = z.object({
  name: z.string().trim().min(1).max(120).regex(ONE_LINE_RE, 'must not contain control characters'),
  /** File-name glob: `*` any characters, `?` one character, case-insensitive. */
  pattern: z.string().trim().min(1).max(200).regex(ONE_LINE_RE, 'must not contain control characters'),
  spec: gridSpecSchema,
});
export type SavedMapping = z.infer<typeof savedMappingSchema>;

/**
 * Whether a file name matches a glob (`jc-eckwerte-*-xlsx.xlsx`); case-insensitive, whole name.
 * Matched without a regular expression: a backtracking RegExp of `*-*-*-*-*-*.csv` against a long
 * name of dashes takes seconds to hours (the name is chosen by whoever uploads). This walk goes
 * back only to the last `*`, so it takes at most pattern × name steps.
 */
export function matchesPattern(pattern: string, fileName: string): boolean {
  const p = [...pattern.toLowerCase()];
  const s = [...fileName.toLowerCase()];
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (i < s.length) {
    if (j < p.length && (p[j] === '?' || (p[j] !== '*' && p[j] === s[i]))) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      resume = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}

/** The first saved mapping whose pattern matches the file name. */
export function findMapping<T extends { pattern: string }>(
  mappings: readonly T[],
  fileName: string,
): T | null {
  return mappings.find((m) => matchesPattern(m.pattern, fileName)) ?? null;
}

function pickSheet(sheets: readonly Sheet[], spec: GridSpec): Sheet {
  if (spec.sheet === null) {
    const first = sheets[0];
    if (!first) throw new FileRejection('die Datei enthält kein Blatt');
    return first;
  }
  const want = normalizeLabel(spec.sheet);
  const sheet = sheets.find((s) => s.name !== null && normalizeLabel(s.name) === want);
  if (!sheet) {
    throw new FileRejection(
      `Blatt '${spec.sheet}' fehlt (vorhanden: ${sheets.map((s) => s.name ?? '(CSV)').join(', ')})`,
    );
  }
  return sheet;
}

function rowIndexOf(sheet: Sheet, rowNumber: number): number {
  const i = sheet.rowNumbers.indexOf(rowNumber);
  return i >= 0 ? i : rowNumber - 1;
}

function regionOf(sheet: Sheet, spec: GridSpec, fileName: string, resolver: RegionResolver): ResolvedRegion {
  const r = spec.region;
  switch (r.from) {
    case 'fixed':
      return resolver.byKey(r.region);
    case 'fileName': {
      const key = /\bt\d{5}\b|(?<!\d)\d{5}(?!\d)/i.exec(fileName);
      if (!key)
        throw new FileRejection(
          `der Dateiname '${fileName}' enthält keinen Regionsschlüssel (t12345 oder 01060)`,
        );
      return resolver.byKey(key[0].toLowerCase());
    }
    case 'metadata': {
      const want = normalizeLabel(r.key);
      for (let i = 0; i < sheet.rows.length; i++) {
        const row = sheet.rows[i] ?? [];
        if (normalizeLabel(cellText(row[0]).replace(/:$/, '')) !== want) continue;
        const text = cellText(row[1]);
        const found = resolver.byLabel(text);
        if (found) return found.name === null ? { ...found, name: text } : found;
        throw new FileRejection(
          `Region '${text}' ist nicht bekannt`,
          sheet.name,
          sheet.rowNumbers[i] ?? i + 1,
          'B',
        );
      }
      throw new FileRejection(`keine Kopfzeile '${r.key}:' gefunden`, sheet.name);
    }
    case 'cell': {
      const text = cellText(sheet.rows[rowIndexOf(sheet, r.row)]?.[r.col]);
      const found = resolver.byLabel(text);
      if (found) return found;
      throw new FileRejection(
        text === ''
          ? 'die Zelle für die Region ist leer'
          : `'${text}' nennt keine bekannte Region (erwartet einen Namen aus dem Jobcenter-Verzeichnis, t12345 oder 01060)`,
        sheet.name,
        r.row,
        columnLetter(r.col),
      );
    }
    default:
      throw new Error(`unknown region source ${JSON.stringify(r satisfies never)}`);
  }
}

/** Places the cells a grid mapping reads; month lines whose month cell is no month are skipped. */
function place(sheet: Sheet, spec: GridSpec, region: ResolvedRegion, all: boolean): PlacedCell[] {
  const cells: PlacedCell[] = [];
  if (spec.monthAxis === 'rows') {
    for (let i = 0; i < sheet.rows.length; i++) {
      const row = sheet.rows[i] ?? [];
      // A month merged down over rows names each of them (keyCell), as Excel shows it.
      const month = cellMonth(keyCell(sheet, i, spec.monthLine));
      if (month === null) continue;
      const marked = spec.provisionalLine !== null && !isEmptyCell(row[spec.provisionalLine]);
      for (const s of spec.series) {
        cells.push({
          region,
          indicator: s.indicator,
          gender: s.gender,
          month,
          cell: row[s.line] ?? null,
          sheet: sheet.name,
          row: sheet.rowNumbers[i] ?? i + 1,
          col: s.line,
          provisional: all || marked,
        });
      }
    }
    return cells;
  }
  const monthRow = sheet.rows[rowIndexOf(sheet, spec.monthLine)] ?? [];
  const marks =
    spec.provisionalLine === null ? [] : (sheet.rows[rowIndexOf(sheet, spec.provisionalLine)] ?? []);
  for (let c = 0; c < monthRow.length; c++) {
    const month = cellMonth(monthRow[c]);
    if (month === null) continue;
    for (const s of spec.series) {
      const i = rowIndexOf(sheet, s.line);
      cells.push({
        region,
        indicator: s.indicator,
        gender: s.gender,
        month,
        cell: sheet.rows[i]?.[c] ?? null,
        sheet: sheet.name,
        row: s.line,
        col: c,
        provisional: all || !isEmptyCell(marks[c]),
      });
    }
  }
  return cells;
}

/** Applies a grid mapping to a file's sheets. */
export function applyGridSpec(
  sheets: readonly Sheet[],
  spec: GridSpec,
  fileName: string,
  resolver: RegionResolver,
  catalog: IndicatorCatalog,
  opts: { collect: boolean; edgeMonths: number },
): BuildResult {
  const sheet = pickSheet(sheets, spec);
  const region = regionOf(sheet, spec, fileName, resolver);
  const cells = place(sheet, spec, region, spec.provisional === 'all');
  if (cells.length === 0) {
    const where =
      spec.monthAxis === 'rows' ? `Spalte ${columnLetter(spec.monthLine)}` : `Zeile ${spec.monthLine}`;
    throw new FileRejection(
      `${where} enthält keinen Monat (erwartet z. B. Januar 2024 oder 2024-01)`,
      sheet.name,
    );
  }
  const note =
    spec.provisional === 'auto' &&
    sheet.rows.some((r) => r.some((c) => typeof c === 'string' && isProvisionalNote(c)));
  return buildRows(cells, catalog, {
    collect: opts.collect,
    note,
    edgeMonths: opts.edgeMonths,
    sheets: [sheet],
  });
}

/** What the wizard shows of a file before it is mapped. */
export interface SheetPreview {
  name: string | null;
  /** The first rows as text (row numbers beside). */
  rows: { number: number; cells: string[] }[];
  /** Rows (numbers) whose cells are mostly labels above number rows: probably headers. */
  headerRows: number[];
  /** Where the months seem to run, with the line holding them. */
  monthAxis: { axis: 'rows'; column: number } | { axis: 'columns'; row: number } | null;
  /** Per shown row, the columns holding numbers or markers. */
  numberCells: { row: number; cols: number[] }[];
}

export function previewSheets(sheets: readonly Sheet[], maxRows = 60): SheetPreview[] {
  return sheets.map((sheet) => {
    const rows: SheetPreview['rows'] = [];
    const numberCells: SheetPreview['numberCells'] = [];
    const headerRows: number[] = [];
    let axis: SheetPreview['monthAxis'] = null;
    const monthsInCol = new Map<number, number>();
    for (let i = 0; i < Math.min(sheet.rows.length, maxRows); i++) {
      const row = sheet.rows[i] ?? [];
      const number = sheet.rowNumbers[i] ?? i + 1;
      rows.push({ number, cells: row.map((c) => cellText(c).slice(0, 80)) });
      const cols = row.flatMap((c, k) => (isNumberCell(c) && cellMonth(c) === null ? [k] : []));
      if (cols.length > 0) numberCells.push({ row: number, cols });
      let monthsAcross = 0;
      row.forEach((c, k) => {
        if (cellMonth(c) === null) return;
        monthsAcross++;
        monthsInCol.set(k, (monthsInCol.get(k) ?? 0) + 1);
      });
      if (axis === null && monthsAcross >= 2) axis = { axis: 'columns', row: number };
      const labels = row.filter((c) => !isEmptyCell(c) && !isNumberCell(c)).length;
      const next = sheet.rows[i + 1] ?? [];
      if (labels >= 2 && cols.length === 0 && next.some((c) => isNumberCell(c))) headerRows.push(number);
    }
    if (axis === null) {
      let best: [number, number] | null = null;
      for (const [col, n] of monthsInCol) if (n >= 2 && (best === null || n > best[1])) best = [col, n];
      if (best) axis = { axis: 'rows', column: best[0] };
    }
    return { name: sheet.name, rows, headerRows, monthAxis: axis, numberCells };
  });
}
