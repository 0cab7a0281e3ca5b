/**
 * Writes the page shells (core/page-shells.ts) of a built dashboard: each is the built index.html
 * with the page's first render (web/shell.tsx, rendered in Node through Vite's SSR module loader)
 * inside `#root`. Run by the Vite build (vite.config.ts) before the files are precompressed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';
import { PAGE_SHELLS, SHELL_DIR } from '../core/page-shells.js';

const EMPTY_ROOT = '<div id="root"></div>';

/** `html` (the built index.html) with `markup` in its empty `#root`; throws if there is none. */
export function withShell(html: string, markup: string): string {
  const at = html.indexOf(EMPTY_ROOT);
  if (at < 0 || html.indexOf(EMPTY_ROOT, at + 1) >= 0)
    throw new Error(`index.html must hold exactly one ${EMPTY_ROOT}`);
  return `${html.slice(0, at)}<div id="root">${markup}</div>${html.slice(at + EMPTY_ROOT.length)}`;
}

/** Renders every page shell into `outDir`/shells from the sources in `webRoot`; returns how many. */
export async function writePageShells(outDir: string, webRoot: string): Promise<number> {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const vite = await createServer({
    configFile: false,
    root: webRoot,
    logLevel: 'warn',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [react()],
  });
  try {
    const { renderShell } = (await vite.ssrLoadModule('/shell.tsx')) as {
      renderShell: (path: string) => string;
    };
    mkdirSync(join(outDir, SHELL_DIR), { recursive: true });
    for (const shell of PAGE_SHELLS)
      writeFileSync(join(outDir, SHELL_DIR, shell.file), withShell(html, renderShell(shell.renderPath)));
  } finally {
    await vite.close();
  }
  return PAGE_SHELLS.length;
}
