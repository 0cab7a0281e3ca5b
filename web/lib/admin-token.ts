/**
 * The admin token pasted into this browser tab (the break-glass ADMIN_TOKEN), shared by the pages
 * that write with it (Importe, Hinweise). It stays in sessionStorage only: gone when the tab
 * closes, and sent with writes (web/pages/imports/access.ts) and the reads that need the role
 * (the recipient list). It is one value per tab: every
 * component that asks for it sees a change at once (on Hinweise the token typed into the mute form
 * also opens the recipient list), not only after a reload.
 */
import { useSyncExternalStore } from 'react';

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

/** The tab's token as last set here (read from sessionStorage once, on first use). */
let current: string | null = null;
const listeners = new Set<() => void>();

function snapshot(): string {
  current ??= readToken();
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setToken(t: string): void {
  current = t;
  storeToken(t);
  for (const listener of listeners) listener();
}

/** The tab's admin token and a setter that also stores it ('' forgets it). */
export function useAdminToken(): [token: string, setToken: (t: string) => void] {
  const token = useSyncExternalStore(subscribe, snapshot, () => '');
  return [token, setToken];
}
