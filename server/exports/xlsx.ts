/** XLSX export of the Monatswerte with typed numeric cells and German headers (exceljs). */
import type { MonthColumn, MonthRow } from '../goals/month-rows.js';
import { COLUMN_HEADERS, cellOf, type ExportRegion, exportNote, provisionalNote } from './columns.js';
import { addNote, MONTH_FORMAT, monthDate, sheetWithHeaders, workbookBytes } from './workbook.js';

const COUNT_FORMAT = '#,##0';
const PERCENT_FORMAT = '0.0';

export async function monthRowsToXlsx(
  rows: readonly MonthRow[],
  columns: readonly MonthColumn[],
  region: ExportRegion,
): Promise<Uint8Array<ArrayBuffer>> {
  const { wb, ws } = await sheetWithHeaders(
    'Monatswerte',
    `Monatswerte ${region.name}`,
    columns.map((c) => ({ header: COLUMN_HEADERS[c], key: c })),
  );
  for (const row of rows) {
    const cells = columns.map((c) => cellOf(row, c, region));
    const r = ws.addRow(columns.map((c, i) => (c === 'month' ? monthDate(row.month) : cells[i]?.value)));
    cells.forEach((cell, i) => {
      if (columns[i] === 'month') r.getCell(i + 1).numFmt = MONTH_FORMAT;
      else if (cell.kind === 'number') r.getCell(i + 1).numFmt = cell.percent ? PERCENT_FORMAT : COUNT_FORMAT;
    });
  }
  addNote(ws, provisionalNote(rows));
  const note = exportNote(region);
  if (note) wb.title = `${wb.title} (${note})`;
  addNote(ws, note);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, columns.length) } };
  return workbookBytes(wb);
}
