/**
 * Serves the built dashboard (dist/web): hashed files under /assets/ are cached for a year, the
 * HTML never (so a new deployment is picked up at once), and every other GET that is not under
 * /api answers with index.html so that client routes like /ziel/K2-female or /wall work on reload.
 * A page with a shell (core/page-shells.ts) gets its shell instead: the same HTML with the page's
 * first render in it, painted before the scripts have run (a build without shells: index.html).
 * Files are sent precompressed (brotli, else gzip, as the browser accepts; written at build time
 * by scripts/compress-web.ts), so nothing is compressed per request. A Range header is ignored: the
 * whole file is sent with 200.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import { PAGE_SHELLS, SHELL_DIR, shellFor } from '../../core/page-shells.js';
import type { AppEnv } from './env.js';

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');

/** Runs `handler` only outside /api (API paths fall through to the API's 404). */
function outsideApi(handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (isApi(c.req.path) ? next() : handler(c, next));
}

export function mountStatic(app: Hono<AppEnv>, root: string): void {
  app.use(
    '*',
    outsideApi(async (c, next) => {
      // Ranges are ignored (RFC 9110 allows it): the files are small, sent whole and precompressed,
      // and serveStatic's own handling answers a range past the end with a 500.
      if (c.req.raw.headers.has('range')) c.req.raw.headers.delete('range');
      await next();
      if (c.res.status !== 200) return;
      // Every static answer depends on Accept-Encoding (the identity one included), for caches.
      if (!c.res.headers.has('vary')) c.header('Vary', 'Accept-Encoding');
      if (c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
      else if ((c.res.headers.get('content-type') ?? '').startsWith('text/html'))
        c.header('Cache-Control', 'no-cache');
    }),
  );
  // One handler per shell, made once. A missing file (a build from before the shells) falls
  // through to index.html below.
  const shells = new Map(
    PAGE_SHELLS.map((shell) => [
      shell,
      serveStatic<AppEnv>({ root, path: `${SHELL_DIR}/${shell.file}`, precompressed: true }),
    ]),
  );
  app.get(
    '*',
    outsideApi((c, next) => {
      const shell = shellFor(c.req.path);
      const serve = shell === null ? undefined : shells.get(shell);
      return serve === undefined ? next() : serve(c, next);
    }),
  );
  const files = serveStatic<AppEnv>({ root, precompressed: true });
  // The shells are sent for their pages only; by their own path they are not the app's.
  const shellPath = `/${SHELL_DIR}/`;
  app.get(
    '*',
    outsideApi((c, next) => (c.req.path.startsWith(shellPath) ? next() : files(c, next))),
  );
  // SPA fallback: any other non-API GET gets index.html; the client router decides what it means.
  const index = serveStatic<AppEnv>({ root, path: 'index.html', precompressed: true });
  app.get(
    '*',
    outsideApi((c, next) =>
      // A missing asset is a 404, not the app.
      c.req.path.startsWith('/assets/') ? next() : index(c, next),
    ),
  );
}
