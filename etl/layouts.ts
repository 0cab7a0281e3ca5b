/**
 * The table layouts found by position: a layout mapped in the wizard (by file-name pattern), the
 * BA "Eckwerte für Jobcenter" workbook and the BA statistics table (by content). Also the
 * wizard's preview: the sheets of any file and what a draft mapping would make of them.
 */
import { type ImportLimits, resolveLimits } from '../core/limits.js';
import type { Cell, Sheet } from './ba.js';
import { csvSheet, isBaTableSheet, parseBaTable } from './ba-table.js';
import { sniffFile } from './decode.js';
import { isEckwerteWorkbook, parseEckwerte } from './eckwerte.js';
import type { CellIssue } from './grid.js';
import { loadMapping } from './mapping.js';
import type { ParseContext } from './parse-context.js';
import { type ReferenceData, RegionResolver } from './regions.js';
import { GENDER_CODES, IndicatorCatalog, type IndicatorInfo, type ParsedFile } from './rows.js';
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

/**
 * The sheets of a file for the wizard: an xlsx's worksheets, or a text file's one grid. It refuses
 * what the import refuses, with the same messages (sniffFile), rather than show rows of garbage;
 * the limits are the configured ones.
 */
export async function readSheets(
  name: string,
  bytes: Uint8Array,
  limits: ImportLimits = resolveLimits(),
): Promise<Sheet[]> {
  const file = sniffFile(name, bytes);
  if (file.kind === 'xlsx') {
    const { readWorkbook } = await import('./ba-xlsx.js');
    return readWorkbook(bytes, limits);
  }
  return [csvSheet(file.text, limits)];
}

/** Rows shown per sheet. */
export const PREVIEW_ROWS = 60;
/** Cells shown of one row (an xlsx has at most 1,000 columns; a CSV line may have a million fields). */
export const PREVIEW_MAX_COLUMNS = 1_000;
/** Cells shown of the whole file: the answer stays a few MB whatever the file (50 sheets of 1,000 columns). */
export const PREVIEW_MAX_CELLS = 100_000;
/** Observations of a draft mapping shown. */
export const PREVIEW_MAX_OBSERVATIONS = 500;
/** Failing cells of a draft mapping listed (`issueCount` counts them all). */
export const PREVIEW_MAX_ISSUES = 1_000;

/**
 * The part of the sheets the preview shows: the first rows (one more: the header detection looks
 * at the row below), each cut to PREVIEW_MAX_COLUMNS cells, until PREVIEW_MAX_CELLS are shown.
 */
function shownPart(sheets: readonly Sheet[]): Sheet[] {
  let budget = PREVIEW_MAX_CELLS;
  return sheets.map((sheet) => {
    const rows: Cell[][] = [];
    for (const row of sheet.rows.slice(0, PREVIEW_ROWS + 1)) {
      const cells = row.length > PREVIEW_MAX_COLUMNS ? row.slice(0, PREVIEW_MAX_COLUMNS) : row;
      if (cells.length > budget) break;
      budget -= cells.length;
      rows.push(cells);
    }
    return { name: sheet.name, rows, rowNumbers: sheet.rowNumbers.slice(0, rows.length) };
  });
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
  result: {
    count: number;
    observations: PreviewObservation[];
    /** The first PREVIEW_MAX_ISSUES failing cells. */
    issues: CellIssue[];
    /** All failing cells. */
    issueCount: number;
  } | null;
}

/**
 * What the preview needs besides the file, structured-clone safe: the import worker reads the file
 * and answers with the PreviewResult (etl/isolated.ts, runPreview).
 */
export interface PreviewRequest {
  /** The file's name (a region key in it may name the region; `.xlsx` must be a ZIP archive). */
  name: string;
  spec: GridSpec | null;
  /** The indicators the database knows (IndicatorCatalog.all); only read with a spec. */
  indicators: readonly IndicatorInfo[];
  /** Regions, aliases and the Jobcenter directory; only read with a spec. */
  reference: ReferenceData;
  /** The configured parser limits (DEFAULT_LIMITS for what is not set). */
  limits?: Partial<ImportLimits>;
}

/** The preview of `bytes` as `request` asks (in the import worker, or in the server without isolation). */
export function previewOf(bytes: Uint8Array, request: PreviewRequest): Promise<PreviewResult> {
  const ctx: ParseContext = {
    catalog: new IndicatorCatalog(request.indicators),
    reference: request.reference,
    limits: resolveLimits(request.limits),
  };
  return previewFile(request.name, bytes, ctx, request.spec);
}

/** The wizard's view of a file, and the observations and failing cells of a draft mapping. */
export async function previewFile(
  name: string,
  bytes: Uint8Array,
  ctx: ParseContext,
  spec: GridSpec | null,
  maxObservations = PREVIEW_MAX_OBSERVATIONS,
): Promise<PreviewResult> {
  const sheets = await readSheets(name, bytes, ctx.limits);
  const preview = previewSheets(shownPart(sheets), PREVIEW_ROWS);
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
    const shown = issues.length > PREVIEW_MAX_ISSUES ? issues.slice(0, PREVIEW_MAX_ISSUES) : issues;
    return {
      sheets: preview,
      result: { count: rows.length, observations, issues: shown, issueCount: issues.length },
    };
  } catch (e) {
    if (!(e instanceof FileRejection)) throw e;
    return {
      sheets: preview,
      result: {
        count: 0,
        observations: [],
        issues: [{ sheet: e.sheet, row: e.row, column: e.column, message: e.message }],
        issueCount: 1,
      },
    };
  }
}
