import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { addCompileHints, type ChunkInfo } from './scripts/compile-hints.js';
import { precompress } from './scripts/compress-web.js';
import { writePageShells } from './scripts/page-shells.js';

const apiPort = Number(process.env.PORT ?? 8080);

/** The test files that run after all others, one at a time (see `projects` below). */
const ALONE = ['tests/reliability/hostile-corpus.test.ts', 'tests/reliability/upload-responsive.test.ts'];

/**
 * After the bundle: V8's compile hint on the chunks every page runs at load
 * (scripts/compile-hints.ts), the page shells (core/page-shells.ts, each page's first render
 * written into its HTML), then brotli and gzip copies of every built file, served by
 * Accept-Encoding (server/http/static.ts). In this order, so what is compressed is final.
 */
function finishPlugin(): Plugin {
  let out = '';
  let webRoot = '';
  let chunks: ChunkInfo[] = [];
  return {
    name: 'zielmonitor-finish',
    apply: 'build',
    configResolved(config) {
      // The build's own output directory (dist/web, or what --outDir says).
      out = resolve(config.root, config.build.outDir);
      webRoot = config.root;
    },
    writeBundle(options, bundle) {
      // The chunks as written: after Vite's own plugins, which prepend to the entry chunk up to
      // the end of generateBundle. Where they were written, if the output options say.
      if (options.dir) out = resolve(options.dir);
      chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
    },
    async closeBundle(error) {
      // Also called after a failed build: its error is the one to see, not a missing index.html.
      const written = chunks;
      chunks = []; // a build that writes nothing (watch mode's next round, write: false) hints nothing
      if (error) return;
      addCompileHints(out, written);
      await writePageShells(out, webRoot);
      precompress(out);
    },
  };
}

/**
 * The entry's stylesheet inlined into index.html (about 3.5 KB compressed): the first paint waits
 * for the HTML alone instead of a second, render-blocking request. The CSP allows inline styles.
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'zielmonitor-inline-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        return html.replace(
          /<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g,
          (tag, file: string) => {
            const asset = bundle[file];
            return asset?.type === 'asset' ? `<style>${String(asset.source)}</style>` : tag;
          },
        );
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [react(), inlineEntryCss(), finishPlugin()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    // dist/web/.vite/manifest.json: each page's module and the chunks it loads, to look them up.
    manifest: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': `http://127.0.0.1:${apiPort}` },
  },
  test: {
    root: '.',
    reporters: ['default', './tests/support/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and crash tests start processes; keep parallelism within 2 cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          // PostgreSQL-only tests run in the PostgreSQL run (tests/support/vitest.pg.ts).
          exclude: ['tests/pg/**', 'node_modules/**', ...ALONE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // After the suite, with nothing beside it: these files watch the server answer while
        // imports run in the worker process (answers in every part of the import, no gap longer
        // than a share of it; no latency is asserted since 3 December), and another test file
        // beside them on the 2 cores would make them watch the machine instead. When they still
        // timed each answer (/api/health under 1 s, /api/goals under 500 ms per poll), module
        // loading, Chromium or the heap-settings tests beside them failed two of ten CI runs.
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
