/**
 * The admin token pasted into this browser tab (the break-glass ADMIN_TOKEN), shared by the pages
 * that write with it (Importe, Hinweise). It stays in sessionStorage only: gone when the tab
 * closes, and sent only with writes (web/pages/imports/access.ts).
 */
import { useCallback, useState } from 'react';

const TOKEN_KEY = 'zielmonitor.adminToken';

function readToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function storeToken(t: string): void {
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token then lives only in this page.
  }
}

/** The tab's admin token and a setter that also stores it ('' forgets it). */
export function useAdminToken(): [token: string, setToken: (t: string) => void] {
  const [token, setToken] = useState(readToken);
  const set = useCallback((t: string) => {
    setToken(t);
    storeToken(t);
  }, []);
  return [token, set];
}
