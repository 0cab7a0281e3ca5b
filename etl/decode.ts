/**
 * Bytes → text: UTF-16 with BOM, UTF-8 (with or without BOM) when valid, else Windows-1252. Text
 * holding a NUL character is no text file of any reader (UTF-16 without byte order mark, a binary
 * file under a text name): rejected here, for the import and the wizard's preview alike.
 */
import { FileRejection } from './types.js';

// Windows-1252 differs from Latin-1 in 0x80–0x9F (€, „, –, …). Node's small ICU decodes
// 'windows-1252' as Latin-1, so the table is spelled out here.
const CP1252_HIGH = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122,
  0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i] ?? 0;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? 0xfffd) : b;
    }
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

export type TextEncoding = 'utf-8' | 'utf-16' | 'windows-1252';

/**
 * Where UTF-8 decoding fails: the byte offset of the first invalid sequence and whether valid
 * multi-byte sequences occur before it (then the file is UTF-8 with a broken byte, not
 * Windows-1252).
 */
function firstInvalidUtf8(bytes: Uint8Array): { at: number; multibyte: boolean } | null {
  let multibyte = false;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= n;
    for (let k = 1; ok && k < len; k++) ok = ((bytes[i + k] ?? 0) & 0xc0) === 0x80;
    if (!ok) return { at: i, multibyte };
    multibyte = true;
    i += len;
  }
  return null;
}

function lineOf(bytes: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
  return line;
}

/**
 * A CR not followed by LF ends a line as well (classic Mac files; a file edited on several systems
 * mixes CRLF, LF and CR alone): each becomes LF, so every reader sees the lines an editor shows.
 * CRLF stays as it is; a text without a lone CR is returned unchanged (no copy).
 */
function normaliseLineEnds(text: string): string {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return text.replace(/\r(?!\n)/g, '\n');
  }
  return text;
}

/** How much of a text's start decides whether its NUL characters make it UTF-16 without BOM. */
const UTF16_PROBE_CHARS = 4096;

/**
 * `text` unless it holds a NUL character: no reader's format has one (PostgreSQL cannot even
 * store it). UTF-16 without a byte order mark decodes as UTF-8 with a NUL beside every ASCII
 * character; it is named as such. The line is that of the first NUL.
 */
function withoutNul(decoded: { text: string; encoding: TextEncoding }): {
  text: string;
  encoding: TextEncoding;
} {
  const { text } = decoded;
  const at = text.indexOf('\0');
  if (at < 0) return decoded;
  const head = text.slice(0, UTF16_PROBE_CHARS);
  let nuls = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nuls++;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  throw new FileRejection(
    nuls * 3 >= head.length
      ? 'Format nicht erkannt: die Datei ist offenbar UTF-16 ohne Byte-Order-Mark (bitte als UTF-8 oder als UTF-16 mit BOM speichern)'
      : 'Format nicht erkannt: die Datei enthält ein Null-Byte (keine Textdatei; erwartet CSV als UTF-8, UTF-16 mit BOM oder Windows-1252)',
    null,
    line,
    null,
  );
}

/**
 * Decodes a text file: UTF-16 with a byte order mark, UTF-8 (a leading BOM is dropped), else
 * Windows-1252. A file that is UTF-8 except for a broken byte is rejected with that byte's line
 * (decoding it as Windows-1252 would garble every umlaut in it), a text with a NUL character as
 * no text file (withoutNul).
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  return withoutNul(decodeBytes(bytes));
}

function decodeBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    let le = bytes.subarray(2);
    if (bytes[0] === 0xfe) {
      le = new Uint8Array(le.length);
      for (let i = 0; i + 1 < le.length; i += 2) {
        le[i] = bytes[i + 3] ?? 0;
        le[i + 1] = bytes[i + 2] ?? 0;
      }
    }
    return { text: normaliseLineEnds(new TextDecoder('utf-16le').decode(le)), encoding: 'utf-16' };
  }
  try {
    // fatal: invalid UTF-8 throws, which is how Windows-1252 files are recognised.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: normaliseLineEnds(text), encoding: 'utf-8' };
  } catch {
    // below: broken UTF-8 or Windows-1252
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad?.multibyte) {
    const hex = (bytes[bad.at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new FileRejection(
      `ungültiges UTF-8: Byte 0x${hex} passt nicht zur übrigen Kodierung der Datei (bitte als UTF-8 speichern)`,
      null,
      lineOf(bytes, bad.at),
      null,
    );
  }
  return { text: normaliseLineEnds(decodeWindows1252(bytes)), encoding: 'windows-1252' };
}

const ZIP = [0x50, 0x4b, 0x03, 0x04] as const;
const OLE = [0xd0, 0xcf, 0x11, 0xe0] as const;

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * What a file is, from its bytes (and, for a workbook, its name): an xlsx (a ZIP archive) or a
 * text, decoded. The one place the import and the wizard's preview refuse an empty file, an old
 * binary .xls, an .xlsx that is no ZIP archive and a text that is no text (decodeText).
 */
export function sniffFile(
  name: string,
  bytes: Uint8Array,
): { kind: 'xlsx' } | { kind: 'text'; text: string } {
  if (bytes.length === 0) throw new FileRejection('Datei ist leer');
  if (startsWith(bytes, ZIP)) return { kind: 'xlsx' };
  if (startsWith(bytes, OLE)) {
    throw new FileRejection(
      'altes Excel-Format (.xls) wird nicht unterstützt: bitte als .xlsx oder CSV speichern',
    );
  }
  if (/\.xlsx$/i.test(name)) throw new FileRejection('keine gültige .xlsx-Datei (kein ZIP-Archiv)');
  const { text } = decodeText(bytes);
  if (text.trim() === '') throw new FileRejection('Datei ist leer');
  return { kind: 'text', text };
}
