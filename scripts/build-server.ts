/**
 * Bundles the server (server/main.ts and everything it imports from server/ and etl/) into one ES
 * module, dist/server/main.js, that plain `node` runs without the tsx loader: the loader and its
 * on-the-fly TypeScript transform cost about 45 MB of resident memory and a slower start.
 * npm packages stay external (resolved from node_modules at run time), so the bundle holds only
 * our own code and a dynamic `import('exceljs')` still loads exceljs on first use.
 *
 * Source modules find files next to the project with `new URL('../data/…', import.meta.url)`
 * (server/main.ts, etl/seed.ts, etl/mapping.ts): they all sit one folder below the project root.
 * In the bundle every module shares one `import.meta.url`, that of dist/server/main.js, two
 * folders down; so `import.meta.url` is replaced by the URL of a virtual module one folder below
 * the root (<root>/server/main.js), and those paths resolve as they do under tsx.
 *
 *   npm run build:server   (part of `npm run build`)
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SOURCE_URL = '__zielmonitorSourceUrl';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/server/main.js and import-worker.js (with source maps); returns main.js's path. */
export async function buildServer(): Promise<string> {
  const outfile = `${ROOT}dist/server/main.js`;
  await build({
    absWorkingDir: ROOT,
    // The import worker is a second entry: dist/server/import-worker.js, started by etl/isolated.ts
    // relative to the bundle's own URL (__zielmonitorBundleUrl).
    entryPoints: { main: 'server/main.ts', 'import-worker': 'etl/import-worker.ts' },
    outdir: `${ROOT}dist/server`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    define: { 'import.meta.url': SOURCE_URL },
    banner: {
      js: `const ${SOURCE_URL} = new URL('../../server/main.js', import.meta.url).href; const __zielmonitorBundleUrl = import.meta.url;`,
    },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await buildServer();
}
