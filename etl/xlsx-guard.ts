/**
 * Checks an xlsx (zip) file BEFORE exceljs loads it, so that a small hostile file cannot make the
 * importer allocate gigabytes: the zip's directory (entries, declared sizes), then every part is
 * inflated with an output cap (a zip bomb stops at the cap, whatever its headers claim), and every
 * worksheet's XML is scanned in linear time for its row and column extent, duplicate cells and
 * cells whose content cannot be read. Only a file that passes reaches exceljs.
 */
import { inflateRawSync } from 'node:zlib';
import { count, type ImportLimits, megabytes } from '../core/limits.js';
import { columnLetter } from '../core/spreadsheet.js';
import { FileRejection } from './types.js';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const UNREADABLE = 'keine lesbare .xlsx-Datei';

function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (u16(b, at) + u16(b, at + 2) * 0x10000) >>> 0;
}

/** The central directory of a zip file. Throws a FileRejection for anything not a plain zip. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FileRejection(`${UNREADABLE}: das ZIP-Verzeichnis fehlt (Datei abgeschnitten?)`);
  const entries = u16(bytes, eocd + 10);
  const cdOffset = u32(bytes, eocd + 16);
  if (entries === 0xffff || cdOffset === 0xffffffff) {
    throw new FileRejection(`${UNREADABLE}: ZIP64-Archive werden nicht unterstützt`);
  }
  const out: ZipEntry[] = [];
  const names = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let k = 0; k < entries; k++) {
    if (p + 46 > bytes.length || u32(bytes, p) !== 0x02014b50) {
      throw new FileRejection(`${UNREADABLE}: das ZIP-Verzeichnis ist beschädigt`);
    }
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    out.push({
      method: u16(bytes, p + 10),
      compressedSize: u32(bytes, p + 20),
      size: u32(bytes, p + 24),
      localOffset: u32(bytes, p + 42),
      name: names.decode(bytes.subarray(p + 46, p + 46 + nameLen)),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The entry's bytes, inflated, at most `cap` bytes (else null: the entry is larger). */
function inflateEntry(bytes: Uint8Array, e: ZipEntry, cap: number): Uint8Array | null {
  const at = e.localOffset;
  if (at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) {
    throw new FileRejection(`${UNREADABLE}: Teil '${e.name}' ist beschädigt`);
  }
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const data = bytes.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data.length > cap ? null : data;
  if (e.method !== 8) {
    throw new FileRejection(`${UNREADABLE}: Teil '${e.name}' ist mit einem unbekannten Verfahren gepackt`);
  }
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, cap) });
  } catch (err) {
    if (
      err instanceof RangeError ||
      (err instanceof Error && 'code' in err && err.code === 'ERR_BUFFER_TOO_LARGE')
    )
      return null;
    throw new FileRejection(`${UNREADABLE}: Teil '${e.name}' ist beschädigt`);
  }
}

/** Attributes of one XML start tag (`name="value"` pairs). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([\w:]+)\s*=\s*"([^"]*)"/g;
  for (let m = re.exec(tag); m !== null; m = re.exec(tag)) out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

/** Every start tag `<name ...>` of an XML text, in linear time. */
function* startTags(xml: string, name: string): Generator<string> {
  const open = `<${name}`;
  for (let i = xml.indexOf(open); i >= 0; i = xml.indexOf(open, i + 1)) {
    const next = xml.charCodeAt(i + open.length);
    // `<c ` or `<c>` or `<c/>`, not `<col`.
    if (next !== 32 && next !== 62 && next !== 47 && next !== 9 && next !== 10 && next !== 13) continue;
    const end = xml.indexOf('>', i);
    if (end < 0) return;
    yield xml.slice(i, end + 1);
  }
}

/** Worksheet part name → sheet name, from xl/workbook.xml and its relationships. */
function sheetNames(parts: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const wb = parts.get('xl/workbook.xml');
  const rels = parts.get('xl/_rels/workbook.xml.rels');
  if (wb === undefined || rels === undefined) return out;
  const targets = new Map<string, string>();
  for (const tag of startTags(rels, 'Relationship')) {
    const a = attributes(tag);
    const target = a.get('Target') ?? '';
    targets.set(a.get('Id') ?? '', target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  for (const tag of startTags(wb, 'sheet')) {
    const a = attributes(tag);
    const rid = [...a.entries()].find(([k]) => k.endsWith(':id'))?.[1];
    const part = rid === undefined ? undefined : targets.get(rid);
    if (part !== undefined) out.set(part, decodeXmlText(a.get('name') ?? ''));
  }
  return out;
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** 'B12' → { col: 1, row: 12 }; null when not a cell reference. */
function parseRef(ref: string): { col: number; row: number } | null {
  const m = /^([A-Z]{1,3})(\d{1,7})$/.exec(ref);
  if (!m?.[1] || !m[2]) return null;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) };
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Scans one worksheet: extent, duplicates, unreadable cells. Linear in the XML's length. */
function checkWorksheet(
  xml: string,
  sheet: string,
  sharedCount: number,
  limits: ImportLimits,
  cells: { left: number },
): void {
  const tooMany = (what: string) =>
    new FileRejection(`Tabellenblatt '${sheet}' hat mehr als ${what}`, sheet, null, null);
  let rows = 0;
  let row = 0;
  const seen = new Map<string, string>();
  for (let i = xml.indexOf('<row'); i >= 0; i = xml.indexOf('<row', i + 4)) {
    const after = xml.charCodeAt(i + 4);
    if (after !== 32 && after !== 62 && after !== 47) continue; // not <rowBreaks>
    const tagEnd = xml.indexOf('>', i);
    if (tagEnd < 0) break;
    const r = attributes(xml.slice(i, tagEnd + 1)).get('r');
    row = r === undefined ? row + 1 : Number(r);
    rows++;
    if (rows > limits.xlsxMaxRows || !(row <= limits.xlsxMaxRows)) {
      throw tooMany(`${count(limits.xlsxMaxRows)} Zeilen`);
    }
    const rowEnd = xml.charCodeAt(tagEnd - 1) === 47 ? tagEnd : xml.indexOf('</row>', tagEnd);
    const body = rowEnd < 0 ? xml.slice(tagEnd + 1) : xml.slice(tagEnd + 1, rowEnd);
    let col = -1;
    for (let j = body.indexOf('<c'); j >= 0; j = body.indexOf('<c', j + 2)) {
      const next = body.charCodeAt(j + 2);
      if (next !== 32 && next !== 62 && next !== 47) continue;
      const cTagEnd = body.indexOf('>', j);
      if (cTagEnd < 0) break;
      const tag = body.slice(j, cTagEnd + 1);
      const a = attributes(tag);
      const ref = a.get('r');
      const pos = ref === undefined ? { col: col + 1, row } : parseRef(ref);
      if (pos === null) {
        throw new FileRejection(`${UNREADABLE}: Zelle '${ref}' hat keine gültige Adresse`, sheet, row, null);
      }
      col = pos.col;
      if (col >= limits.xlsxMaxColumns) throw tooMany(`${count(limits.xlsxMaxColumns)} Spalten`);
      if (--cells.left < 0) {
        throw new FileRejection(
          `die .xlsx-Datei hat mehr als ${count(limits.xlsxMaxCells)} Zellen (Grenze XLSX_MAX_CELLS; überschritten in Tabellenblatt '${sheet}', Zeile ${count(pos.row)})`,
          sheet,
          pos.row,
          null,
        );
      }
      const selfClosing = body.charCodeAt(cTagEnd - 1) === 47;
      const cEnd = selfClosing ? cTagEnd + 1 : body.indexOf('</c>', cTagEnd);
      const content = selfClosing ? '' : body.slice(cTagEnd + 1, cEnd < 0 ? body.length : cEnd);
      const cellRef = `${columnLetter(pos.col)}${pos.row}`;
      const prev = seen.get(cellRef);
      if (prev !== undefined && prev !== content) {
        throw new FileRejection(
          `Zelle ${cellRef} steht zweimal im Blatt, mit verschiedenem Inhalt`,
          sheet,
          pos.row,
          columnLetter(pos.col),
        );
      }
      seen.set(cellRef, content);
      checkCellContent(a.get('t') ?? 'n', content, sharedCount, sheet, pos, cellRef);
    }
  }
}

/**
 * Cells merged in one sheet, at most: exceljs makes an object for every cell of a merged range,
 * so one `<mergeCell ref="A1:XFD1048576"/>` in a 7 KB file kept the import worker busy until
 * its heap ran out (19 s). A BA table merges a few hundred cells (a region over its gender rows).
 */
export const MAX_MERGED_CELLS = 200_000;

/** The merged ranges of a sheet: inside its row and column limits, and not too many cells in all. */
function checkMerges(xml: string, sheet: string, limits: ImportLimits): void {
  let cells = 0;
  for (const tag of startTags(xml, 'mergeCell')) {
    const ref = attributes(tag).get('ref') ?? '';
    const [from, to = from] = ref.split(':');
    const a = parseRef(from ?? '');
    const b = parseRef(to ?? '');
    if (a === null || b === null) {
      throw new FileRejection(`${UNREADABLE}: verbundener Bereich '${ref}' hat keine gültige Adresse`, sheet);
    }
    const rows = Math.abs(b.row - a.row) + 1;
    const cols = Math.abs(b.col - a.col) + 1;
    if (Math.max(a.row, b.row) > limits.xlsxMaxRows || Math.max(a.col, b.col) >= limits.xlsxMaxColumns) {
      throw new FileRejection(
        `Tabellenblatt '${sheet}': der verbundene Bereich ${ref} reicht über ${count(limits.xlsxMaxRows)} Zeilen oder ${count(limits.xlsxMaxColumns)} Spalten hinaus`,
        sheet,
      );
    }
    cells += rows * cols;
    if (cells > MAX_MERGED_CELLS) {
      throw new FileRejection(
        `Tabellenblatt '${sheet}' hat mehr als ${count(MAX_MERGED_CELLS)} verbundene Zellen (zuletzt ${ref})`,
        sheet,
      );
    }
  }
}

function checkCellContent(
  type: string,
  content: string,
  sharedCount: number,
  sheet: string,
  pos: { col: number; row: number },
  cellRef: string,
): void {
  const vStart = content.indexOf('<v>');
  if (vStart < 0) return;
  const vEnd = content.indexOf('</v>', vStart);
  const v = content.slice(vStart + 3, vEnd < 0 ? content.length : vEnd).trim();
  let ok = true;
  if (type === 's') ok = /^\d{1,9}$/.test(v) && Number(v) < sharedCount;
  else if (type === 'n') ok = NUMBER.test(v) && Number.isFinite(Number(v));
  else if (type === 'b') ok = v === '0' || v === '1';
  if (!ok) {
    throw new FileRejection(
      `Zelle ${cellRef}: beschädigter Zellinhalt (Typ '${type}', Wert '${v.slice(0, 40)}')`,
      sheet,
      pos.row,
      columnLetter(pos.col),
    );
  }
}

/**
 * Throws a FileRejection when the xlsx in `bytes` is past a limit or broken in a way exceljs
 * would answer with a crash, a hang or a raw JavaScript message.
 */
export function checkXlsx(bytes: Uint8Array, limits: ImportLimits): void {
  const entries = readZipDirectory(bytes);
  const tooBig = () =>
    new FileRejection(
      `die .xlsx-Datei ist entpackt größer als ${megabytes(limits.xlsxMaxUnpackedBytes)} (Grenze XLSX_MAX_UNPACKED_MB)`,
    );
  let declared = 0;
  for (const e of entries) declared += e.size;
  if (declared > limits.xlsxMaxUnpackedBytes) throw tooBig();
  const worksheets = entries.filter((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name));
  if (worksheets.length > limits.xlsxMaxSheets) {
    throw new FileRejection(
      `die .xlsx-Datei hat ${count(worksheets.length)} Tabellenblätter, erlaubt sind höchstens ${count(limits.xlsxMaxSheets)}`,
    );
  }
  const text = new TextDecoder('utf-8');
  const parts = new Map<string, string>();
  let budget = limits.xlsxMaxUnpackedBytes;
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    throw new FileRejection(
      'keine .xlsx-Datei: das ZIP-Archiv enthält keine Arbeitsmappe (xl/workbook.xml fehlt)',
    );
  }
  const xmlOf = (e: ZipEntry): string => {
    const data = inflateEntry(bytes, e, budget);
    if (data === null) throw tooBig();
    budget -= data.length;
    const xml = text.decode(data);
    // Excel writes no DTD; one is only there to expand entities or reach for outside files. It
    // stands before the root element (the prologue is searched, not the whole part).
    const root = xml.search(/<[A-Za-z_]/);
    if (/<!DOCTYPE/i.test(root < 0 ? xml : xml.slice(0, root))) {
      throw new FileRejection(
        `${UNREADABLE}: der Teil ${e.name} enthält eine DTD (<!DOCTYPE …>), die Excel nie schreibt`,
      );
    }
    return xml;
  };
  // The small parts first (names, shared string count), then the sheets one at a time.
  for (const e of entries) {
    if (worksheets.includes(e)) continue;
    if (!/\.(xml|rels)$/.test(e.name)) {
      const data = inflateEntry(bytes, e, budget);
      if (data === null) throw tooBig();
      budget -= data.length;
      continue;
    }
    const xml = xmlOf(e);
    if (
      e.name === 'xl/workbook.xml' ||
      e.name === 'xl/_rels/workbook.xml.rels' ||
      e.name === 'xl/sharedStrings.xml'
    )
      parts.set(e.name, xml);
  }
  const shared = parts.get('xl/sharedStrings.xml');
  let sharedCount = 0;
  if (shared !== undefined) for (const _ of startTags(shared, 'si')) sharedCount++;
  const names = sheetNames(parts);
  const cells = { left: limits.xlsxMaxCells };
  for (const e of worksheets) {
    const xml = xmlOf(e);
    checkWorksheet(xml, names.get(e.name) ?? e.name, sharedCount, limits, cells);
    checkMerges(xml, names.get(e.name) ?? e.name, limits);
  }
}
