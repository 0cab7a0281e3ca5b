/**
 * Finance exports: the month's spending per budget line (Haushaltsstelle) in euros, decimal comma,
 * optionally the commitments (Bindungen) at month end. Which budget line feeds which indicator
 * (EGT_IST, FBW_IST, ...) is data, in data/finance-mapping.json. Rows of the same month and line
 * are added up (an export may list several bookings per month).
 *
 *   Monat;Haushaltsstelle;Betrag;Bindungen
 *   01.2024;Eingliederungstitel;412.345,67;2.100.000,00
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CsvReader, detectSeparator, firstLine, isBlankRecord } from './csv.js';
import { type IndicatorCatalog, ObservationRows, type ParsedFile } from './rows.js';
import { FileRejection } from './types.js';
import { normalizeLabel, parseFileRegionKey, parseGermanNumber, parseMonthText } from './values.js';

export const DEFAULT_FINANCE_MAPPING_PATH = fileURLToPath(
  new URL('../data/finance-mapping.json', import.meta.url),
);

const labels = z.array(z.string().min(1)).min(1);
export const financeMappingSchema = z.object({
  $comment: z.string().optional(),
  region: z.object({ id: z.string().min(1), name: z.string().min(1) }),
  lines: z
    .array(
      z.object({ labels, spend: z.string().min(1), commitments: z.string().min(1).nullable().default(null) }),
    )
    .min(1),
  headers: z.object({
    month: labels,
    line: labels,
    amount: labels,
    commitments: labels,
    region: z.array(z.string().min(1)).default([]),
  }),
});
export type FinanceMapping = z.infer<typeof financeMappingSchema>;
type Role = keyof FinanceMapping['headers'];

export async function loadFinanceMapping(path = DEFAULT_FINANCE_MAPPING_PATH): Promise<FinanceMapping> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`Finanz-Zuordnung ${path} nicht lesbar: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = financeMappingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Finanz-Zuordnung ${path} ungültig: ${problems}`);
  }
  return parsed.data;
}

/** The standard header words of a finance export (the mapping may add more). */
const LINE_WORDS = ['haushaltsstelle', 'finanzposition', 'haushaltsposition'];

/** True when the first line names a budget-line column (Haushaltsstelle) and an amount. */
export function looksFinance(text: string): boolean {
  const line = firstLine(text);
  const cells = line.split(detectSeparator(line)).map((c) => normalizeLabel(c.replace(/^"|"$/g, '')));
  return cells.some((c) => LINE_WORDS.includes(c)) && cells.some((c) => c.startsWith('betrag'));
}

function columns(header: readonly string[], mapping: FinanceMapping): Partial<Record<Role, number>> {
  const col: Partial<Record<Role, number>> = {};
  header.forEach((h, i) => {
    const n = normalizeLabel(h.replace(/^"|"$/g, ''));
    for (const role of Object.keys(mapping.headers) as Role[]) {
      if (col[role] === undefined && mapping.headers[role].some((l) => normalizeLabel(l) === n))
        col[role] = i;
    }
  });
  return col;
}

/** Parses and validates a whole finance export. Throws a FileRejection at the first problem. */
export function parseFinanceCsv(
  text: string,
  catalog: IndicatorCatalog,
  mapping: FinanceMapping,
): ParsedFile {
  const reader = new CsvReader(text, detectSeparator(firstLine(text)));
  const header = (reader.next() ?? []).map((h) => h.trim());
  const col = columns(header, mapping);
  const missing = (['month', 'line', 'amount'] as const).filter((r) => col[r] === undefined);
  if (missing.length > 0) {
    const want = missing.map((r) => `'${mapping.headers[r][0]}'`).join(', ');
    throw new FileRejection(
      `Kopfzeile unvollständig: es fehlt ${want} (erwartet Monat;Haushaltsstelle;Betrag;Bindungen)`,
      null,
      1,
      null,
    );
  }
  const byLabel = new Map<string, FinanceMapping['lines'][number]>();
  for (const l of mapping.lines) for (const label of l.labels) byLabel.set(normalizeLabel(label), l);
  const known = mapping.lines.map((l) => l.labels[0]).join(', ');
  const label = (role: Role) => header[col[role] ?? 0] ?? role;
  const at = (line: number, role: Role) => ({ sheet: null, row: line, column: label(role) });

  // Sums per region, indicator and month (amounts add up; commitments too, one per line and month).
  const sums = new Map<
    string,
    { region: string; code: string; month: number; value: number; line: number }
  >();
  const add = (region: string, code: string, month: number, value: number, line: number) => {
    const key = `${region}|${code}|${month}`;
    const s = sums.get(key);
    if (s) s.value += value;
    else sums.set(key, { region, code, month, value, line });
  };
  const cell = (fields: readonly string[], role: Role) => {
    const i = col[role];
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    const line = reader.line;
    if (isBlankRecord(fields)) continue;
    const month = parseMonthText(cell(fields, 'month'));
    if (month === null) {
      throw new FileRejection(
        `'${cell(fields, 'month')}' ist kein gültiger Monat (erwartet z. B. 01.2024 oder 2024-01)`,
        null,
        line,
        label('month'),
      );
    }
    const budgetLine = byLabel.get(normalizeLabel(cell(fields, 'line')));
    if (!budgetLine) {
      throw new FileRejection(
        `unbekannte Haushaltsstelle '${cell(fields, 'line')}' (bekannt: ${known}; Zuordnung in data/finance-mapping.json)`,
        null,
        line,
        label('line'),
      );
    }
    const regionText = cell(fields, 'region');
    const region = regionText === '' ? mapping.region.id : parseFileRegionKey(regionText);
    if (region === null)
      throw new FileRejection(`'${regionText}' ist kein Regionalschlüssel`, null, line, label('region'));
    const amount = parseGermanNumber(cell(fields, 'amount'));
    if (cell(fields, 'amount') === '' || !Number.isFinite(amount) || Math.abs(amount) > 1e10) {
      throw new FileRejection(
        `'${cell(fields, 'amount')}' ist kein Betrag in € (erwartet z. B. 412.345,67)`,
        null,
        line,
        label('amount'),
      );
    }
    add(region, budgetLine.spend, month, amount, line);
    const bindText = cell(fields, 'commitments');
    if (bindText !== '' && budgetLine.commitments !== null) {
      const bind = parseGermanNumber(bindText);
      if (!Number.isFinite(bind) || bind < 0 || bind > 1e10) {
        throw new FileRejection(
          `'${bindText}' ist kein Betrag in € (Bindungen)`,
          null,
          line,
          label('commitments'),
        );
      }
      add(region, budgetLine.commitments, month, bind, line);
    }
  }
  if (sums.size === 0) throw new FileRejection('keine Datenzeilen unter der Kopfzeile', null, null, null);

  const rows = new ObservationRows((line) => ({ sheet: null, row: line, column: label('amount') }));
  for (const s of sums.values()) {
    const name = s.region === mapping.region.id ? mapping.region.name : null;
    const ind = rows.indicatorOf(catalog.resolve(s.code, at(s.line, 'line')));
    // Cents: sums of decimal amounts carry binary noise (0.1 + 0.2).
    rows.push(
      rows.regionOf(s.region, name, null),
      ind,
      0,
      s.month,
      Math.round(s.value * 100) / 100,
      null,
      s.line,
    );
  }
  return { format: 'finance-csv', rows };
}
