/**
 * The BA workbook "Eckwerte für Jobcenter" (`jc-eckwerte-t11522-0-202409-xlsx.xlsx`): about 21
 * sheets (Deckblatt, Impressum, Inhaltsverzeichnis, "1.1 Eckwerte", …). The sheets listed in
 * data/ba-mapping.json (`eckwerte.sheets`) are read: labels in column A with footnote markers,
 * category rows without a number, the figures in the column headed "Rechtskreis SGB II". Each
 * sheet states its own reference month (sections 3 and 4 lag the file's month by three to six
 * months): the month is read from the sheet, never from the file name. Rows the mapping does not
 * know are ignored.
 */

import { columnLetter } from '../core/spreadsheet.js';
import type { Sheet } from './ba.js';
import { checkRowLabel, isHeadingRow, LabelHierarchy, rowLabelAt } from './ba-table.js';
import type { BuildResult, PlacedCell } from './grid.js';
import { buildRows, cellText, isEmptyCell, isNumberCell, isProvisionalNote } from './grid.js';
import type { BaMapping } from './mapping.js';
import type { RegionResolver, ResolvedRegion } from './regions.js';
import type { IndicatorCatalog } from './rows.js';
import { FileRejection } from './types.js';
import { type MonthIndex, monthOfDateCell, normalizeLabel, parseMonthText } from './values.js';

const MONTH_IN_TEXT =
  /\b(Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\s+(\d{4})\b|\b(\d{1,2})\/(\d{4})\b/i;

/** A workbook of this kind: one of its sheets is named like the first sheet of `eckwerte.sheets`. */
export function isEckwerteWorkbook(sheets: readonly Sheet[], mapping: BaMapping): boolean {
  const main = normalizeLabel(mapping.eckwerte.sheets[0] ?? '');
  return sheets.some((s) => s.name !== null && normalizeLabel(s.name) === main);
}

/** Lines naming another date than the reference month (`Datenstand: September 2024`). */
const OTHER_DATE_LABEL =
  /^(?:datenstand|gebietsstand|erstellungsdatum|erstellt|stand|abrufdatum|veröffentlicht|veröffentlichung)(?:\s|$)/;

/** A month stated above a sheet's table. */
interface StatedMonth {
  month: MonthIndex;
  row: number;
  col: number;
  shown: string;
}

function monthInText(text: string): MonthIndex | null {
  const whole = parseMonthText(text.trim());
  if (whole !== null) return whole;
  const hit = MONTH_IN_TEXT.exec(text);
  if (!hit) return null;
  return hit[1] ? parseMonthText(`${hit[1]} ${hit[2]}`) : parseMonthText(`${hit[3]}/${hit[4]}`);
}

/**
 * The label a text cell starts with (`Berichtsmonat: Juni 2024`, `Datenstand:`, `Stand 18.09.2024`):
 * 'reference' for a month header of the mapping (Berichtsmonat, Monat, Berichtszeitraum), 'other'
 * for a date that is not the reference month; null for no known label. `rest` follows the label.
 */
function lineLabel(text: string, mapping: BaMapping): { kind: 'reference' | 'other'; rest: string } | null {
  const colon = text.indexOf(':');
  const key = colon > 0 && colon <= 40 ? text.slice(0, colon) : (text.split(/\s/, 1)[0] ?? '');
  const k = normalizeLabel(key);
  const kind = mapping.headerRole(k) === 'month' ? 'reference' : OTHER_DATE_LABEL.test(k) ? 'other' : null;
  return kind === null ? null : { kind, rest: text.slice(key.length).replace(/^\s*:?/, '') };
}

/**
 * The months stated in the rows above a sheet's table: those labelled as its reference month
 * (`Berichtsmonat: Juni 2024`, or `Berichtsmonat:` with the month in a cell to the right) and the
 * unlabelled ones (`Juni 2024`, a date cell). Months of a `Datenstand`, `Gebietsstand`,
 * `Erstellungsdatum` or `Stand` line are not the sheet's month and are left out.
 */
function statedMonths(sheet: Sheet, above: number, mapping: BaMapping) {
  const labelled: StatedMonth[] = [];
  const unlabelled: StatedMonth[] = [];
  for (let i = 0; i < above; i++) {
    const row = sheet.rows[i] ?? [];
    const rowNumber = sheet.rowNumbers[i] ?? i + 1;
    // The label of the cells to the right ('Berichtsmonat:' | 'Juni 2024').
    let kind: 'reference' | 'other' | null = null;
    for (let col = 0; col < row.length; col++) {
      const c = row[col];
      let month: MonthIndex | null = null;
      if (c instanceof Date) month = monthOfDateCell(c);
      else if (typeof c === 'string' && c.trim() !== '') {
        const label = lineLabel(c.trim(), mapping);
        if (label !== null) kind = label.kind;
        month = monthInText(label === null ? c : label.rest);
      }
      if (month === null || kind === 'other') continue;
      const seen = { month, row: rowNumber, col, shown: cellText(c) };
      (kind === 'reference' ? labelled : unlabelled).push(seen);
    }
  }
  return { labelled, unlabelled };
}

/** The reference month a sheet states above its table; two different ones are an error. */
function sheetMonth(sheet: Sheet, above: number, mapping: BaMapping): MonthIndex {
  const { labelled, unlabelled } = statedMonths(sheet, above, mapping);
  const stated = labelled.length > 0 ? labelled : unlabelled;
  const first = stated[0];
  if (first === undefined) {
    throw new FileRejection(
      'das Blatt nennt keinen Berichtsmonat in seinen ersten Zeilen (erwartet z. B. "Berichtsmonat: September 2024")',
      sheet.name,
    );
  }
  const other = stated.find((m) => m.month !== first.month);
  if (other !== undefined) {
    const cell = (m: StatedMonth) => `Zelle ${columnLetter(m.col)}${m.row} '${m.shown}'`;
    throw new FileRejection(
      `${labelled.length > 0 ? 'zwei verschiedene Berichtsmonate' : "kein 'Berichtsmonat: …' und zwei verschiedene Monate über der Tabelle"}: ${cell(first)} und ${cell(other)}`,
      sheet.name,
      other.row,
      columnLetter(other.col),
    );
  }
  return first.month;
}

/** The region named on the sheet or the Deckblatt (`Segeberg, JC`, `t11522`), else in the file name. */
function findRegion(sheets: readonly Sheet[], fileName: string, resolver: RegionResolver): ResolvedRegion {
  for (const sheet of sheets) {
    for (const row of sheet.rows.slice(0, 12)) {
      for (const c of row) {
        if (typeof c !== 'string' || !/\bt\d{5}\b|,\s*JC\b|^Jobcenter\b/i.test(c)) continue;
        const label = c.replace(/^Jobcenter:?\s*/i, '');
        const r = resolver.byLabel(label);
        if (r) return r.name === null ? { ...r, name: label.trim() } : r;
      }
    }
  }
  const fromName = /\bt\d{5}\b/i.exec(fileName);
  if (fromName) return resolver.byKey(fromName[0].toLowerCase());
  throw new FileRejection(
    'kein Jobcenter gefunden: weder das Deckblatt noch die Blätter noch der Dateiname nennen eines (erwartet z. B. "Segeberg, JC" oder t11522)',
  );
}

function placeSheet(
  sheet: Sheet,
  region: ResolvedRegion,
  mapping: BaMapping,
): { cells: PlacedCell[]; note: boolean } {
  const wanted = new Set(mapping.eckwerte.valueColumn.map(normalizeLabel));
  let headerIndex = -1;
  let valueCol = -1;
  for (let i = 0; i < Math.min(sheet.rows.length, mapping.headerSearchRows) && valueCol < 0; i++) {
    const row = sheet.rows[i] ?? [];
    const c = row.findIndex((cell) => wanted.has(normalizeLabel(cellText(cell))));
    if (c > 0) {
      headerIndex = i;
      valueCol = c;
    }
  }
  if (valueCol < 0) {
    throw new FileRejection(
      `keine Spalte ${mapping.eckwerte.valueColumn.map((l) => `'${l}'`).join(' oder ')} in den ersten ${mapping.headerSearchRows} Zeilen`,
      sheet.name,
    );
  }
  // The month is stated above the table, where the metadata lines are.
  const month = sheetMonth(sheet, headerIndex, mapping);
  const note = sheet.rows.some((r) => r.some((c) => typeof c === 'string' && isProvisionalNote(c)));
  const hierarchy = new LabelHierarchy(mapping, sheet.name);
  const cells: PlacedCell[] = [];
  for (let i = headerIndex + 1; i < sheet.rows.length; i++) {
    const row = sheet.rows[i] ?? [];
    const value = row[valueCol];
    const label = rowLabelAt(sheet, i, valueCol, mapping);
    if (label.label.startsWith('©') || mapping.isFooter(label.label)) continue;
    checkRowLabel(sheet, i, label, isNumberCell(value) ? valueCol : -1, mapping);
    if (label.label === '' && label.gender === null) continue;
    const at = { row: sheet.rowNumbers[i] ?? i + 1, heading: isHeadingRow(row, label) };
    const placed = hierarchy.placeRow(label, isNumberCell(value), at);
    if (placed === null || isEmptyCell(value)) continue;
    cells.push({
      region,
      ...placed,
      month,
      cell: value ?? null,
      sheet: sheet.name,
      row: sheet.rowNumbers[i] ?? i + 1,
      col: valueCol,
      provisional: false,
    });
  }
  return { cells, note };
}

export function parseEckwerte(
  sheets: readonly Sheet[],
  fileName: string,
  mapping: BaMapping,
  resolver: RegionResolver,
  catalog: IndicatorCatalog,
  collect = false,
): BuildResult {
  const region = findRegion(sheets, fileName, resolver);
  const wanted = mapping.eckwerte.sheets.map(normalizeLabel);
  const cells: PlacedCell[] = [];
  const noted: PlacedCell[] = [];
  for (const sheet of sheets) {
    if (sheet.name === null || !wanted.includes(normalizeLabel(sheet.name))) continue;
    const placed = placeSheet(sheet, region, mapping);
    // A sheet holds one month: its note marks its stocks, whatever the other sheets' months.
    for (const c of placed.cells) (placed.note ? noted : cells).push(c);
  }
  if (cells.length + noted.length === 0) {
    throw new FileRejection(
      `keine bekannte Zeile in den Blättern ${mapping.eckwerte.sheets.map((s) => `'${s}'`).join(', ')} (Spalte ${columnLetter(0)}, siehe rowLabels in data/ba-mapping.json)`,
    );
  }
  for (const c of noted) cells.push({ ...c, provisional: true });
  return buildRows(cells, catalog, {
    collect,
    note: false,
    edgeMonths: mapping.provisionalEdgeMonths,
    sheets,
  });
}
