/** CSV and XLSX of the Planwerte (the series of the plan goals by month), like the Monatswerte export. */
import { formatMonth } from '../../core/format.js';
import type { PlanMonths } from '../goals/plan-rows.js';
import { type ExportRegion, exportNote } from './columns.js';
import { csvNumber, neutraliseFormula } from './csv.js';
import { addNote, MONTH_FORMAT, monthDate, sheetWithHeaders, workbookBytes } from './workbook.js';

const UNIT_SUFFIX: Record<string, string> = { eur: ' (€)', places: ' (Plätze)' };

function headers(data: PlanMonths): string[] {
  return ['Region', 'Monat', ...data.columns.map((c) => `${c.name} (${c.code})${UNIT_SUFFIX[c.unit] ?? ''}`)];
}

function quote(s: string): string {
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function planRowsToCsv(data: PlanMonths, region: ExportRegion): string {
  const lines = [headers(data).map(quote).join(';')];
  for (const row of data.rows) {
    const cells = [quote(neutraliseFormula(region.name)), formatMonth(row.month)];
    for (const c of data.columns) {
      const v = row.values[c.code];
      cells.push(
        v === null || v === undefined ? quote(neutraliseFormula(row.flags[c.code] ?? '')) : csvNumber(v),
      );
    }
    lines.push(cells.join(';'));
  }
  const note = exportNote(region);
  if (note) lines.push('', quote(neutraliseFormula(note)));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function planRowsToXlsx(
  data: PlanMonths,
  region: ExportRegion,
): Promise<Uint8Array<ArrayBuffer>> {
  const { wb, ws } = await sheetWithHeaders(
    'Planwerte',
    `Planwerte ${region.name}`,
    headers(data).map((header) => ({ header })),
  );
  for (const row of data.rows) {
    const r = ws.addRow([
      region.name,
      monthDate(row.month),
      ...data.columns.map((c) => row.values[c.code] ?? row.flags[c.code] ?? ''),
    ]);
    r.getCell(2).numFmt = MONTH_FORMAT;
    data.columns.forEach((c, i) => {
      if (typeof row.values[c.code] === 'number')
        r.getCell(i + 3).numFmt = c.unit === 'eur' ? '#,##0.00' : '#,##0';
    });
  }
  addNote(ws, exportNote(region));
  return workbookBytes(wb);
}

/** A safe download name for the Planwerte export. */
export function planExportFileName(regionId: string, ext: 'csv' | 'xlsx', sample: boolean): string {
  const base = ['zielmonitor-planwerte', regionId, sample ? 'beispieldaten' : undefined]
    .filter((p): p is string => p !== undefined)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 120);
  return `${base}.${ext}`;
}
