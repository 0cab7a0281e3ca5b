/**
 * The BA statistics table as its table service exports it (CSV or xlsx):
 *
 *   Land:; Schleswig-Holstein            metadata `Key:; value` until a blank line
 *   Berichtsmonat:; September 2024
 *   Hinweis:; Am aktuellen Rand werden vorläufige Daten ausgewiesen.
 *
 *   Ausgewählte Merkmale;September 2024;August 2024;September 2023;Veränderung …;
 *   Erwerbsfähige Leistungsberechtigte;10.585,41;10.570,02;10.101,00;484,41;
 *   Frauen;4.942,10;…                    a gender row belongs to the indicator row above it
 *   © Statistik der Bundesagentur für Arbeit
 *
 * or, the time-series variant, a header starting with `Berichtsmonat` and months down the rows.
 * The region comes from the metadata (`Jobcenter:; Segeberg, JC`), never from a column.
 */
import type { ImportLimits } from '../core/limits.js';
import { columnLetter } from '../core/spreadsheet.js';
import type { Gender } from '../server/domain/types.js';
import { type Cell, keyCell, mergedAt, type Sheet } from './ba.js';
import { CsvReader } from './csv.js';
import type { BuildResult, PlacedCell } from './grid.js';
import {
  buildRows,
  cellMonth,
  cellText,
  isEmptyCell,
  isNumberCell,
  isProvisionalNote,
  startsWithMonth,
} from './grid.js';
import { type BaMapping, rowLabelKey } from './mapping.js';
import type { RegionResolver, ResolvedRegion } from './regions.js';
import type { IndicatorCatalog } from './rows.js';
import { FileRejection } from './types.js';
import { type MonthIndex, normalizeLabel } from './values.js';

const META_LINE = /^\s*"?[\p{L}][\p{L} .()/-]{0,40}:"?\s*;/u;

/** Title lines the BA may put above the metadata (`Grundsicherung für Arbeitsuchende …`). */
const MAX_TITLE_ROWS = 2;

/**
 * A text whose first non-empty line is a metadata line `Key:; value` (a BA table as CSV), or
 * whose one or two title lines (text in the first field only) are followed by one.
 */
export function looksLikeBaTableText(text: string): boolean {
  const head = text.slice(0, 2000).replace(/^\uFEFF/, '');
  const lines = head.split(/\r?\n|\r/).filter((l) => l.trim() !== '');
  for (let i = 0; i <= MAX_TITLE_ROWS && i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (META_LINE.test(line)) return true;
    if (!/^[^;]*;*\s*$/.test(line)) return false; // not a title line
  }
  return false;
}

function isMetaRow(row: readonly Cell[] | undefined): boolean {
  if (!row) return false;
  const key = cellText(row[0]);
  return key.length > 1 && key.length <= 42 && key.endsWith(':') && !isEmptyCell(row[1]);
}

function rowIsBlank(row: readonly Cell[] | undefined): boolean {
  return !row || row.every((c) => isEmptyCell(c));
}

function isTitleRow(row: readonly Cell[] | undefined): boolean {
  return row !== undefined && !isEmptyCell(row[0]) && row.every((c, k) => k === 0 || isEmptyCell(c));
}

/**
 * The index of a sheet's first metadata row: after blank rows and at most two title rows right
 * above it; -1 when the sheet does not start that way.
 */
function metadataStart(sheet: Sheet): number {
  const first = sheet.rows.findIndex((r) => !rowIsBlank(r));
  if (first < 0) return -1;
  for (let i = first; i <= first + MAX_TITLE_ROWS && i < sheet.rows.length; i++) {
    if (isMetaRow(sheet.rows[i])) return i;
    if (!isTitleRow(sheet.rows[i])) return -1;
  }
  return -1;
}

/** A sheet that starts (after blank rows and title rows) with a metadata line. */
export function isBaTableSheet(sheet: Sheet): boolean {
  return metadataStart(sheet) >= 0;
}

/** The rows of a BA table saved as CSV (`;`, or tab). */
export function csvSheet(text: string, limits?: ImportLimits): Sheet {
  const head = text.split('\n', 30).join('\n');
  const reader = new CsvReader(text, head.includes(';') ? ';' : head.includes('\t') ? '\t' : ',', limits);
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    rows.push(fields);
    rowNumbers.push(reader.line);
  }
  return { name: null, rows, rowNumbers };
}

/** The label of a data row and the gender label beside it. */
export interface RowLabel {
  label: string;
  /** The label comes from a merged range above the row (the cell itself is empty). */
  merged: boolean;
  gender: string | null;
}

/**
 * The label of data row i as Excel shows it, in column A (a label merged down over rows names each
 * of them), and a gender label beside it in the columns before the first figure
 * (`Erwerbsfähige Leistungsberechtigte | Frauen | 4.942`), if any.
 */
export function rowLabelAt(sheet: Sheet, i: number, firstFigure: number, mapping: BaMapping): RowLabel {
  const own = cellText(sheet.rows[i]?.[0]);
  const label = own !== '' ? own : cellText(keyCell(sheet, i, 0));
  let gender: string | null = null;
  for (let c = 1; c < firstFigure && gender === null; c++) {
    const t = cellText(keyCell(sheet, i, c));
    if (t !== '' && mapping.gender(rowLabelKey(t)) !== null) gender = t;
  }
  return { label, merged: own === '' && label !== '', gender };
}

/**
 * A row with figures the readers cannot place is refused, never skipped: an empty label, or a
 * label merged down over a row that names no gender (its figure would be a second total).
 * `figureCol`: a column of the row holding a number or marker, or -1 (a sub-header row `absolut`).
 */
export function checkRowLabel(
  sheet: Sheet,
  i: number,
  row: RowLabel,
  figureCol: number,
  mapping: BaMapping,
): void {
  if (figureCol < 0 || row.gender !== null) return;
  const rowNumber = sheet.rowNumbers[i] ?? i + 1;
  if (row.label === '') {
    throw new FileRejection(
      `Zelle A${rowNumber} ist leer, aber Zelle ${columnLetter(figureCol)}${rowNumber} hat eine Zahl: jede Zeile mit Zahlen braucht ihre Beschriftung (z. B. 'Frauen')`,
      sheet.name,
      rowNumber,
      'A',
    );
  }
  if (row.merged && mapping.rowIndicator(row.label) !== null) {
    const master = mergedAt(sheet, rowNumber, 0)?.master ?? 'A';
    throw new FileRejection(
      `Zelle A${rowNumber}: mit ${master} verbunden ('${row.label}'), aber die Zeile nennt kein Geschlecht (erwartet Insgesamt, Frauen oder Männer in einer Spalte vor der Zahl); Zellverbund in Excel aufheben oder das Geschlecht daneben angeben`,
      sheet.name,
      rowNumber,
      'A',
    );
  }
}

/** Where a data row sits: its number, and whether it holds nothing but its label (a heading). */
export interface RowPlace {
  row: number;
  heading: boolean;
}

type Placed = { indicator: string; gender: Gender } | null;

/**
 * Reads indicator and gender from labels by position: an indicator label starts a block, a gender
 * label below it belongs to it, anything else ends the block (its gender rows are someone else's).
 * A heading row naming a sub-population (`Ausländer`, `unter 25 Jahre`: subPopulations in the
 * mapping) starts rows that are that group's, not the totals: its indicator rows are skipped until
 * a heading that is none (`Insgesamt`). An indicator repeated after another heading is refused.
 */
export class LabelHierarchy {
  private current: string | null = null;
  /** The label that opened the current block, normalised (a label repeated on its gender rows). */
  private currentLabel = '';
  /** The sub-population heading whose rows are being skipped. */
  private subPopulation: string | null = null;
  /** The last heading that is no sub-population, for the message on a repeated indicator. */
  private lastHeading: { label: string; row: number } | null = null;
  /** The row each indicator was first read at as a total. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly mapping: BaMapping,
    private readonly sheet: string | null = null,
  ) {}

  /** `at`: the data row (header columns of the time series have none: no headings, no repeats). */
  place(label: string, hasNumbers: boolean, at?: RowPlace): Placed {
    const code = this.mapping.rowIndicator(label);
    if (code !== null) return this.open(code, label, at);
    const gender = this.mapping.gender(rowLabelKey(label));
    if (gender !== null) {
      // "Insgesamt" as a heading: the totals follow.
      if (at?.heading === true && gender === 'total') this.subPopulation = null;
      return this.current === null ? null : { indicator: this.current, gender };
    }
    // A sub-heading without numbers ("darunter nach Geschlecht:") keeps the block open.
    if (!hasNumbers && /^(darunter|davon|nach)\b/.test(normalizeLabel(label))) return null;
    if (at?.heading === true) {
      const sub = this.mapping.isSubPopulation(label);
      this.subPopulation = sub ? label : null;
      if (!sub) this.lastHeading = { label, row: at.row };
    }
    this.current = null;
    this.currentLabel = '';
    return null;
  }

  private open(code: string, label: string, at: RowPlace | undefined): Placed {
    this.currentLabel = normalizeLabel(label);
    if (this.subPopulation !== null) {
      this.current = null;
      return null;
    }
    const first = this.seen.get(code);
    const heading = this.lastHeading;
    if (at !== undefined && first !== undefined && heading !== null && heading.row > first) {
      throw new FileRejection(
        `'${label}' steht zum zweiten Mal (zuerst in Zeile ${first}), jetzt unter '${heading.label}' (Zeile ${heading.row}): Zeilen unter einer Teilgruppe sind nicht die Zahlen insgesamt. Ist '${heading.label}' eine Teilgruppe, bitte in subPopulations in data/ba-mapping.json aufnehmen`,
        this.sheet,
        at.row,
        'A',
      );
    }
    if (at !== undefined && first === undefined) this.seen.set(code, at.row);
    this.current = code;
    return { indicator: code, gender: 'total' };
  }

  /**
   * A data row with its label and a gender beside it: the label (repeated, merged down or only
   * on the first row) names the block, the gender cell the row's gender.
   */
  placeRow(row: RowLabel, hasNumbers: boolean, at: RowPlace): Placed {
    if (row.gender === null) return this.place(row.label, hasNumbers, at);
    if (row.label !== '' && normalizeLabel(row.label) !== this.currentLabel)
      this.place(row.label, hasNumbers, at);
    const gender = this.mapping.gender(rowLabelKey(row.gender));
    return this.current === null || gender === null ? null : { indicator: this.current, gender };
  }
}

/** A row holding nothing but its own label in column A (a heading like `Ausländer`). */
export function isHeadingRow(row: readonly Cell[], label: RowLabel): boolean {
  return label.label !== '' && !label.merged && row.every((c, k) => k === 0 || isEmptyCell(c));
}

interface Table {
  sheet: Sheet;
  meta: Map<string, { value: string; row: number }>;
  headerIndex: number;
  note: boolean;
}

function readMetadata(sheet: Sheet): Table {
  const meta = new Map<string, { value: string; row: number }>();
  let i = Math.max(0, metadataStart(sheet));
  for (; i < sheet.rows.length && isMetaRow(sheet.rows[i]); i++) {
    const row = sheet.rows[i] ?? [];
    const key = normalizeLabel(cellText(row[0]).replace(/:$/, ''));
    meta.set(key, { value: cellText(row[1]), row: sheet.rowNumbers[i] ?? i + 1 });
  }
  while (i < sheet.rows.length && rowIsBlank(sheet.rows[i])) i++;
  if (i >= sheet.rows.length) {
    throw new FileRejection('nach den Kopfzeilen (Schlüssel:; Wert) folgt keine Tabelle', sheet.name);
  }
  const note = sheet.rows.some((r) => r.some((c) => typeof c === 'string' && isProvisionalNote(c)));
  return { sheet, meta, headerIndex: i, note };
}

function resolveRegion(t: Table, mapping: BaMapping, resolver: RegionResolver): ResolvedRegion {
  for (const key of mapping.regionMetadata) {
    const line = t.meta.get(normalizeLabel(key));
    if (!line) continue;
    const region = resolver.byLabel(line.value);
    if (region === null) {
      throw new FileRejection(
        `Region '${line.value}' ist weder eine bekannte Region noch im Jobcenter-Verzeichnis (erwartet z. B. 'Segeberg, JC', 't11522' oder '01060')`,
        t.sheet.name,
        line.row,
        'B',
      );
    }
    return region.name === null ? { ...region, name: line.value } : region;
  }
  throw new FileRejection(
    `keine Region in den Kopfzeilen (erwartet eine Zeile ${mapping.regionMetadata.map((k) => `'${k}:'`).join(', ')})`,
    t.sheet.name,
    t.sheet.rowNumbers[0] ?? 1,
    'A',
  );
}

function isFooterRow(row: readonly Cell[], mapping: BaMapping): boolean {
  const first = cellText(row.find((c) => !isEmptyCell(c)));
  return first.startsWith('©') || mapping.isFooter(first);
}

/** Months across the header: each month column (change columns are no months and are skipped). */
function monthsAcross(t: Table, region: ResolvedRegion, mapping: BaMapping): PlacedCell[] {
  const { sheet } = t;
  const header = sheet.rows[t.headerIndex] ?? [];
  const cols: { col: number; month: MonthIndex }[] = [];
  for (let c = 1; c < header.length; c++) {
    const label = cellText(header[c]);
    if (/^veränderung/i.test(label)) continue;
    const month = cellMonth(header[c]);
    if (month !== null) cols.push({ col: c, month });
    else if (startsWithMonth(label)) {
      throw new FileRejection(
        `Kopfzeile: '${label}' ist als Monat nicht lesbar (erwartet z. B. "September 2024", auch mit Fußnoten wie "September 2024 1)")`,
        sheet.name,
        sheet.rowNumbers[t.headerIndex] ?? t.headerIndex + 1,
        columnLetter(c),
      );
    }
  }
  if (cols.length === 0) {
    throw new FileRejection(
      'die Kopfzeile der Tabelle nennt keinen Monat (erwartet z. B. "Ausgewählte Merkmale;September 2024;…")',
      sheet.name,
      sheet.rowNumbers[t.headerIndex] ?? null,
    );
  }
  const hierarchy = new LabelHierarchy(mapping, sheet.name);
  const out: PlacedCell[] = [];
  const firstFigure = Math.min(...cols.map(({ col }) => col));
  for (let i = t.headerIndex + 1; i < sheet.rows.length; i++) {
    const row = sheet.rows[i] ?? [];
    if (rowIsBlank(row)) continue;
    if (isFooterRow(row, mapping)) break;
    const hasNumbers = cols.some(({ col }) => isNumberCell(row[col]));
    const label = rowLabelAt(sheet, i, firstFigure, mapping);
    checkRowLabel(sheet, i, label, cols.find(({ col }) => isNumberCell(row[col]))?.col ?? -1, mapping);
    const rowNumber = sheet.rowNumbers[i] ?? i + 1;
    const placed = hierarchy.placeRow(label, hasNumbers, {
      row: rowNumber,
      heading: isHeadingRow(row, label),
    });
    // A category row carries no number: it only opens a block.
    if (placed === null || cols.every(({ col }) => isEmptyCell(row[col]))) continue;
    for (const { col, month } of cols) {
      out.push({
        region,
        ...placed,
        month,
        cell: row[col] ?? null,
        sheet: sheet.name,
        row: rowNumber,
        col,
        provisional: false,
      });
    }
  }
  return out;
}

interface SeriesColumn {
  col: number;
  indicator: string;
  gender: Gender;
}

/**
 * The series of a time-series header: one row of indicator/gender labels, or two (an indicator
 * over its Insgesamt/Frauen/Männer columns; an empty sub-header under the indicator is its total).
 * A column with no header text at all (the empty field after the BA's trailing `;`) is no series.
 */
function seriesColumns(
  header: readonly Cell[],
  below: readonly Cell[],
  twoRows: boolean,
  mapping: BaMapping,
): SeriesColumn[] {
  const series: SeriesColumn[] = [];
  const hierarchy = new LabelHierarchy(mapping);
  let top: string | null = null;
  const width = Math.max(header.length, twoRows ? below.length : 0);
  for (let c = 1; c < width; c++) {
    if (twoRows) {
      const topEmpty = isEmptyCell(header[c]);
      if (!topEmpty) top = mapping.rowIndicator(cellText(header[c]));
      if (topEmpty && isEmptyCell(below[c])) continue;
      const gender = isEmptyCell(below[c]) ? 'total' : mapping.gender(rowLabelKey(cellText(below[c])));
      if (top !== null && gender !== null) series.push({ col: c, indicator: top, gender });
    } else {
      const placed = hierarchy.place(cellText(header[c]), true);
      if (placed) series.push({ col: c, ...placed });
    }
  }
  return series;
}

/**
 * A figure in a column without any header text is refused: it cannot be read, and skipping it
 * would store the file without it.
 */
function checkUnnamedColumns(t: Table, i: number, twoRows: boolean): void {
  const { sheet } = t;
  const header = sheet.rows[t.headerIndex] ?? [];
  const below = twoRows ? (sheet.rows[t.headerIndex + 1] ?? []) : [];
  const row = sheet.rows[i] ?? [];
  for (let c = 1; c < row.length; c++) {
    if (isEmptyCell(row[c]) || !isEmptyCell(header[c]) || !isEmptyCell(below[c])) continue;
    throw new FileRejection(
      `Zelle ${columnLetter(c)}${sheet.rowNumbers[i] ?? i + 1}: '${cellText(row[c])}' steht in einer Spalte ohne Überschrift (keine Überschrift in der Kopfzeile, daher keiner Kennzahl zuzuordnen)`,
      sheet.name,
      sheet.rowNumbers[i] ?? i + 1,
      columnLetter(c),
    );
  }
}

/** The time-series variant: `Berichtsmonat` heads the first column, series run across. */
function monthsDown(t: Table, region: ResolvedRegion, mapping: BaMapping): PlacedCell[] {
  const { sheet } = t;
  const header = sheet.rows[t.headerIndex] ?? [];
  const below = sheet.rows[t.headerIndex + 1] ?? [];
  // A second header row (empty first cell, gender labels) splits each indicator into genders.
  const twoRows =
    isEmptyCell(below[0]) && below.some((c) => mapping.gender(rowLabelKey(cellText(c))) !== null);
  const series = seriesColumns(header, below, twoRows, mapping);
  const out: PlacedCell[] = [];
  for (let i = t.headerIndex + (twoRows ? 2 : 1); i < sheet.rows.length; i++) {
    const row = sheet.rows[i] ?? [];
    if (rowIsBlank(row)) continue;
    if (isFooterRow(row, mapping)) break;
    const rowNumber = sheet.rowNumbers[i] ?? i + 1;
    const month = cellMonth(row[0]);
    if (month === null) {
      throw new FileRejection(
        `'${cellText(row[0])}' ist kein Monat (erwartet z. B. September 2024)`,
        sheet.name,
        rowNumber,
        'A',
      );
    }
    checkUnnamedColumns(t, i, twoRows);
    for (const s of series) {
      out.push({
        region,
        indicator: s.indicator,
        gender: s.gender,
        month,
        cell: row[s.col] ?? null,
        sheet: sheet.name,
        row: rowNumber,
        col: s.col,
        provisional: false,
      });
    }
  }
  return out;
}

/** Places the cells of a BA statistics table (either variant). */
export function placeBaTable(
  sheet: Sheet,
  mapping: BaMapping,
  resolver: RegionResolver,
): { cells: PlacedCell[]; note: boolean } {
  const t = readMetadata(sheet);
  const region = resolveRegion(t, mapping, resolver);
  const first = normalizeLabel(cellText((sheet.rows[t.headerIndex] ?? [])[0]));
  const cells = first.startsWith('berichtsmonat')
    ? monthsDown(t, region, mapping)
    : monthsAcross(t, region, mapping);
  return { cells, note: t.note };
}

export function parseBaTable(
  sheets: readonly Sheet[],
  mapping: BaMapping,
  resolver: RegionResolver,
  catalog: IndicatorCatalog,
  collect = false,
): BuildResult {
  const cells: PlacedCell[] = [];
  let note = false;
  for (const sheet of sheets) {
    if (!isBaTableSheet(sheet)) continue;
    const placed = placeBaTable(sheet, mapping, resolver);
    cells.push(...placed.cells);
    note ||= placed.note;
  }
  if (cells.length === 0) {
    throw new FileRejection(
      'die Tabelle enthält keine bekannte Zeile (erwartet z. B. "Erwerbsfähige Leistungsberechtigte", "Langzeitleistungsbezieher"; siehe rowLabels in data/ba-mapping.json)',
    );
  }
  return buildRows(cells, catalog, { collect, note, edgeMonths: mapping.provisionalEdgeMonths, sheets });
}
