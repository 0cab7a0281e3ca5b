/**
 * Writes the page shells (core/page-shells.ts) of a built dashboard: each is the built index.html
 * with the page's first render (web/shell.tsx, rendered in Node through Vite's SSR module loader)
 * inside `#root` and the stylesheet's colours in its head. Run by the Vite build (vite.config.ts)
 * before the files are precompressed. Vite's server here is its own (no config file, the React
 * plugin only): the shells need the app's modules, not the build's plugins.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';
import { PAGE_SHELLS, SHELL_DIR } from '../core/page-shells.js';

const EMPTY_ROOT = '<div id="root"></div>';
const HEAD_END = '</head>';

/** The one place of `part` in `html`; throws if it is not there exactly once. */
function onlyPlace(html: string, part: string): number {
  const at = html.indexOf(part);
  if (at < 0 || html.indexOf(part, at + 1) >= 0) throw new Error(`index.html must hold exactly one ${part}`);
  return at;
}

/**
 * `html` (the built index.html) with `markup` in its empty `#root` and `head` at the end of its
 * head; throws if either place is missing or not unique.
 */
export function withShell(html: string, markup: string, head = ''): string {
  const root = onlyPlace(html, EMPTY_ROOT);
  const headEnd = onlyPlace(html, HEAD_END);
  if (headEnd > root) throw new Error('index.html: the head must come before #root');
  return [
    html.slice(0, headEnd),
    head,
    html.slice(headEnd, root),
    `<div id="root">${markup}</div>`,
    html.slice(root + EMPTY_ROOT.length),
  ].join('');
}

/** Renders every page shell into `outDir`/shells from the sources in `webRoot`; returns how many. */
export async function writePageShells(outDir: string, webRoot: string): Promise<number> {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const vite = await createServer({
    configFile: false,
    root: webRoot,
    logLevel: 'warn',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [react()],
  });
  try {
    const { renderShell, shellStyle } = (await vite.ssrLoadModule('/shell.tsx')) as {
      renderShell: (path: string) => string;
      shellStyle: () => string;
    };
    const head = shellStyle();
    mkdirSync(join(outDir, SHELL_DIR), { recursive: true });
    // Synchronous renders, one after the other: a lazy page's module has not loaded by the time
    // its shell is rendered, so every shell holds the page's loading state, as the browser's first
    // render does.
    for (const shell of PAGE_SHELLS)
      writeFileSync(
        join(outDir, SHELL_DIR, shell.file),
        withShell(html, renderShell(shell.renderPath), head),
      );
  } finally {
    await vite.close();
  }
  return PAGE_SHELLS.length;
}
