import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { precompress } from './scripts/compress-web.js';

const apiPort = Number(process.env.PORT ?? 8080);

/** Brotli and gzip copies of every built file, served by Accept-Encoding (server/http/static.ts). */
function precompressPlugin(): Plugin {
  return {
    name: 'zielmonitor-precompress',
    apply: 'build',
    closeBundle() {
      precompress(fileURLToPath(new URL('./dist/web', import.meta.url)));
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [react(), precompressPlugin()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    // bench/sizes.ts reads the manifest to report the JS each page loads.
    manifest: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': `http://127.0.0.1:${apiPort}` },
  },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // PostgreSQL-only tests run in the PostgreSQL run (tests/support/vitest.pg.ts).
    exclude: ['tests/pg/**', 'node_modules/**'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and crash tests start processes; keep parallelism within 2 cores.
    maxWorkers: 2,
  },
});
