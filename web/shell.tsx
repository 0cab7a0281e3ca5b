/**
 * A page's first paint as static HTML (core/page-shells.ts), rendered at build time in Node by
 * vite.config.ts: the same App, QueryClient without data and router at the page's path that the
 * browser's first render has, so the shell is that render's markup and React's first commit
 * replaces it with the same. Lazy pages render their Suspense fallback (their loading state).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Router } from 'wouter';
import { App } from './App';

export function renderShell(path: string): string {
  const queryClient = new QueryClient();
  return renderToStaticMarkup(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Router ssrPath={path} ssrSearch="">
          <App />
        </Router>
      </QueryClientProvider>
    </StrictMode>,
  );
}
