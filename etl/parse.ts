/** Recognises a file's format from its bytes and hands it to the right parser. */
import { looksCanonical, parseCanonicalCsv } from './canonical.js';
import { decodeText } from './decode.js';
import { loadFinanceMapping, looksFinance, parseFinanceCsv } from './finance.js';
import type { ParseContext, ParsedFile } from './rows.js';
import { FileRejection } from './types.js';

export type { ParseContext };

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export async function parseFile(name: string, bytes: Uint8Array, ctx: ParseContext): Promise<ParsedFile> {
  if (bytes.length === 0) throw new FileRejection('Datei ist leer');
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const { parseBaWorkbook } = await import('./ba-xlsx.js');
    return parseBaWorkbook(bytes, ctx);
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new FileRejection(
      'altes Excel-Format (.xls) wird nicht unterstützt: bitte als .xlsx oder CSV speichern',
    );
  }
  if (/\.xlsx$/i.test(name)) throw new FileRejection('keine gültige .xlsx-Datei (kein ZIP-Archiv)');
  const { text } = decodeText(bytes);
  if (text.trim() === '') throw new FileRejection('Datei ist leer');
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
