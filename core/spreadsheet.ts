/** Spreadsheet addressing shared by the import parsers and the import wizard's grid. */

/** Spreadsheet column letters for a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index0: number): string {
  let n = index0 + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Where in a file something lies: the file (when named), the sheet, the row and the column. */
export interface CellPlace {
  file?: string;
  sheet: string | null;
  row: number | null;
  column: string | null;
}

/**
 * A place in German, as the product names it everywhere. `log` (the run log, the CLI, e-mails):
 * "Datei a.xlsx, Blatt 'Daten', Zeile 4, Spalte 'Wert'"; `answer` (HTTP answers and the wizard,
 * about the file just sent): "a.xlsx, Blatt Daten, Zeile 4, Spalte Wert".
 */
export function placeText(p: CellPlace, style: 'log' | 'answer'): string {
  const quote = (s: string) => (style === 'log' ? `'${s}'` : s);
  const parts: string[] = [];
  if (p.file !== undefined) parts.push(style === 'log' ? `Datei ${p.file}` : p.file);
  if (p.sheet) parts.push(`Blatt ${quote(p.sheet)}`);
  if (p.row !== null) parts.push(`Zeile ${p.row}`);
  if (p.column) parts.push(`Spalte ${quote(p.column)}`);
  return parts.join(', ');
}
