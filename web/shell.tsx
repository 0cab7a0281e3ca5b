/**
 * A page's first paint as static HTML (core/page-shells.ts), rendered at build time in Node by
 * scripts/page-shells.ts: the same Root and App, with an empty query cache and the router at the
 * page's path, that the browser's first render has, so the shell is that render's markup and
 * React's first commit replaces it with the same. Lazy pages render their Suspense fallback (their
 * loading state).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { Router } from 'wouter';
import { App } from './App';
import { PAGE_CSS_VARS } from './lib/palette';
import { createQueryClient, Root } from './Root';

export function renderShell(path: string): string {
  return renderToStaticMarkup(
    <Root client={createQueryClient()}>
      <Router ssrPath={path} ssrSearch="">
        <App />
      </Router>
    </Root>,
  );
}

/**
 * The stylesheet's colours (main.tsx sets them from script) as a rule for the shell's head, so
 * that the shell paints in them before any script has run.
 */
export function shellStyle(): string {
  const decls = Object.entries(PAGE_CSS_VARS).map(([name, value]) => `${name}:${value}`);
  return `<style>:root{${decls.join(';')}}</style>`;
}
