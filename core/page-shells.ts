/**
 * The pages whose first paint is written into HTML at build time (a "shell"): the app's header,
 * navigation and footer with the page's own loading state, as React renders them before any code
 * or data has arrived. The server sends a page's shell instead of the bare index.html, so the
 * browser paints it as soon as the HTML is parsed, while the scripts download; React replaces it
 * with the same markup on its first commit. The build (vite.config.ts, web/shell.tsx) renders
 * each shell from the app's own components; the server (server/http/static.ts) picks the file.
 *
 * The wall has no shell: it shows nothing until its tiles come, full screen, without the chrome.
 */

export interface PageShell {
  /** File name under dist/web/shells/. */
  readonly file: string;
  /** The path the build renders the app at for this shell. */
  readonly renderPath: string;
}

const SHELLS = {
  overview: { file: 'overview.html', renderPath: '/' },
  months: { file: 'monate.html', renderPath: '/monate' },
  goal: { file: 'ziel.html', renderPath: '/ziel/ziel' },
  imports: { file: 'importe.html', renderPath: '/importe' },
  alerts: { file: 'hinweise.html', renderPath: '/hinweise' },
  admin: { file: 'verwaltung.html', renderPath: '/verwaltung' },
} as const satisfies Record<string, PageShell>;

/** Every shell the build writes. */
export const PAGE_SHELLS: readonly PageShell[] = Object.values(SHELLS);

/** The directory under dist/web that holds the shells. */
export const SHELL_DIR = 'shells';

/** A goal's page: `/ziel/` and the goal's id, one segment. */
const GOAL_PAGE = /^\/ziel\/[^/]+$/;
/** The shells of exact paths (all but the goal's): each by the path it is rendered at. */
const BY_PATH = new Map<string, PageShell>(
  PAGE_SHELLS.filter((s) => s !== SHELLS.goal).map((s) => [s.renderPath, s]),
);

/**
 * The shell of a request path: the paths as the app links them (a goal's page by its one
 * segment), or null for any other, which gets the bare index.html. The client router also takes a
 * trailing slash or other letter case; those pages come without a shell, only later.
 */
export function shellFor(path: string): PageShell | null {
  return BY_PATH.get(path) ?? (GOAL_PAGE.test(path) ? SHELLS.goal : null);
}
