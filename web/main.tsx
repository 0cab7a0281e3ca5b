import { startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App, prefetchRoute } from './App';
import { installGermanValidity } from './lib/german-validity';
import { applyCssVars, PAGE_CSS_VARS } from './lib/palette';
import { createQueryClient, Root } from './Root';
import './styles.css';

const queryClient = createQueryClient();

// The stylesheet's colours, from the one palette (web/lib/palette.ts). A page shell has them in
// its HTML already (web/shell.tsx); index.html (the wall, unknown paths) gets them here.
applyCssVars(document.documentElement, PAGE_CSS_VARS);
prefetchRoute(queryClient, window.location.pathname, window.location.search);
// The browser's form checks in German, whatever the browser's language.
installGermanValidity(document);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing in index.html');
// The first render as a transition: React renders it in slices of a few milliseconds, yielding to
// the browser in between, instead of one long task that blocks input while the page starts. Its
// commit replaces a page shell's markup (the same markup, core/page-shells.ts) in #root.
startTransition(() => {
  createRoot(root).render(
    <Root client={queryClient}>
      <App />
    </Root>,
  );
});
