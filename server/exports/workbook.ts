/** The workbook both XLSX exports write: one sheet, a bold frozen header row, notes under the rows. */
import type { Workbook, Worksheet } from 'exceljs';

/** A workbook with one sheet `name` whose first row (bold, frozen) holds the column headers. */
export async function sheetWithHeaders(
  name: string,
  title: string,
  columns: readonly { header: string; key?: string }[],
): Promise<{ wb: Workbook; ws: Worksheet }> {
  // Loaded on first use: exceljs is large, and most server processes never write a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Zielmonitor';
  wb.title = title;
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ ...c, width: Math.max(12, Math.min(40, c.header.length + 2)) }));
  ws.getRow(1).font = { bold: true };
  return { wb, ws };
}

/**
 * A month as a date cell (the 1st, UTC) shown as "September 2024" in a German Excel: a date
 * sorts and filters by time, a text "Dezember 2024" alphabetically before "Januar 2025".
 */
export const MONTH_FORMAT = 'mmmm yyyy';

export function monthDate(month: string): Date {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1));
}

/** A note under the rows (after an empty row, in italics); nothing for null. */
export function addNote(ws: Worksheet, note: string | null): void {
  if (!note) return;
  ws.addRow([]);
  ws.addRow([note]).font = { italic: true };
}

/** The file's bytes (exceljs types its Node Buffer as ArrayBuffer; a plain Uint8Array suits both). */
export async function workbookBytes(wb: Workbook): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
