/**
 * Bundles the server (server/main.ts and everything it imports from server/ and etl/) into one ES
 * module, dist/server/server.js, started by its entry dist/server/main.js (server/entry.ts: V8's heap
 * settings before the server's npm packages load; so in stack traces server.js is server/main.ts's
 * bundle and main.js the entry), and the ETL command line (etl/main.ts) into dist/etl/cli-main.js,
 * started by its entry dist/etl/cli.js (etl/cli-entry.ts: the import worker forked first): plain
 * `node` runs them without the tsx loader, whose on-the-fly TypeScript transform costs about 45 MB
 * of resident memory and (measured for the CLI) over a second of start-up before any work.
 * npm packages stay external (resolved from node_modules at run time), so the bundle holds only
 * our own code and a dynamic `import('exceljs')` still loads exceljs on first use. The ETL
 * bundles take kysely and zod in (pure ES modules of our code's own use): loading their several
 * hundred files cost the command line about 0.15 s of CPU in each of its two threads, now its two
 * processes (measured: docs/benchmarks.md), a third of its fixed start-up.
 *
 * Source modules find files next to the project with `new URL('../data/…', import.meta.url)`
 * (server/main.ts, etl/seed.ts, etl/mapping.ts): they all sit one folder below the project root.
 * In a bundle every module shares one `import.meta.url`, that of dist/<x>/<y>.js, two folders
 * down; so `import.meta.url` is replaced by the URL of a virtual module one folder below the root
 * (<root>/server/main.js, <root>/etl/main.js), and those paths resolve as they do under tsx.
 *
 *   npm run build:server   (part of `npm run build`)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const SOURCE_URL = '__zielmonitorSourceUrl';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * One bundle directory: `entries` (name → source one folder below the root) into `outdir` (two
 * folders below the root), each with the import worker beside it: etl/isolated.ts starts
 * ./import-worker.js relative to the bundle's own URL (__zielmonitorBundleUrl).
 */
async function bundle(
  entries: Record<string, string>,
  outdir: string,
  sourceModule: string,
  { inline = [], plugins = [] }: { inline?: readonly string[]; plugins?: Plugin[] } = {},
): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { ...entries, 'import-worker': 'etl/import-worker.ts' },
    outdir: `${ROOT}${outdir}`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    ...(inline.length === 0
      ? { packages: 'external' as const, plugins }
      : { plugins: [...plugins, packagesExternalExcept(inline)] }),
    sourcemap: true,
    define: { 'import.meta.url': SOURCE_URL },
    banner: {
      js: `const ${SOURCE_URL} = new URL('../../${sourceModule}', import.meta.url).href; const __zielmonitorBundleUrl = import.meta.url;`,
    },
    logLevel: 'warning',
  });
}

/** npm packages external (as `packages: 'external'`), except those named in `inline`. */
function packagesExternalExcept(inline: readonly string[]): Plugin {
  return {
    name: 'packages-external-except',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split('/');
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
        return inline.includes(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/**
 * An entry's dynamic import of `./main.js` (server/entry.ts: server/main.ts; etl/cli-entry.ts:
 * etl/main.ts) is the bundle `target` beside it, not bundled into the entry: the entry does its
 * work (V8's heap settings; the import worker's early start) before that bundle's npm packages
 * load.
 */
function bundleBesideEntry(entry: string, target: string): Plugin {
  const file = join(ROOT, entry);
  return {
    name: `beside-${entry}`,
    setup(b) {
      b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
        args.importer === file && args.kind === 'dynamic-import'
          ? { path: target, external: true }
          : undefined,
      );
    },
  };
}

/**
 * Builds dist/server/main.js (the entry: heap settings, then the server), server.js (the server)
 * and import-worker.js, with source maps; returns main.js's path.
 */
export async function buildServer(): Promise<string> {
  await bundle({ main: 'server/entry.ts', server: 'server/main.ts' }, 'dist/server', 'server/main.js', {
    plugins: [bundleBesideEntry('server/entry.ts', './server.js')],
  });
  return `${ROOT}dist/server/main.js`;
}

/**
 * Builds dist/etl/cli.js (the entry: the import worker's early start, then the command line),
 * cli-main.js (the command line) and import-worker.js: what `npm run etl` runs (no tsx).
 */
export async function buildEtlCli(): Promise<string> {
  await bundle({ cli: 'etl/cli-entry.ts', 'cli-main': 'etl/main.ts' }, 'dist/etl', 'etl/main.js', {
    inline: ['kysely', 'zod'],
    plugins: [bundleBesideEntry('etl/cli-entry.ts', './cli-main.js')],
  });
  return `${ROOT}dist/etl/cli.js`;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await Promise.all([buildServer(), buildEtlCli()]);
}
