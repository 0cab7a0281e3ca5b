/**
 * Built JS per page, gzipped: for each entry and lazy page chunk in dist/web/.vite/manifest.json,
 * the chunk plus everything it imports statically (what the browser must load to show it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    name: z.string().optional(),
    src: z.string().optional(),
    isEntry: z.boolean().optional(),
    isDynamicEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    dynamicImports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

export interface PageSize {
  page: string;
  jsKbGzip: number;
  cssKbGzip: number;
  files: number;
}

function gzKb(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length / 1024;
}

/** Static import closure of a manifest key (the entry itself included). */
function closure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(manifest, dep, seen);
  return seen;
}

export function pageSizes(distDir = 'dist/web'): PageSize[] {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(`no build manifest at ${manifestPath}: run npm run build first`);
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entryKey) throw new Error('no entry in the build manifest');
  const entryFiles = closure(manifest, entryKey);
  const rows: PageSize[] = [];
  const measure = (page: string, keys: Set<string>) => {
    let js = 0;
    let css = 0;
    const cssFiles = new Set<string>();
    for (const k of keys) {
      const chunk = manifest[k];
      if (!chunk) continue;
      js += gzKb(join(distDir, chunk.file));
      for (const c of chunk.css ?? []) cssFiles.add(c);
    }
    for (const c of cssFiles) css += gzKb(join(distDir, c));
    rows.push({ page, jsKbGzip: js, cssKbGzip: css, files: keys.size });
  };
  measure('initial (entry)', entryFiles);
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.isDynamicEntry) continue;
    // A lazy page costs the entry plus its own static closure.
    const keys = new Set([...entryFiles, ...closure(manifest, key)]);
    measure(chunk.src ?? chunk.name ?? key, keys);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(
    pageSizes().map((r) => ({
      page: r.page,
      'JS KB gz': r.jsKbGzip.toFixed(1),
      'CSS KB gz': r.cssKbGzip.toFixed(1),
      chunks: r.files,
    })),
  );
}
