/**
 * Serves the built dashboard (dist/web): hashed files under /assets/ are cached for a year, the
 * HTML never (so a new deployment is picked up at once), and every other GET that is not under
 * /api answers with index.html so that client routes like /ziel/K2-female or /wall work on reload.
 * A page with a shell (core/page-shells.ts) gets its shell instead: the same HTML with the page's
 * first render in it, painted before the scripts have run (a build without shells: index.html).
 * Files are sent precompressed (brotli, else gzip, as the browser accepts; written at build time
 * by scripts/compress-web.ts), so nothing is compressed per request. A Range header is ignored: the
 * whole file is sent with 200.
 *
 * Every answer carries a strong ETag of the file sent (so one per encoding), and an If-None-Match
 * naming it is answered 304 without a body: the HTML, revalidated on every visit, is then sent
 * again only after a deployment changed it.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { PAGE_SHELLS, SHELL_DIR, shellFor } from '../../core/page-shells.js';
import { etagMatches } from './cached-json.js';
import { type AppEnv, requestHeader } from './env.js';

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');

/** Runs `handler` only outside /api (API paths fall through to the API's 404). */
function outsideApi(handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (isApi(c.req.path) ? next() : handler(c, next));
}

/**
 * The strong ETag of a file as sent, by its path (a .br or .gz copy is a file of its own, and its
 * encoding is named in the tag too): made from its bytes and kept while the file's size and
 * modification time stay the same (one stat per answer), so that a build rewritten under a
 * running server is not revalidated with the old bytes' tag. Null when the file cannot be read.
 */
function fileTags(): (file: string, encoding: string | null) => Promise<string | null> {
  const tags = new Map<string, { stamp: string; tag: Promise<string> }>();
  return async (file, encoding) => {
    let stamp: string;
    try {
      const s = await stat(file);
      stamp = `${s.size}:${s.mtimeMs}`;
    } catch {
      return null;
    }
    let entry = tags.get(file);
    if (entry === undefined || entry.stamp !== stamp) {
      const tag = readFile(file).then((bytes) => {
        const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
        return `"${hash}${encoding === null ? '' : `-${encoding}`}"`;
      });
      entry = { stamp, tag };
      tags.set(file, entry);
      // A failed read is tried again at the next answer (the file is sent all the same).
      tag.catch(() => tags.delete(file));
    }
    return entry.tag.catch(() => null);
  };
}

/** Headers that describe the 200's body, which a 304 does not send (RFC 9110 15.4.5). */
const BODY_HEADERS = ['content-length', 'content-encoding'];

/**
 * Adds the ETag of `file` (the file serveStatic answered with) to the answer in `c`, and turns it
 * into a 304 without a body when the request's If-None-Match names it (weak comparison). The
 * 304 keeps ETag, Vary, Cache-Control and Content-Type.
 */
async function revalidate(
  c: Context<AppEnv>,
  file: string,
  tagOf: ReturnType<typeof fileTags>,
): Promise<void> {
  const etag = await tagOf(file, c.res.headers.get('content-encoding'));
  if (etag === null) return;
  c.header('ETag', etag);
  if (!etagMatches(requestHeader(c, 'if-none-match'), etag)) return;
  // The file's stream, opened for the 200, is closed unread.
  await c.res.body?.cancel();
  // Hono copies the 200's headers onto the new answer, all but Content-Type: that is kept as it
  // was (@hono/node-server would send text/plain, which a cache may store over the page's type);
  // those of the body are removed.
  const type = c.res.headers.get('content-type');
  c.res = new Response(null, { status: 304, headers: type === null ? {} : { 'content-type': type } });
  for (const name of BODY_HEADERS) c.res.headers.delete(name);
}

export function mountStatic(app: Hono<AppEnv>, root: string): void {
  // The file each answered request was sent (serveStatic's onFound), for its ETag.
  const sent = new WeakMap<Context<AppEnv>, string>();
  const onFound = (file: string, c: Context<AppEnv>) => {
    sent.set(c, file);
  };
  const tagOf = fileTags();
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
      const file = sent.get(c);
      if (file !== undefined) await revalidate(c, file, tagOf);
    }),
  );
  // One handler per shell, made once. A missing file (a build from before the shells) falls
  // through to index.html below.
  const shells = new Map(
    PAGE_SHELLS.map((shell) => [
      shell,
      serveStatic<AppEnv>({ root, path: `${SHELL_DIR}/${shell.file}`, precompressed: true, onFound }),
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
  const files = serveStatic<AppEnv>({ root, precompressed: true, onFound });
  // The shells are sent for their pages only; by their own path they are not the app's.
  const shellPath = `/${SHELL_DIR}/`;
  app.get(
    '*',
    outsideApi((c, next) => (c.req.path.startsWith(shellPath) ? next() : files(c, next))),
  );
  // SPA fallback: any other non-API GET gets index.html; the client router decides what it means.
  const index = serveStatic<AppEnv>({ root, path: 'index.html', precompressed: true, onFound });
  app.get(
    '*',
    outsideApi((c, next) =>
      // A missing asset is a 404, not the app.
      c.req.path.startsWith('/assets/') ? next() : index(c, next),
    ),
  );
}
