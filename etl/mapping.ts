/**
 * The BA layout mapping (data/ba-mapping.json): which sheet or title means which indicator, and
 * which header labels mean month, region key, region name, gender. Validated with zod on load.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PATTERN_INPUT_CAP } from '../core/limits.js';
import type { Gender } from '../server/domain/types.js';
import { normalizeLabel } from './values.js';

export const DEFAULT_MAPPING_PATH = fileURLToPath(new URL('../data/ba-mapping.json', import.meta.url));

const labels = z.array(z.string().min(1)).min(1);
const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const mappingSchema = z.object({
  $comment: z.string().optional(),
  indicators: z
    .array(
      z.object({
        code: z.string().min(1),
        sheetNames: z.array(z.string()).default([]),
        titleContains: z.array(z.string()).default([]),
      }),
    )
    .min(1),
  headers: z.object({
    month: labels,
    regionKey: labels,
    regionName: labels,
    gender: labels,
    indicator: labels,
  }),
  genders: z.object({ total: labels, male: labels, female: labels }),
  subtitleRegion: regex.nullable().default(null),
  regionKeyDigits: z.number().int().min(0).max(16).default(5),
  footer: z.array(regex).default([]),
  ignoreSheets: z.array(z.string()).default([]),
  headerSearchRows: z.number().int().min(1).max(500).default(25),
  /**
   * Row labels of the BA statistics table and the Eckwerte workbook (exact, after footnote
   * markers are stripped; a trailing abbreviation of the same indicator in brackets, "(LZB)", is
   * allowed, any other bracketed text is another row) → indicator code. A gender row
   * below such a row belongs to it; rows not listed here are ignored.
   */
  rowLabels: z.record(z.string().min(1), z.string().min(1)).default({}),
  /**
   * Heading rows (a label and nothing else) that open a sub-population: the indicator rows below
   * them ("Ausländer" → "Erwerbsfähige Leistungsberechtigte") are that group's, not the totals,
   * and are skipped until a heading that is none ("Insgesamt"). Patterns, case-insensitive, on
   * the label without footnote markers.
   */
  subPopulations: z.array(regex).default([]),
  /** Metadata keys of a BA statistics table that name the region, in order of preference. */
  regionMetadata: z.array(z.string().min(1)).default(['Jobcenter', 'Kreis', 'Land', 'Region']),
  /** With the note "vorläufige Daten": the stocks of this many latest months are provisional. */
  provisionalEdgeMonths: z.number().int().min(1).max(24).default(3),
  eckwerte: z
    .object({
      /** Sheets read (others are ignored); each states its own reference month. */
      sheets: z.array(z.string().min(1)).min(1),
      /** The header of the value column. */
      valueColumn: labels,
    })
    .default({ sheets: ['1.1 Eckwerte'], valueColumn: ['Rechtskreis SGB II'] }),
});
export type MappingFile = z.infer<typeof mappingSchema>;

export type HeaderRole = 'month' | 'regionKey' | 'regionName' | 'gender' | 'indicator';

/** The mapping compiled for lookups: normalised labels, compiled patterns. */
export interface BaMapping {
  indicatorForSheet(name: string): string | null;
  indicatorForTitle(title: string): string | null;
  /** For an indicator column's cell: a code or a label from the mapping. */
  indicatorForLabel(label: string): string | null;
  headerRole(label: string): HeaderRole | null;
  gender(label: string): Gender | null;
  isFooter(text: string): boolean;
  isIgnoredSheet(name: string): boolean;
  subtitleRegion(text: string): { key: string; name: string } | null;
  regionKeyDigits: number;
  headerSearchRows: number;
  /** Human list of the sheet names known, for error messages. */
  knownSheets: string[];
  /** The indicator a BA table row label stands for, or null (row ignored). */
  rowIndicator(label: string): string | null;
  /** A heading row label naming a sub-population (subPopulations). */
  isSubPopulation(label: string): boolean;
  regionMetadata: string[];
  provisionalEdgeMonths: number;
  eckwerte: { sheets: string[]; valueColumn: string[] };
}

/**
 * A row label reduced for lookups: footnote markers and a leading "darunter"/"davon" go. Bracketed
 * text stays: "Integrationen (Jahressumme)" is another figure than "Integrationen".
 */
export function rowLabelKey(label: string): string {
  return normalizeLabel(label)
    .replace(/^(?:darunter|davon|dar\.)\s*:?\s*/, '')
    .replace(/(?:\s+\d{1,2}\))+$/, '')
    .trim();
}

/**
 * The abbreviations of each indicator that may follow its row label in brackets
 * ("Langzeitleistungsbeziehende (LZB)"): the code, a "(…)" of its titleContains, a one-word row
 * label of the same code ("eLb").
 */
function abbreviations(m: MappingFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of m.indicators) {
    out.set(normalizeLabel(i.code), i.code);
    for (const t of i.titleContains) {
      const inner = /^\(([^()\s]+)\)$/.exec(t.trim())?.[1];
      if (inner !== undefined) out.set(normalizeLabel(inner), i.code);
    }
  }
  for (const [label, code] of Object.entries(m.rowLabels)) {
    if (!/\s/.test(label.trim())) out.set(normalizeLabel(label), code);
  }
  return out;
}

/**
 * The indicator of a row label: the label as listed in rowLabels, or a listed label followed by
 * an abbreviation of the same indicator in brackets. Any other bracketed text (a sum, a share, a
 * sub-population: "Integrationen (Summe Januar bis Berichtsmonat)", "Integrationen (LZB)") is not
 * the indicator's monthly figure: null.
 */
function rowIndicatorOf(
  label: string,
  rowLabels: ReadonlyMap<string, string>,
  abbrev: ReadonlyMap<string, string>,
): string | null {
  const key = rowLabelKey(label);
  const exact = rowLabels.get(key);
  if (exact !== undefined) return exact;
  const bracket = /^(.*\S)\s*\(([^()]*)\)$/.exec(key);
  if (!bracket) return null;
  const code = rowLabels.get(rowLabelKey(bracket[1] ?? ''));
  return code !== undefined && abbrev.get((bracket[2] ?? '').trim()) === code ? code : null;
}

function capped(text: string): string {
  return text.trim().slice(0, PATTERN_INPUT_CAP);
}

export function compileMapping(m: MappingFile): BaMapping {
  const sheetToCode = new Map<string, string>();
  for (const i of m.indicators)
    for (const s of [...i.sheetNames, i.code]) sheetToCode.set(normalizeLabel(s), i.code);
  const titles = m.indicators.map((i) => ({
    code: i.code,
    parts: i.titleContains.map((t) => t.toLowerCase()),
  }));
  const roles = new Map<string, HeaderRole>();
  for (const role of ['month', 'regionKey', 'regionName', 'gender', 'indicator'] as const) {
    for (const l of m.headers[role]) roles.set(normalizeLabel(l), role);
  }
  const genders = new Map<string, Gender>();
  for (const g of ['total', 'male', 'female'] as const)
    for (const l of m.genders[g]) genders.set(normalizeLabel(l), g);
  const footer = m.footer.map((f) => new RegExp(f, 'iu'));
  const subPopulations = m.subPopulations.map((f) => new RegExp(f, 'iu'));
  const ignored = new Set(m.ignoreSheets.map(normalizeLabel));
  const rowLabels = new Map<string, string>();
  for (const [label, code] of Object.entries(m.rowLabels)) rowLabels.set(rowLabelKey(label), code);
  const abbrev = abbreviations(m);
  const subtitle = m.subtitleRegion === null ? null : new RegExp(m.subtitleRegion, 'u');
  const byTitle = (title: string): string | null => {
    const t = normalizeLabel(title);
    for (const i of titles) if (i.parts.some((p) => t.includes(p))) return i.code;
    return null;
  };
  return {
    indicatorForSheet: (name) => sheetToCode.get(normalizeLabel(name)) ?? null,
    indicatorForTitle: byTitle,
    indicatorForLabel: (label) => sheetToCode.get(normalizeLabel(label)) ?? byTitle(label),
    headerRole: (label) => roles.get(normalizeLabel(label)) ?? null,
    gender: (label) => genders.get(normalizeLabel(label)) ?? null,
    // Patterns come from a file an operator edits: they only see the first PATTERN_INPUT_CAP
    // characters, so a backtracking pattern cannot meet an unbounded cell.
    isFooter: (text) => {
      const t = capped(text);
      return footer.some((r) => r.test(t));
    },
    isIgnoredSheet: (name) => ignored.has(normalizeLabel(name)),
    subtitleRegion: (text) => {
      const match = subtitle?.exec(capped(text));
      const key = match?.groups?.key;
      if (!match || !key) return null;
      return { key, name: (match.groups?.name ?? '').trim() };
    },
    regionKeyDigits: m.regionKeyDigits,
    headerSearchRows: m.headerSearchRows,
    knownSheets: m.indicators.flatMap((i) => i.sheetNames.slice(0, 1).map((s) => `${s} (${i.code})`)),
    rowIndicator: (label) => rowIndicatorOf(label, rowLabels, abbrev),
    isSubPopulation: (label) => {
      const t = capped(rowLabelKey(label));
      return subPopulations.some((r) => r.test(t));
    },
    regionMetadata: m.regionMetadata,
    provisionalEdgeMonths: m.provisionalEdgeMonths,
    eckwerte: m.eckwerte,
  };
}

/** Reads and validates the mapping file; the error names every bad field. */
export async function loadMapping(path: string = DEFAULT_MAPPING_PATH): Promise<BaMapping> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(
      `BA-Layout-Zuordnung ${path} nicht lesbar: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`BA-Layout-Zuordnung ${path} ungültig: ${problems}`);
  }
  return compileMapping(parsed.data);
}
