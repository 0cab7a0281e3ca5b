/** XLSX export of the Monatswerte with typed numeric cells and German headers (exceljs). */
import type { MonthColumn, MonthRow } from '../goals/month-rows.js';
import { COLUMN_HEADERS, cellOf, type ExportRegion, exportNote, provisionalNote } from './columns.js';

const COUNT_FORMAT = '#,##0';
const PERCENT_FORMAT = '0.0';

export async function monthRowsToXlsx(
  rows: readonly MonthRow[],
  columns: readonly MonthColumn[],
  region: ExportRegion,
): Promise<Uint8Array<ArrayBuffer>> {
  // Loaded on first use: exceljs is large, and most server processes never write a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Zielmonitor';
  wb.title = `Monatswerte ${region.name}`;
  const ws = wb.addWorksheet('Monatswerte', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    header: COLUMN_HEADERS[c],
    key: c,
    width: Math.max(12, Math.min(40, COLUMN_HEADERS[c].length + 2)),
  }));
  ws.getRow(1).font = { bold: true };
  for (const row of rows) {
    const cells = columns.map((c) => cellOf(row, c, region));
    const r = ws.addRow(cells.map((cell) => cell.value));
    cells.forEach((cell, i) => {
      if (cell.kind === 'number') r.getCell(i + 1).numFmt = cell.percent ? PERCENT_FORMAT : COUNT_FORMAT;
    });
  }
  const provisional = provisionalNote(rows);
  if (provisional) {
    ws.addRow([]);
    ws.addRow([provisional]).font = { italic: true };
  }
  const note = exportNote(region);
  if (note) {
    wb.title = `${wb.title} (${note})`;
    ws.addRow([]);
    ws.addRow([note]).font = { italic: true };
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, columns.length) } };
  const buf = await wb.xlsx.writeBuffer();
  // exceljs types its Node Buffer as ArrayBuffer; copying into a plain Uint8Array suits both.
  return new Uint8Array(buf);
}
