/**
 * The common last step of the table layouts found by position (the BA statistics table, the
 * Eckwerte workbook, a layout mapped in the wizard): cells already placed at a region, indicator,
 * gender and month become validated observation rows. Either the first problem rejects the file
 * (import) or every problem is collected with its cell (the wizard's live feedback).
 */

import { columnLetter } from '../core/spreadsheet.js';
import type { Gender, ValueFlag } from '../server/domain/types.js';
import { type Cell, mergedFigureProblem, type Sheet, shownCell } from './ba.js';
import type { ResolvedRegion } from './regions.js';
import { genderIndex, type IndicatorCatalog, ObservationRows } from './rows.js';
import { FileRejection } from './types.js';
import {
  type MonthIndex,
  monthOfDateCell,
  parseGermanNumber,
  parseMarker,
  parseMonthText,
  stripMarkers,
} from './values.js';

export interface PlacedCell {
  region: ResolvedRegion;
  indicator: string;
  gender: Gender;
  month: MonthIndex;
  cell: Cell;
  sheet: string | null;
  /** Spreadsheet row number (1-based) or CSV line. */
  row: number;
  /** 0-based column. */
  col: number;
  /** Marked provisional by the file (note, marker column) or the mapping. */
  provisional: boolean;
}

export interface CellIssue {
  sheet: string | null;
  row: number | null;
  column: string | null;
  message: string;
}

export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c);
}

export function isEmptyCell(c: Cell | undefined): boolean {
  return cellText(c) === '';
}

/**
 * A month in a cell: a spreadsheet date or a label (`September 2024`, `2024-09`, `09/2024`), with
 * any footnote markers after it (`Juni 2026 1) 2)`, `Juni 2026¹`).
 */
export function cellMonth(c: Cell | undefined): MonthIndex | null {
  if (c instanceof Date) return monthOfDateCell(c);
  const t = cellText(c);
  if (t === '') return null;
  return parseMonthText(stripMarkers(t));
}

/**
 * A text that begins with one month (`September 2024 (vorl.)`, `06/2026 p`) without being one: a
 * header cell like this is refused rather than skipped, so no month column is lost unseen.
 */
export function startsWithMonth(text: string): boolean {
  const t = text.trim();
  const m = /^(\S+\s+\d{4}|\d{1,2}\s*[/.]\s*\d{4}|\d{4}-\d{1,2})(?!\d)/.exec(t);
  // A range or comparison ('Jan 2026 - Jun 2026') names a second year: no month column.
  return m?.[1] !== undefined && parseMonthText(m[1]) !== null && !/\d{4}/.test(t.slice(m[1].length));
}

/** A number or marker in a cell; a string saying what is wrong otherwise. */
export function cellValue(c: Cell | undefined): { value: number; flag: ValueFlag | null } | string {
  if (typeof c === 'number') return Number.isFinite(c) ? { value: c, flag: null } : `'${c}' ist keine Zahl`;
  const t = cellText(c);
  if (t === '') return 'leere Zelle (erwartet eine Zahl oder *, -, X)';
  const marker = parseMarker(t);
  if (marker) return { value: 0, flag: marker };
  const v = parseGermanNumber(t);
  return Number.isNaN(v)
    ? `'${t}' ist keine Zahl (erwartet z. B. 1.527 oder 3.730,59 oder *, -, X)`
    : { value: v, flag: null };
}

/** Every cell of a sheet as a number (for the wizard's preview of number cells). */
export function isNumberCell(c: Cell | undefined): boolean {
  if (typeof c === 'number') return true;
  const t = cellText(c);
  return t !== '' && (parseMarker(t) !== null || !Number.isNaN(parseGermanNumber(t)));
}

/** The cell a row of a sheet holds at a column (rows are sparse). */
export function cellAt(sheet: Sheet, rowIndex: number, col: number): Cell {
  return sheet.rows[rowIndex]?.[col] ?? null;
}

export interface BuildResult {
  rows: ObservationRows;
  issues: CellIssue[];
}

/**
 * Turns placed cells into observation rows. `collect`: every problem is returned with its cell
 * and the cell is skipped; otherwise the first problem is thrown as a FileRejection.
 * `edgeMonths` (with `note`): a file's "vorläufige Daten" note marks the stocks of its latest
 * months as provisional — the BA projects the current edge, not the whole table.
 */
export function buildRows(
  cells: readonly PlacedCell[],
  catalog: IndicatorCatalog,
  opts: {
    collect: boolean;
    note: boolean;
    edgeMonths: number;
    /** The sheets read (xlsx): an empty figure inside a merged range is refused as such. */
    sheets?: readonly Sheet[];
  },
): BuildResult {
  const issues: CellIssue[] = [];
  const positions: PlacedCell[] = [];
  const rows = new ObservationRows((source, what) => {
    const p = positions[source];
    const shown = what === 'value' ? shownCell(p?.cell) : '';
    return {
      sheet: p?.sheet ?? null,
      row: p?.row ?? 0,
      column: p ? columnLetter(p.col) : null,
      ...(shown !== '' ? { text: shown } : {}),
    };
  });
  let latest = Number.NEGATIVE_INFINITY;
  for (const c of cells) if (c.month > latest) latest = c.month;
  const fail = (c: PlacedCell, message: string) => {
    const e = new FileRejection(
      `Zelle ${columnLetter(c.col)}${c.row}: ${message}`,
      c.sheet,
      c.row,
      columnLetter(c.col),
    );
    if (!opts.collect) throw e;
    issues.push({ sheet: e.sheet, row: e.row, column: e.column, message: e.message });
  };
  const merged = new Map<string, Sheet>();
  for (const sh of opts.sheets ?? [])
    if (sh.name !== null && sh.merged !== undefined) merged.set(sh.name, sh);
  for (const c of cells) {
    const v = cellValue(c.cell);
    if (typeof v === 'string') {
      const sheet = merged.size > 0 && c.sheet !== null ? merged.get(c.sheet) : undefined;
      fail(c, (isEmptyCell(c.cell) ? mergedFigureProblem(sheet, c.row, c.col) : null) ?? v);
      continue;
    }
    let info: ReturnType<IndicatorCatalog['resolve']>;
    try {
      info = catalog.resolve(c.indicator, { sheet: c.sheet, row: c.row, column: columnLetter(c.col) });
    } catch (e) {
      fail(c, e instanceof Error ? e.message : String(e));
      continue;
    }
    const atEdge = opts.note && c.month > latest - opts.edgeMonths;
    // A file with the BA note marks its edge months provisional, and any projected (decimal) stock.
    const projected = typeof v.value === 'number' && !Number.isInteger(v.value) && opts.note;
    const provisional = info.stock === true && (c.provisional || atEdge || projected);
    const source = positions.length;
    positions.push(c);
    try {
      rows.push(
        rows.regionOf(c.region.id, c.region.name, null),
        rows.indicatorOf(info),
        genderIndex(c.gender),
        c.month,
        v.value,
        v.flag,
        source,
        false,
        provisional,
      );
    } catch (e) {
      if (!opts.collect || !(e instanceof FileRejection)) throw e;
      issues.push({ sheet: e.sheet, row: e.row, column: e.column, message: e.message });
    }
  }
  for (const r of rows.regions) {
    const placed = cells.find((c) => c.region.id === r.id);
    if (placed && placed.region.aliases.length > 0) r.aliases = [...placed.region.aliases];
  }
  return { rows, issues };
}

/**
 * The BA's note "Am aktuellen Rand werden vorläufige Daten ausgewiesen" (or "hochgerechnete
 * Werte") in a text. A lone word such as a marker cell's "vorläufig" is not the note.
 */
export function isProvisionalNote(text: string): boolean {
  return /(?:vorläufige|hochgerechnete)\s+(?:Daten|Werte)/i.test(text);
}
