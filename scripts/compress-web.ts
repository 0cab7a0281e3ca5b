/**
 * Precompresses the built dashboard: next to every compressible file in dist/web it writes a
 * brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy, which the server sends by the
 * browser's Accept-Encoding (server/http/static.ts). Done once at build time, so the server never
 * compresses a static file per request. Run by the Vite build (vite.config.ts) and by itself:
 *
 *   npx tsx scripts/compress-web.ts [dist/web]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest|map|ico)$/;
/** Below this a compressed copy saves less than the header and round trip cost. */
const MIN_BYTES = 512;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield path;
  }
}

/** Writes `.br` and `.gz` beside each compressible file of `dir`; returns how many files. */
export function precompress(dir: string): number {
  let n = 0;
  for (const path of files(dir)) {
    const raw = readFileSync(path);
    if (raw.byteLength < MIN_BYTES) continue;
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    if (br.byteLength < raw.byteLength) writeFileSync(`${path}.br`, br);
    if (gz.byteLength < raw.byteLength) writeFileSync(`${path}.gz`, gz);
    n++;
  }
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2] ?? 'dist/web';
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  process.stdout.write(`precompressed ${precompress(dir)} files in ${dir}\n`);
}
