/** Recognises a file's format from its bytes and hands it to the right parser. */
import { looksCanonical, parseCanonicalCsv } from './canonical.js';
import { sniffFile } from './decode.js';
import { loadFinanceMapping, looksFinance, parseFinanceCsv } from './finance.js';
import type { ParseContext } from './parse-context.js';
import { canonicaliseRegions, RegionResolver } from './regions.js';
import type { ParsedFile } from './rows.js';

export type { ParseContext };

/** Parses a file by its layout, then maps its region keys to the regions they mean. */
export async function parseFile(name: string, bytes: Uint8Array, ctx: ParseContext): Promise<ParsedFile> {
  const parsed = await parseByLayout(name, bytes, ctx);
  if (ctx.reference) canonicaliseRegions(parsed.rows, new RegionResolver(ctx.reference));
  return parsed;
}

async function parseByLayout(name: string, bytes: Uint8Array, ctx: ParseContext): Promise<ParsedFile> {
  const file = sniffFile(name, bytes);
  if (file.kind === 'xlsx') {
    const { readWorkbook } = await import('./ba-xlsx.js');
    const sheets = await readWorkbook(bytes, ctx.limits);
    const { parseSheetsByLayout } = await import('./layouts.js');
    const byLayout = await parseSheetsByLayout(name, sheets, ctx);
    if (byLayout) return byLayout;
    const [{ parseBaSheets }, { loadMapping }] = await Promise.all([
      import('./ba.js'),
      import('./mapping.js'),
    ]);
    return parseBaSheets(sheets, await loadMapping(ctx.mappingPath), ctx.catalog, 'ba-xlsx');
  }
  const { text } = file;
  const { hasSavedMapping, parseSheetsByLayout } = await import('./layouts.js');
  const { csvSheet, looksLikeBaTableText } = await import('./ba-table.js');
  if (hasSavedMapping(name, ctx) || looksLikeBaTableText(text)) {
    const byLayout = await parseSheetsByLayout(name, [csvSheet(text, ctx.limits)], ctx);
    if (byLayout) return byLayout;
  }
  if (looksCanonical(text)) {
    return parseCanonicalCsv(
      text,
      ctx.catalog,
      ctx.onProgress && ((p) => ctx.onProgress?.(p.rows, p.fraction)),
      ctx.limits,
    );
  }
  if (looksFinance(text)) {
    return parseFinanceCsv(text, ctx.catalog, await loadFinanceMapping(ctx.financeMappingPath));
  }
  const { parseBaCsv } = await import('./ba-xlsx.js');
  return parseBaCsv(text, ctx);
}
