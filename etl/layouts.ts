/**
 * The table layouts found by position: a layout mapped in the wizard (by file-name pattern), the
 * BA "Eckwerte für Jobcenter" workbook and the BA statistics table (by content). Also the
 * wizard's preview: the sheets of any file and what a draft mapping would make of them.
 */
import type { Sheet } from './ba.js';
import { csvSheet, isBaTableSheet, parseBaTable } from './ba-table.js';
import { decodeText } from './decode.js';
import { isEckwerteWorkbook, parseEckwerte } from './eckwerte.js';
import type { CellIssue } from './grid.js';
import { loadMapping } from './mapping.js';
import type { ParseContext } from './parse-context.js';
import { type ReferenceData, RegionResolver } from './regions.js';
import { GENDER_CODES, type ParsedFile } from './rows.js';
import { FileRejection } from './types.js';
import { monthString } from './values.js';
import {
  applyGridSpec,
  findMapping,
  type GridSpec,
  previewSheets,
  type SheetPreview,
} from './wizard-mapping.js';

const NO_REFERENCE: ReferenceData = { regions: [], aliases: [], jobcenters: [] };

export function resolverOf(ctx: Pick<ParseContext, 'reference'>): RegionResolver {
  return new RegionResolver(ctx.reference ?? NO_REFERENCE);
}

/** True when a saved mapping claims the file by its name. */
export function hasSavedMapping(name: string, ctx: Pick<ParseContext, 'mappings'>): boolean {
  return findMapping(ctx.mappings ?? [], name) !== null;
}

/** Parses sheets by a saved mapping or a recognised BA layout; null when none applies. */
export async function parseSheetsByLayout(
  name: string,
  sheets: readonly Sheet[],
  ctx: ParseContext,
): Promise<ParsedFile | null> {
  const mapping = await loadMapping(ctx.mappingPath);
  const resolver = resolverOf(ctx);
  const saved = findMapping(ctx.mappings ?? [], name);
  if (saved) {
    const r = applyGridSpec(sheets, saved.spec, name, resolver, ctx.catalog, {
      collect: false,
      edgeMonths: mapping.provisionalEdgeMonths,
    });
    return { format: 'mapping', rows: r.rows };
  }
  if (isEckwerteWorkbook(sheets, mapping)) {
    return { format: 'eckwerte', rows: parseEckwerte(sheets, name, mapping, resolver, ctx.catalog).rows };
  }
  if (sheets.some(isBaTableSheet)) {
    return { format: 'ba-table', rows: parseBaTable(sheets, mapping, resolver, ctx.catalog).rows };
  }
  return null;
}

/** The sheets of a file for the wizard: an xlsx's worksheets, or a text file's one grid. */
export async function readSheets(bytes: Uint8Array): Promise<Sheet[]> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const { readWorkbook } = await import('./ba-xlsx.js');
    return readWorkbook(bytes);
  }
  const { text } = decodeText(bytes);
  return [csvSheet(text)];
}

export interface PreviewObservation {
  region: string;
  indicator: string;
  gender: string;
  month: string;
  value: number | null;
  flag: string | null;
  provisional: boolean;
}

export interface PreviewResult {
  sheets: SheetPreview[];
  /** What the draft mapping makes of the file (null without a draft). */
  result: { count: number; observations: PreviewObservation[]; issues: CellIssue[] } | null;
}

/** The wizard's view of a file, and the observations and failing cells of a draft mapping. */
export async function previewFile(
  name: string,
  bytes: Uint8Array,
  ctx: ParseContext,
  spec: GridSpec | null,
  maxObservations = 500,
): Promise<PreviewResult> {
  if (bytes.length === 0) throw new FileRejection('Datei ist leer');
  const sheets = await readSheets(bytes);
  const preview = previewSheets(sheets);
  if (spec === null) return { sheets: preview, result: null };
  const mapping = await loadMapping(ctx.mappingPath);
  try {
    const { rows, issues } = applyGridSpec(sheets, spec, name, resolverOf(ctx), ctx.catalog, {
      collect: true,
      edgeMonths: mapping.provisionalEdgeMonths,
    });
    const observations: PreviewObservation[] = [];
    for (let i = 0; i < Math.min(rows.length, maxObservations); i++) {
      const flagged = (rows.flag[i] ?? 0) !== 0;
      observations.push({
        region: rows.regions[rows.region[i] ?? 0]?.id ?? '',
        indicator: rows.indicators[rows.indicator[i] ?? 0]?.code ?? '',
        gender: GENDER_CODES[rows.gender[i] ?? 0] ?? 'total',
        month: monthString(rows.month[i] ?? 0),
        value: flagged ? null : (rows.value[i] ?? null),
        flag: flagged ? (['', '*', '-', 'X'][rows.flag[i] ?? 0] ?? null) : null,
        provisional: rows.provisional[i] === 1,
      });
    }
    return { sheets: preview, result: { count: rows.length, observations, issues } };
  } catch (e) {
    if (!(e instanceof FileRejection)) throw e;
    return {
      sheets: preview,
      result: {
        count: 0,
        observations: [],
        issues: [{ sheet: e.sheet, row: e.row, column: e.column, message: e.message }],
      },
    };
  }
}
