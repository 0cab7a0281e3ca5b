/**
 * The columns of the Monatswerte export: German header, and the cell of a row as a number (typed
 * in XLSX, decimal comma in CSV) or a text (month label, gender, BA marker).
 */
import { formatMonth, GENDER_TEXT, sampleLabel } from '../../core/format.js';
import type { MonthColumn, MonthRow } from '../goals/month-rows.js';

export type Cell = { kind: 'number'; value: number; percent: boolean } | { kind: 'text'; value: string };

export interface ExportRegion {
  id: string;
  name: string;
  /** Sample data must say so wherever they appear, exports included. */
  sample?: boolean;
  sampleAsOf?: string | null;
}

/**
 * The note that closes an export of sample data (like the footer of a BA table), or null for real
 * data: "Beispieldaten, Stand September 2024 – synthetische Zahlen, keine Daten der Statistik der BA".
 */
export function exportNote(region: ExportRegion): string | null {
  return region.sample
    ? `${sampleLabel(region.sampleAsOf)} – synthetische Zahlen, keine Daten der Statistik der Bundesagentur für Arbeit`
    : null;
}

/**
 * The note naming the provisional (hochgerechnete) values an export contains, or null: the
 * numbers stay numbers (one can compute with them), the note says which are not final yet.
 */
export function provisionalNote(rows: readonly MonthRow[]): string | null {
  const byMonth = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const k of ['int', 'elb', 'lzb'] as const) {
      if (!r.provisional[k]) continue;
      const set = byMonth.get(r.month) ?? new Set<string>();
      set.add(k.toUpperCase());
      byMonth.set(r.month, set);
    }
  }
  if (byMonth.size === 0) return null;
  const parts = [...byMonth.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([m, codes]) => `${formatMonth(m)} (${[...codes].join(', ')})`);
  return `Vorläufige Werte (von der BA hochgerechnet, endgültige Werte folgen): ${parts.join('; ')}`;
}

export const COLUMN_HEADERS: Record<MonthColumn, string> = {
  region: 'Region',
  month: 'Monat',
  gender: 'Geschlecht',
  int: 'Integrationen (INT)',
  elb: 'Erwerbsfähige Leistungsberechtigte (ELB)',
  lzb: 'Langzeitleistungsbeziehende (LZB)',
  k2: 'K2 Integrationsquote 12 Monate (%)',
  jfw: 'K2 Jahresfortschrittswert (%)',
  k3: 'K3 Veränderung LZB ggü. Vorjahresmonat (%)',
  revised: 'Korrigiert',
};

const text = (value: string): Cell => ({ kind: 'text', value });
const empty: Cell = text('');

/** A count, or the BA marker that stood in its place (`*`, `-`, `X`), or empty. */
function count(value: number | null, flag: string | null): Cell {
  if (value !== null) return { kind: 'number', value, percent: false };
  return flag === null ? empty : text(flag);
}

function percent(value: number | null): Cell {
  return value === null ? empty : { kind: 'number', value, percent: true };
}

export function cellOf(row: MonthRow, column: MonthColumn, region: ExportRegion): Cell {
  switch (column) {
    case 'region':
      return text(region.name);
    case 'month':
      return text(formatMonth(row.month));
    case 'gender':
      return text(GENDER_TEXT[row.gender]);
    case 'int':
      return count(row.int, row.flags.int);
    case 'elb':
      return count(row.elb, row.flags.elb);
    case 'lzb':
      return count(row.lzb, row.flags.lzb);
    case 'k2':
      return percent(row.k2);
    case 'jfw':
      return percent(row.jfw);
    case 'k3':
      return percent(row.k3);
    case 'revised': {
      const which = (['int', 'elb', 'lzb'] as const)
        .filter((k) => row.revised[k])
        .map((k) => k.toUpperCase());
      return text(which.length > 0 ? `ja (${which.join(', ')})` : '');
    }
  }
}
