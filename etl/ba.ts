/**
 * BA-style tables (one sheet per indicator, title rows, multi-row headers, footnotes), driven by
 * data/ba-mapping.json. Two layouts:
 * - months as rows: a header row with "Berichtsmonat", region key/name columns, and gender columns
 *   (Insgesamt | davon: Männer, Frauen — the genders may sit in a second header row);
 * - months as columns (transposed): a header row of month labels, one row per region × gender.
 * The grid comes from exceljs (ba-xlsx.ts) or from a CSV saved from the same layout.
 */

import { columnLetter } from '../core/spreadsheet.js';
import type { Gender, ValueFlag } from '../server/domain/types.js';
import type { BaMapping } from './mapping.js';
import {
  genderIndex,
  germanNumber,
  type IndicatorCatalog,
  type IndicatorInfo,
  ObservationRows,
  type ParsedFile,
} from './rows.js';
import { FileRejection } from './types.js';
import {
  type MonthIndex,
  monthOfDateCell,
  normalizeLabel,
  parseFileRegionKey,
  parseGermanNumber,
  parseMarker,
  parseMonthText,
  stripMarkers,
} from './values.js';

export type Cell = string | number | Date | boolean | null;

export interface Sheet {
  /** Worksheet name; null for a CSV file. */
  name: string | null;
  /** rows[i] is spreadsheet row rowNumbers[i]; cells by 0-based column. */
  rows: Cell[][];
  rowNumbers: number[];
  /**
   * xlsx only: the cells of merged ranges other than the range's top-left one, by mergeKey. Their
   * own value in `rows` is empty, as the file stores it; readers of keys and labels use `keyCell`.
   */
  merged?: ReadonlyMap<number, MergedCell>;
}

/** A cell inside a merged range, not its top-left one. */
export interface MergedCell {
  /** The range's top-left cell ('A4'), whose value Excel shows across the range. */
  master: string;
  /** In the top-left cell's column, below it: the range is merged down over rows. */
  down: boolean;
  /** The top-left cell's value. */
  value: Cell;
}

/** The key of Sheet.merged: spreadsheet row number and 0-based column. */
export function mergeKey(rowNumber: number, col: number): number {
  return rowNumber * 16_384 + col;
}

/** The merged range cell (rowNumber, col) lies in, other than as its top-left cell; else undefined. */
export function mergedAt(sheet: Sheet, rowNumber: number, col: number): MergedCell | undefined {
  return sheet.merged?.get(mergeKey(rowNumber, col));
}

/**
 * A key or label cell of data row i (a region, month, gender or indicator) as Excel shows it: a
 * label merged down over rows (a region over its Insgesamt/Männer/Frauen rows) applies to each
 * of them. Only keys: header rows and figures are read as stored, so a header merged down is
 * still one header and a figure is never counted twice.
 */
export function keyCell(sheet: Sheet, i: number, col: number): Cell | undefined {
  const c = sheet.rows[i]?.[col];
  if (sheet.merged === undefined || !isEmpty(c)) return c;
  const m = mergedAt(sheet, sheet.rowNumbers[i] ?? i + 1, col);
  return m?.down === true ? m.value : c;
}

/** Why an empty figure cell is empty when it lies in a merged range (else null). */
export function mergedFigureProblem(sheet: Sheet | undefined, rowNumber: number, col: number): string | null {
  const m = sheet === undefined ? undefined : mergedAt(sheet, rowNumber, col);
  if (m === undefined) return null;
  return `mit ${m.master} verbunden: jede Zahl braucht ihre eigene Zelle (Zellverbund in Excel aufheben)`;
}

function text(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c);
}

/**
 * A cell as the file shows it, for messages: a CSV field's text as written (`1.234,5`), a
 * spreadsheet number with the German decimal comma (1234.5 → `1234,5`).
 */
export function shownCell(c: Cell | undefined): string {
  return typeof c === 'number' ? germanNumber(c) : text(c);
}

function isEmpty(c: Cell | undefined): boolean {
  return c === null || c === undefined || (typeof c === 'string' && c.trim() === '');
}

function nonEmptyCount(row: readonly Cell[]): number {
  let n = 0;
  for (const c of row) if (!isEmpty(c)) n++;
  return n;
}

function firstText(row: readonly Cell[]): string {
  for (const c of row) if (!isEmpty(c)) return text(c);
  return '';
}

function monthOfCell(c: Cell | undefined): MonthIndex | null {
  if (c instanceof Date) return monthOfDateCell(c);
  if (typeof c === 'string') return parseMonthText(stripMarkers(c));
  return null;
}

/** Header roles that may head a group of gender columns (the others name key columns). */
function groupRole(role: string | null | undefined): boolean {
  return role === 'gender' || role === 'indicator';
}

interface SheetPlan {
  layout: Layout;
  /** The indicator of the whole sheet (null: a column names it per row). */
  sheetIndicator: number | null;
  /** The region named in the sheet's subtitle, for tables without a key column. */
  fallbackRegion: { key: string; name: string } | null;
}

interface Layout {
  kind: 'rows' | 'columns';
  headerRow: number;
  dataStart: number;
  monthCol: number;
  keyCol: number;
  nameCol: number;
  genderCol: number;
  indicatorCol: number;
  /** Rows layout: value columns by gender. */
  genderCols: { col: number; gender: Gender; label: string }[];
  /** Columns layout: value columns by month. */
  monthCols: { col: number; month: MonthIndex; label: string }[];
}

class SheetReader {
  constructor(
    private readonly sheet: Sheet,
    private readonly sheetIdx: number,
    private readonly mapping: BaMapping,
    private readonly catalog: IndicatorCatalog,
    private readonly out: ObservationRows,
    private readonly positions: number[],
  ) {}

  private get label(): string | null {
    return this.sheet.name;
  }

  private rowNo(i: number): number {
    return this.sheet.rowNumbers[i] ?? i + 1;
  }

  private reject(message: string, i: number | null, col: number | null): never {
    const cellRef = i !== null && col !== null ? `Zelle ${columnLetter(col)}${this.rowNo(i)}: ` : '';
    throw new FileRejection(
      `${cellRef}${message}`,
      this.label,
      i === null ? null : this.rowNo(i),
      col === null ? null : columnLetter(col),
    );
  }

  private headerLabel(i: number, col: number): string {
    return text(this.sheet.rows[i]?.[col]);
  }

  /** Finds the header row and the meaning of every column. */
  private layout(): Layout | null {
    const rows = this.sheet.rows;
    const limit = Math.min(rows.length, this.mapping.headerSearchRows);
    for (let i = 0; i < limit; i++) {
      const row = rows[i] ?? [];
      const roles = row.map((c) => (typeof c === 'string' ? this.mapping.headerRole(c) : null));
      const find = (role: string) => roles.indexOf(role as never);
      const base = {
        headerRow: i,
        keyCol: find('regionKey'),
        nameCol: find('regionName'),
        genderCol: find('gender'),
        indicatorCol: find('indicator'),
      };
      const monthCol = find('month');
      if (monthCol >= 0) {
        const sub = rows[i + 1] ?? [];
        const continuation =
          isEmpty(sub[monthCol]) && sub.some((c) => typeof c === 'string' && this.mapping.gender(c) !== null);
        const genderCols: Layout['genderCols'] = [];
        const width = Math.max(row.length, continuation ? sub.length : 0);
        for (let col = 0; col < width; col++) {
          if (col === monthCol) continue;
          const subLabel = continuation ? text(sub[col]) : '';
          const subGender = subLabel === '' ? null : this.mapping.gender(subLabel);
          // A group header over the genders ('Geschlecht' over Insgesamt | Männer | Frauen): the
          // gender below it names the column, not the group header's role.
          if ((roles[col] ?? null) !== null && !(subGender !== null && groupRole(roles[col]))) continue;
          const label = subLabel !== '' ? subLabel : text(row[col]);
          const gender = subGender ?? (label === '' ? null : this.mapping.gender(label));
          if (gender === null) continue;
          const dup = genderCols.find((g) => g.gender === gender);
          if (dup) {
            this.reject(
              `zwei Spalten für ${label} (${columnLetter(dup.col)} und ${columnLetter(col)})`,
              continuation ? i + 1 : i,
              col,
            );
          }
          genderCols.push({ col, gender, label: normalizeLabel(label) });
        }
        if (genderCols.length === 0) {
          this.reject(
            `keine Spalten für Insgesamt/Männer/Frauen gefunden (Kopfzeile: ${row.map(text).filter(Boolean).join(' | ')})`,
            i,
            null,
          );
        }
        // A group header column that holds figures is no key column of the rows.
        const figureCol = (c: number) => (genderCols.some((g) => g.col === c) ? -1 : c);
        if (figureCol(base.genderCol) >= 0) {
          this.reject(
            `Spalte '${text(row[base.genderCol])}' neben Spalten für Insgesamt/Männer/Frauen: unklar, welche das Geschlecht angibt`,
            i,
            base.genderCol,
          );
        }
        return {
          ...base,
          genderCol: figureCol(base.genderCol),
          indicatorCol: figureCol(base.indicatorCol),
          kind: 'rows',
          dataStart: i + (continuation ? 2 : 1),
          monthCol,
          genderCols,
          monthCols: [],
        };
      }
      const monthCols: Layout['monthCols'] = [];
      row.forEach((c, col) => {
        if ((roles[col] ?? null) !== null) return;
        const m = monthOfCell(c ?? null);
        if (m !== null) monthCols.push({ col, month: m, label: text(c ?? null) });
      });
      // Two months make a header; a single month only beside a region or gender column. A note
      // row with one month ("Datenstand; Juni 2024") above a months-as-rows table is no header,
      // nor is a BA table's "Merkmal; September 2024; Veränderung …" (its rows are indicators by
      // label, read by ba-table.ts when its metadata lines are there, else not at all).
      const single = base.keyCol >= 0 || base.nameCol >= 0 || base.genderCol >= 0;
      if (monthCols.length >= 2 || (monthCols.length === 1 && single)) {
        const seen = new Map<MonthIndex, number>();
        for (const m of monthCols) {
          const prev = seen.get(m.month);
          if (prev !== undefined)
            this.reject(
              `Monat '${m.label}' steht zweimal in der Kopfzeile (auch Spalte ${columnLetter(prev)})`,
              i,
              m.col,
            );
          seen.set(m.month, m.col);
        }
        return { ...base, kind: 'columns', dataStart: i + 1, monthCol: -1, genderCols: [], monthCols };
      }
    }
    return null;
  }

  /** Region from the subtitle rows above the header, e.g. "Jobcenter Kreis Segeberg (01060)". */
  private subtitleRegion(headerRow: number): { key: string; name: string } | null {
    for (let i = 0; i < headerRow; i++) {
      for (const c of this.sheet.rows[i] ?? []) {
        if (typeof c !== 'string') continue;
        const r = this.mapping.subtitleRegion(c);
        if (r) return r;
      }
    }
    return null;
  }

  private regionKey(c: Cell | undefined, i: number, col: number): string {
    if (typeof c === 'number') {
      // Excel turned '01060' into 1060: restore the leading zeros. Only whole numbers Excel holds
      // exactly (1.5E+300 or 9007199254740993 are no keys; their digits are not the ones typed).
      if (Number.isInteger(c) && c >= 0 && c < 1e12) {
        return String(c).padStart(this.mapping.regionKeyDigits, '0');
      }
      this.reject(
        `Zahl ${String(c)} ist kein Regionalschlüssel (erwartet z. B. 01060; lange Schlüssel bitte als Text)`,
        i,
        col,
      );
    }
    const key = parseFileRegionKey(text(c ?? null), this.mapping.regionKeyDigits);
    if (key === null)
      this.reject(`'${text(c ?? null)}' ist kein Regionalschlüssel (erwartet z. B. 01060)`, i, col);
    return key;
  }

  private value(
    c: Cell | undefined,
    i: number,
    col: number,
    what: string,
  ): { value: number; flag: ValueFlag | null; percent?: boolean } {
    if (typeof c === 'number') {
      if (!Number.isFinite(c)) this.reject(`${what}: keine gültige Zahl`, i, col);
      return { value: c, flag: null };
    }
    const t = text(c ?? null);
    if (t === '') {
      const merged = mergedFigureProblem(this.sheet, this.rowNo(i), col);
      this.reject(`${what}: ${merged ?? 'leere Zelle, erwartet eine Zahl oder *, -, X'}`, i, col);
    }
    const flag = parseMarker(t);
    if (flag !== null) return { value: 0, flag };
    const v = parseGermanNumber(t);
    if (Number.isNaN(v))
      this.reject(`${what}: '${t}' ist keine Zahl (erwartet z. B. 1.527 oder 14,7 oder *, -, X)`, i, col);
    return { value: v, flag: null, percent: t.includes('%') };
  }

  private push(
    region: number,
    indicator: number,
    gender: Gender,
    month: MonthIndex,
    v: { value: number; flag: ValueFlag | null; percent?: boolean },
    i: number,
    col: number,
  ): void {
    const pos = this.positions.length / 3;
    this.positions.push(this.sheetIdx, i, col);
    this.out.push(region, indicator, genderIndex(gender), month, v.value, v.flag, pos, v.percent === true);
  }

  private indicatorFromCell(c: Cell | undefined, i: number, col: number): IndicatorInfo {
    const t = text(c ?? null);
    const code = this.mapping.indicatorForLabel(t) ?? t;
    return this.catalog.resolve(code, { sheet: this.label, row: this.rowNo(i), column: columnLetter(col) });
  }

  /** The sheet's layout, its indicator (null: a column names it per row) and the subtitle region; null: not a data sheet. */
  private prepare(): SheetPlan | null {
    const rows = this.sheet.rows;
    const name = this.sheet.name;
    if (name !== null && this.mapping.isIgnoredSheet(name)) return null;
    let title = '';
    for (let i = 0; i < Math.min(3, rows.length) && title === ''; i++) title = firstText(rows[i] ?? []);
    const code =
      (name !== null ? this.mapping.indicatorForSheet(name) : null) ??
      (title ? this.mapping.indicatorForTitle(title) : null);
    const layout = this.layout();
    if (!layout) {
      if (code === null) return null; // a sheet of notes
      this.reject(
        `keine Kopfzeile gefunden: erwartet in den ersten ${this.mapping.headerSearchRows} Zeilen eine Zeile mit 'Berichtsmonat' (Monate als Zeilen) oder mit Monaten als Spalten`,
        null,
        null,
      );
    }
    if (code === null && layout.indicatorCol < 0) {
      this.reject(
        `keiner Kennzahl zugeordnet: ${name !== null ? `Blattname '${name}' und ` : ''}Titel '${title}' ${name !== null ? 'stehen' : 'steht'} nicht in data/ba-mapping.json (bekannt: ${this.mapping.knownSheets.join(', ')})`,
        null,
        null,
      );
    }
    const sheetIndicator =
      code === null
        ? null
        : this.out.indicatorOf(this.catalog.resolve(code, { sheet: this.label, row: 1, column: null }));
    const fallbackRegion = this.subtitleRegion(layout.headerRow);
    if (layout.keyCol < 0 && fallbackRegion === null) {
      this.reject(
        "keine Region: erwartet eine Spalte 'Regionalschlüssel' oder einen Untertitel wie 'Jobcenter Kreis Segeberg (01060)'",
        layout.headerRow,
        null,
      );
    }
    return { layout, sheetIndicator, fallbackRegion };
  }

  /** The region of data row i: its key column, else the sheet's subtitle. */
  private regionOfRow(plan: SheetPlan, i: number): number {
    const { layout, fallbackRegion } = plan;
    const key = layout.keyCol >= 0 ? keyCell(this.sheet, i, layout.keyCol) : undefined;
    if (layout.keyCol >= 0 && !isEmpty(key)) {
      const id = this.regionKey(key, i, layout.keyCol);
      const nm = layout.nameCol >= 0 ? text(keyCell(this.sheet, i, layout.nameCol) ?? null) : '';
      return this.out.regionOf(id, nm || (fallbackRegion?.key === id ? fallbackRegion.name : null), null, {
        sheet: this.label,
        row: this.rowNo(i),
        column: columnLetter(Math.max(0, layout.nameCol)),
      });
    }
    if (fallbackRegion === null) this.reject('Regionalschlüssel fehlt', i, layout.keyCol);
    return this.out.regionOf(fallbackRegion.key, fallbackRegion.name || null, null);
  }

  private indicatorOfRow(plan: SheetPlan, i: number): number {
    const col = plan.layout.indicatorCol;
    return (
      plan.sheetIndicator ?? this.out.indicatorOf(this.indicatorFromCell(keyCell(this.sheet, i, col), i, col))
    );
  }

  /** One data row; 'footer' when it turns out to be free text below the table. */
  private readRow(plan: SheetPlan, row: readonly Cell[], i: number, blankSeen: boolean): 'row' | 'footer' {
    const { layout } = plan;
    const lone = blankSeen && nonEmptyCount(row) === 1;
    if (layout.kind === 'rows') {
      const monthCell = keyCell(this.sheet, i, layout.monthCol);
      const month = monthOfCell(monthCell);
      if (month === null) {
        if (lone) return 'footer';
        this.reject(
          `'${text(monthCell ?? null)}' ist kein Monat (erwartet z. B. 'Januar 2024' oder '2024-01')`,
          i,
          layout.monthCol,
        );
      }
      const region = this.regionOfRow(plan, i);
      const ind = this.indicatorOfRow(plan, i);
      for (const g of layout.genderCols) {
        const v = this.value(row[g.col], i, g.col, this.headerLabel(layout.headerRow + 1, g.col) || g.label);
        this.push(region, ind, g.gender, month, v, i, g.col);
      }
      return 'row';
    }
    let gender: Gender = 'total';
    if (layout.genderCol >= 0) {
      const gCell = keyCell(this.sheet, i, layout.genderCol);
      const g = typeof gCell === 'string' ? this.mapping.gender(gCell) : null;
      if (g === null) {
        if (lone) return 'footer';
        this.reject(
          `'${text(gCell ?? null)}' ist kein Geschlecht (erwartet Insgesamt, Männer oder Frauen)`,
          i,
          layout.genderCol,
        );
      }
      gender = g;
    } else if (lone) {
      return 'footer';
    }
    const region = this.regionOfRow(plan, i);
    const ind = this.indicatorOfRow(plan, i);
    for (const m of layout.monthCols) {
      const v = this.value(row[m.col], i, m.col, m.label);
      this.push(region, ind, gender, m.month, v, i, m.col);
    }
    return 'row';
  }

  read(): boolean {
    const plan = this.prepare();
    if (plan === null) return false;
    const rows = this.sheet.rows;
    let blankSeen = false;
    let inFooter = false;
    let dataRows = 0;
    for (let i = plan.layout.dataStart; i < rows.length; i++) {
      const row = rows[i] ?? [];
      const filled = nonEmptyCount(row);
      if (filled === 0) {
        if (dataRows > 0) blankSeen = true;
        continue;
      }
      const first = firstText(row);
      if (this.mapping.isFooter(first)) {
        inFooter = true;
        continue;
      }
      if (inFooter) {
        if (filled <= 1) continue;
        this.reject(
          `unerwarteter Inhalt nach den Fußnoten: '${first}'`,
          i,
          row.findIndex((c) => !isEmpty(c)),
        );
      }
      if (this.readRow(plan, row, i, blankSeen) === 'footer') {
        inFooter = true; // free text below the table
        continue;
      }
      dataRows++;
    }
    if (dataRows === 0) this.reject('keine Datenzeilen unter der Kopfzeile', plan.layout.headerRow, null);
    return true;
  }
}

/** Parses every sheet of a BA-style workbook (or the one "sheet" of a BA-style CSV). */
export function parseBaSheets(
  sheets: readonly Sheet[],
  mapping: BaMapping,
  catalog: IndicatorCatalog,
  format: 'ba-xlsx' | 'ba-csv',
): ParsedFile {
  const positions: number[] = [];
  const out = new ObservationRows((pos, what) => {
    const sheet = sheets[positions[pos * 3] ?? 0];
    const i = positions[pos * 3 + 1] ?? 0;
    const col = positions[pos * 3 + 2] ?? 0;
    const shown = what === 'value' ? shownCell(sheet?.rows[i]?.[col]) : '';
    return {
      sheet: sheet?.name ?? null,
      row: sheet?.rowNumbers[i] ?? i + 1,
      column: columnLetter(col),
      ...(shown !== '' ? { text: shown } : {}),
    };
  });
  let used = 0;
  sheets.forEach((sheet, idx) => {
    if (new SheetReader(sheet, idx, mapping, catalog, out, positions).read()) used++;
  });
  if (used === 0 || out.length === 0) {
    throw new FileRejection(
      format === 'ba-csv'
        ? 'Format nicht erkannt: weder eine Kopfzeile region;region_name;month;indicator;gender;value;flag noch eine BA-Tabelle mit Berichtsmonat'
        : `keine Tabelle mit Daten gefunden (Blätter: ${sheets.map((s) => s.name).join(', ')}; bekannt: ${mapping.knownSheets.join(', ')}). Eine Tabelle mit den Spalten region;region_name;month;indicator;gender;value bitte als CSV speichern; andere Layouts ordnet der Zuordnungsassistent unter /importe zu.`,
    );
  }
  return { format, rows: out };
}
