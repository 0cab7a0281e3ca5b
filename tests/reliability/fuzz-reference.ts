/**
 * Independent, deliberately simple readers of the seed layouts used by the fuzz test. When the
 * ETL accepts a mutated file, these say what the file really contains, so the test can check
 * that exactly those values landed in the database. They are NOT the ETL's parsers: they know
 * only the layouts the tests generate and answer a reason string when unsure.
 */
import ExcelJS from 'exceljs';
import { GERMAN_MONTHS } from './helpers.js';

export interface Obs {
  region: string;
  indicator: string;
  gender: 'total' | 'female' | 'male';
  month: string;
  value: number | null;
  flag: '*' | '-' | 'X' | null;
}

export const obsKey = (o: Pick<Obs, 'region' | 'indicator' | 'gender' | 'month'>) =>
  `${o.region}|${o.indicator}|${o.gender}|${o.month}`;

/** UTF-8 when valid, else Windows-1252 (what every German Excel writes). */
export function decodeBytes(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  // Line ends CRLF, LF or CR alone (docs/input-formats.md), mixed too: a lone CR ends a line.
  text = text.replace(/\r(?!\n)/g, '\n');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

const GENDER_WORDS: Record<string, Obs['gender']> = {
  total: 'total',
  insgesamt: 'total',
  female: 'female',
  frauen: 'female',
  male: 'male',
  männer: 'male',
};

const MONTH_NUMBER = new Map<string, number>(GERMAN_MONTHS.map((m, i) => [m.toLowerCase(), i + 1]));

function month(raw: string): string | null {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})$/.exec(s);
  let y: number;
  let mo: number;
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
  } else {
    m = /^(\S+) (\d{4})$/.exec(s);
    if (!m) return null;
    y = Number(m[2]);
    mo = MONTH_NUMBER.get((m[1] ?? '').toLowerCase()) ?? 0;
  }
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12) return null;
  return `${y}-${String(mo).padStart(2, '0')}`;
}

function marker(s: string): Obs['flag'] {
  return s === '*' ? '*' : s === '-' ? '-' : s === 'X' || s === 'x' ? 'X' : null;
}

/** Whole non-negative numbers as the seeds write them: `1234` or `1.234`. */
function count(raw: string): number | null {
  const s = raw.replace(/[\s\u00A0\u202F]+/g, '');
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[1-9]\d{0,2}(\.\d{3})+$/.test(s)) return Number(s.replace(/\./g, ''));
  return null;
}

type Value = { value: number | null; flag: Obs['flag'] } | null;

function cellValue(raw: string, flagRaw = ''): Value {
  const v = raw.trim();
  const f = flagRaw.trim();
  const fm = marker(f);
  if (f !== '' && fm === null) return null;
  const vm = marker(v);
  if (vm !== null) return fm === null || fm === vm ? { value: null, flag: vm } : null;
  if (v === '') return fm === null ? null : { value: null, flag: fm };
  const n = count(v);
  if (n === null || fm !== null) return null;
  return { value: n, flag: null };
}

function dedupe(rows: Obs[]): Obs[] | string {
  const seen = new Map<string, Obs>();
  for (const r of rows) {
    const prev = seen.get(obsKey(r));
    if (prev && (prev.value !== r.value || prev.flag !== r.flag)) return `duplicate key ${obsKey(r)}`;
    seen.set(obsKey(r), r);
  }
  return [...seen.values()];
}

const FIELDS = ['region', 'region_name', 'month', 'indicator', 'gender', 'value', 'flag'] as const;
const KNOWN_CODES = new Set(['INT', 'ELB', 'LZB', 'K2_BA', 'K3_BA']);

function separatorOf(line: string): string {
  const n = (c: string) => line.split(c).length - 1;
  const semi = n(';');
  const comma = n(',');
  const tab = n('\t');
  if (semi >= comma && semi >= tab && semi > 0) return ';';
  return tab > comma ? '\t' : ',';
}

/** The observations of a canonical CSV text, or why it cannot tell. */
export function referenceCanonical(bytes: Uint8Array): Obs[] | string {
  const text = decodeBytes(bytes);
  if (text.includes('"')) return 'quotes (not modelled)';
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const header = lines[0] ?? '';
  const sep = separatorOf(header);
  const labels = header.split(sep).map((h) => h.trim().toLowerCase());
  const col = new Map<string, number>();
  labels.forEach((l, i) => {
    if ((FIELDS as readonly string[]).includes(l)) {
      if (col.has(l)) col.set('dup', i);
      col.set(l, i);
    }
  });
  if (col.has('dup')) return 'duplicate header';
  for (const f of ['region', 'month', 'indicator', 'gender', 'value'])
    if (!col.has(f)) return `no column ${f}`;
  const out: Obs[] = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = (lines[i] ?? '').split(sep);
    if (fields.every((f) => f.trim() === '')) continue;
    if (fields.length > labels.length && fields.slice(labels.length).some((f) => f.trim() !== '')) {
      return `line ${i + 1}: extra fields`;
    }
    const get = (f: string) => fields[col.get(f) ?? -1];
    const region = get('region')?.trim() ?? '';
    if (!/^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$/.test(region)) return `line ${i + 1}: region`;
    const m = month(get('month') ?? '');
    if (m === null) return `line ${i + 1}: month`;
    const indicator = (get('indicator') ?? '').trim().toUpperCase();
    if (!KNOWN_CODES.has(indicator)) return `line ${i + 1}: indicator`;
    const gender = GENDER_WORDS[(get('gender') ?? '').trim().toLowerCase()];
    if (gender === undefined) return `line ${i + 1}: gender`;
    const valueRaw = get('value');
    if (valueRaw === undefined) return `line ${i + 1}: too few fields`;
    const v = cellValue(valueRaw, col.has('flag') ? (get('flag') ?? '') : '');
    if (v === null) return `line ${i + 1}: value`;
    out.push({ region, indicator, gender, month: m, ...v });
  }
  if (out.length === 0) return 'no rows';
  return dedupe(out);
}

export type RefCell = string | number | null;
export interface RefSheet {
  name: string | null;
  rows: RefCell[][];
}

const SHEET_CODES: Record<string, string> = {
  int: 'INT',
  elb: 'ELB',
  lzb: 'LZB',
};

function titleCode(title: string): string | null {
  const t = title.toLowerCase();
  if (t.includes('(int)') || t.includes('integrationen')) return 'INT';
  if (t.includes('(elb)') || t.includes('erwerbsfähige leistungsberechtigte')) return 'ELB';
  if (t.includes('(lzb)') || t.includes('langzeitleistungsbezieh')) return 'LZB';
  return null;
}

const cellText = (c: RefCell | undefined): string => (c === null || c === undefined ? '' : String(c).trim());

/**
 * The observations of BA-style sheets in the seed layout (title, subtitle "… (key)", a header
 * row 'Berichtsmonat | Regionalschlüssel | Region | Insgesamt | davon', a row 'Männer | Frauen',
 * one row per month, footnotes), or why it cannot tell.
 */
export function referenceBa(sheets: readonly RefSheet[]): Obs[] | string {
  const out: Obs[] = [];
  for (const sheet of sheets) {
    const rows = sheet.rows;
    const title = cellText(
      rows.find((r) => r.some((c) => cellText(c) !== ''))?.find((c) => cellText(c) !== ''),
    );
    const code =
      (sheet.name !== null ? SHEET_CODES[sheet.name.toLowerCase()] : undefined) ?? titleCode(title);
    const h = rows.findIndex((r) => cellText(r[0]).toLowerCase() === 'berichtsmonat');
    if (h < 0) {
      if (code === undefined || code === null) continue;
      return `sheet ${sheet.name}: no header`;
    }
    if (code === undefined || code === null) return `sheet ${sheet.name}: no indicator`;
    const head = rows[h] ?? [];
    const sub = rows[h + 1] ?? [];
    const continuation = cellText(sub[0]) === '' && sub.some((c) => GENDER_WORDS[cellText(c).toLowerCase()]);
    const genderCols: [number, Obs['gender']][] = [];
    let keyCol = -1;
    const width = Math.max(head.length, continuation ? sub.length : 0);
    for (let c = 1; c < width; c++) {
      const l = cellText(head[c]).toLowerCase();
      if (l === 'regionalschlüssel') {
        keyCol = c;
        continue;
      }
      if (l === 'region') continue;
      const label = (
        continuation && cellText(sub[c]) !== '' ? cellText(sub[c]) : cellText(head[c])
      ).toLowerCase();
      const g = GENDER_WORDS[label];
      if (g === undefined) continue;
      if (genderCols.some(([, x]) => x === g)) return 'two columns for one gender';
      genderCols.push([c, g]);
    }
    if (genderCols.length === 0) return 'no gender columns';
    // Without a key column the region comes from a subtitle like "Jobcenter X (01060)".
    let subtitleKey: string | null = null;
    for (const row of rows.slice(0, h)) {
      for (const c of row) {
        const m = typeof c === 'string' ? /^[^()]*?\s*\(([0-9]{2,})\)/.exec(c.trim()) : null;
        if (m?.[1] && subtitleKey === null) subtitleKey = m[1];
      }
    }
    if (keyCol < 0 && subtitleKey === null) return 'no key column';
    let n = 0;
    for (let i = h + (continuation ? 2 : 1); i < rows.length; i++) {
      const row = rows[i] ?? [];
      const filled = row.filter((c) => cellText(c) !== '').length;
      if (filled === 0) continue;
      const m = month(cellText(row[0]));
      if (m === null) {
        if (filled === 1) continue; // footnote or free text
        return `row ${i + 1}: not a month`;
      }
      const key = keyCol >= 0 ? row[keyCol] : null;
      const region =
        typeof key === 'number' ? String(key).padStart(5, '0') : cellText(key) || (subtitleKey ?? '');
      if (!/^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$/.test(region)) return `row ${i + 1}: region`;
      for (const [c, gender] of genderCols) {
        const cell = row[c];
        const v =
          typeof cell === 'number'
            ? Number.isInteger(cell) && cell >= 0
              ? { value: cell, flag: null }
              : null
            : cellValue(cellText(cell));
        if (v === null) return `row ${i + 1}: value in column ${c + 1}`;
        out.push({ region, indicator: code, gender, month: m, ...v });
      }
      n++;
    }
    if (n === 0) return `sheet ${sheet.name}: no data rows`;
  }
  if (out.length === 0) return 'no rows';
  return dedupe(out);
}

/** A BA-style CSV as one unnamed sheet (the seeds use ';'). */
export function referenceBaCsv(bytes: Uint8Array): Obs[] | string {
  const text = decodeBytes(bytes);
  if (text.includes('"')) return 'quotes (not modelled)';
  const rows = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).split(';'));
  return referenceBa([{ name: null, rows }]);
}

/** A BA-style workbook read with exceljs directly (cells as text or number). */
export async function referenceXlsx(bytes: Uint8Array): Promise<Obs[] | string> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  } catch (e) {
    return `unreadable: ${e instanceof Error ? e.message : String(e)}`;
  }
  const sheets: RefSheet[] = [];
  let unmodelled = '';
  wb.eachSheet((ws) => {
    const rows: RefCell[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const cells: RefCell[] = [];
      ws.getRow(r).eachCell({ includeEmpty: false }, (cell, c) => {
        const v = cell.value;
        if (typeof v === 'string' || typeof v === 'number') cells[c - 1] = v;
        else if (v !== null && v !== undefined) unmodelled = `cell ${cell.address} of type ${typeof v}`;
      });
      for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
      rows.push(cells);
    }
    sheets.push({ name: ws.name, rows });
  });
  if (unmodelled) return unmodelled;
  return referenceBa(sheets);
}
