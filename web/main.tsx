import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App, prefetchRoute } from './App';
import { ApiRequestError } from './api';
import { applyCssVars, PAGE_CSS_VARS } from './lib/palette';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again; a network error or 5xx might.
      retry: (count, err) => !(err instanceof ApiRequestError && err.status < 500) && count < 2,
    },
  },
});

// The stylesheet's colours, from the one palette (web/lib/palette.ts).
applyCssVars(document.documentElement, PAGE_CSS_VARS);
prefetchRoute(queryClient, window.location.pathname, window.location.search);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing in index.html');
// The first render as a transition: React renders it in slices of a few milliseconds, yielding to
// the browser in between, instead of one long task that blocks input while the page starts.
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
});
