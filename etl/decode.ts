/** Bytes → text: UTF-8 (with or without BOM) when valid, else Windows-1252. */

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

export type TextEncoding = 'utf-8' | 'windows-1252';

/** Decodes a text file; a leading UTF-8 BOM is dropped. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    // fatal: invalid UTF-8 throws, which is how Windows-1252 files are recognised.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}
