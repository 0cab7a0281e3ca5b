/** Turns an xlsx workbook (exceljs) or a BA-layout CSV into sheets of plain cells for ba.ts. */
import { type Cell, parseBaSheets, type Sheet } from './ba.js';
import { CsvReader, type Separator } from './csv.js';
import { loadMapping } from './mapping.js';
import type { ParseContext, ParsedFile } from './rows.js';
import { FileRejection } from './types.js';

function plain(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) {
      return v.richText
        .map((r: unknown) => (typeof r === 'object' && r !== null && 'text' in r ? String(r.text) : ''))
        .join('');
    }
    if ('result' in v) return plain(v.result); // formula: its cached result
    if ('formula' in v || 'sharedFormula' in v) return null;
    if ('text' in v) return plain(v.text); // hyperlink
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

export async function readWorkbook(bytes: Uint8Array): Promise<Sheet[]> {
  // exceljs (~28 MB resident) is loaded with the first workbook, not with the server: BA-layout
  // CSV files and canonical CSV never need it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    await wb.xlsx.load(copy);
  } catch (e) {
    throw new FileRejection(`keine lesbare .xlsx-Datei: ${e instanceof Error ? e.message : String(e)}`);
  }
  const sheets: Sheet[] = [];
  wb.eachSheet((ws) => {
    const rows: Cell[][] = [];
    const rowNumbers: number[] = [];
    const last = ws.rowCount;
    for (let r = 1; r <= last; r++) {
      const row = ws.getRow(r);
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        // Merged cells: only the top-left one carries the value.
        cells[col - 1] = cell.type === ExcelJS.ValueType.Merge ? null : plain(cell.value);
      });
      for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
      rows.push(cells);
      rowNumbers.push(r);
    }
    sheets.push({ name: ws.name, rows, rowNumbers });
  });
  return sheets;
}

export async function parseBaWorkbook(bytes: Uint8Array, ctx: ParseContext): Promise<ParsedFile> {
  const sheets = await readWorkbook(bytes);
  return parseBaSheets(sheets, await loadMapping(ctx.mappingPath), ctx.catalog, 'ba-xlsx');
}

/** A BA-layout table saved as CSV: the separator is the one most frequent in the first lines. */
export async function parseBaCsv(text: string, ctx: ParseContext): Promise<ParsedFile> {
  // German spreadsheet CSV uses ';' (the comma is the decimal sign); else tab, else comma.
  const head = text.split('\n', 30).join('\n');
  const sep: Separator = head.includes(';') ? ';' : head.includes('\t') ? '\t' : ',';
  const reader = new CsvReader(text, sep);
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    rows.push(fields);
    rowNumbers.push(reader.line);
  }
  return parseBaSheets(
    [{ name: null, rows, rowNumbers }],
    await loadMapping(ctx.mappingPath),
    ctx.catalog,
    'ba-csv',
  );
}
