/**
 * What a page whose code failed to load needs to know about the server and this document, for
 * web/lib/lazy.ts: the build the page was loaded with (to tell a deployment), the preloads that
 * failed in this document, whether the server answers, and a reload that cannot loop.
 *
 * Why the failed preloads matter: Chromium keeps a failed module fetch in the document's module
 * map for good. No later import of that URL fetches it again, nor of any module that imports it;
 * and Vite's preload helper adds a `<link rel="modulepreload">` for each chunk a lazy import needs
 * before it imports, so a dependency that failed to preload stays failed. A fresh URL
 * (`?retry=n`) gets the page's own chunk again, but only a reload clears a failed dependency.
 */
import { client } from '../api';

let knownBuild: string | null = null;

/** Notes the build of the first /api/version answer: the build this document belongs to. */
export function noteBuild(build: string): void {
  if (knownBuild === null) knownBuild = build;
}

/** The version answer's build, noted once (for the dashboard's first request, App.tsx). */
export function noteBuildOf(body: unknown): void {
  if (typeof body === 'object' && body !== null && 'build' in body && typeof body.build === 'string') {
    noteBuild(body.build);
  }
}

/** The URL without query and fragment (a retry's `?retry=n` is the same file). */
function bare(href: string): string {
  const u = new URL(href, window.location.href);
  u.search = '';
  u.hash = '';
  return u.href;
}

const failedPreloads = new Set<string>();
let watching = false;

/** Starts noting the module and stylesheet preloads that fail in this document (once). */
export function watchPreloads(): void {
  if (watching || typeof document === 'undefined') return;
  watching = true;
  // Load errors do not bubble: caught on their way down.
  document.addEventListener(
    'error',
    (e) => {
      const t = e.target;
      if (t instanceof HTMLLinkElement && (t.rel === 'modulepreload' || t.rel === 'stylesheet')) {
        failedPreloads.add(bare(t.href));
      }
    },
    true,
  );
}

/**
 * True when a preload other than of `url` itself failed in this document: then the module at
 * `url` may depend on a chunk no import can fetch any more, and only a reload helps.
 */
export function otherPreloadFailed(url: string | null): boolean {
  for (const u of failedPreloads) if (u !== url) return true;
  return false;
}

/**
 * The same-origin script URL a failed dynamic import names (Chromium: "Failed to fetch dynamically
 * imported module: <url>", Firefox: "error loading dynamically imported module: <url>"), without
 * its query; null when the error names none (e.g. Vite's "Unable to preload CSS for …").
 */
export function failedModuleUrl(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  for (const m of message.matchAll(/https?:\/\/[^\s'"()]+/g)) {
    try {
      const u = new URL(m[0]);
      if (u.origin === window.location.origin && u.pathname.endsWith('.js')) return bare(u.href);
    } catch {
      // not a URL after all
    }
  }
  return null;
}

/** 'offline': no answer; 'new-build': the server runs another build than this document's. */
export type ServerState = 'offline' | 'new-build' | 'answering';

async function versionBuild(): Promise<string | null | 'offline'> {
  try {
    const res = await fetch(client.api.version.$path(), { cache: 'no-store' });
    if (!res.ok) return null;
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null && 'build' in body && typeof body.build === 'string'
      ? body.build
      : null;
  } catch {
    return 'offline';
  }
}

/**
 * Asks the server whether it answers and which build it runs. When this document's build is not
 * known, the module's own file tells: a hashed file that is gone (404) belongs to an older build.
 */
export async function probeServer(moduleUrl: string | null): Promise<ServerState> {
  const build = await versionBuild();
  if (build === 'offline') return 'offline';
  if (build !== null && knownBuild !== null) return build === knownBuild ? 'answering' : 'new-build';
  if (moduleUrl === null) return 'answering';
  try {
    const res = await fetch(moduleUrl, { method: 'HEAD', cache: 'no-store' });
    return res.status === 404 ? 'new-build' : 'answering';
  } catch {
    return 'offline';
  }
}

const RELOAD_KEY = 'zielmonitor:code-reload';
/** At most one automatic reload per tab in this time: a reload that does not help must not loop. */
export const RELOAD_GUARD_MS = 5 * 60_000;

/**
 * Reloads the document, unless it reloaded itself for its code less than RELOAD_GUARD_MS ago (or
 * the tab's storage is unavailable, so that this cannot be known). True when the reload started.
 */
export function reloadDocument(now = Date.now()): boolean {
  try {
    const last = Number(window.sessionStorage.getItem(RELOAD_KEY) ?? Number.NaN);
    if (Number.isFinite(last) && now - last >= 0 && now - last < RELOAD_GUARD_MS) return false;
    window.sessionStorage.setItem(RELOAD_KEY, String(now));
  } catch {
    return false;
  }
  window.location.reload();
  return true;
}
