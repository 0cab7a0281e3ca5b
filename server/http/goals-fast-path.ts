/**
 * GET /api/goals answered by node:http itself, before Hono: the wall and the dashboards ask for it
 * most, and for a cached answer Hono's request and response objects, its router and the middleware
 * chain cost about as much CPU again as the answer (docs/benchmarks.md, ninth round).
 *
 * It takes only requests whose answer cannot differ from Hono's: GET of exactly /api/goals with a
 * query that needs no decoding and passes the route's own schema, anonymous reading on, and no
 * credentials (Authorization, a cookie, the proxy's user header), so there is no one to
 * authenticate. The answer comes from the same service call the route makes (the same data version
 * check and caches), its status, headers and body from the same function (`answerParts`), and the
 * log line is the envelope's. Anything else, and any error of the service, goes to Hono, which
 * answers it (or the error) as always.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { syncDataVersion } from '../db/repositories/meta.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../logger.js';
import { answerParts } from './cached-json.js';
import type { AppEnv } from './env.js';
import { logRequest, requestIdFrom } from './envelope.js';
import { goalsQuery } from './schemas.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type GoalsQuery = ReturnType<typeof goalsQuery.parse>;

/** Requests whose service call failed in the fast path, with the error, for Hono to answer. */
const failed = new WeakMap<IncomingMessage, unknown>();

/**
 * The app's middleware for /api/goals (first after the envelope): a request the fast path handed
 * on after its service call failed is answered with that error by the app's error handler.
 */
export const answerFastPathError: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.env?.incoming;
  if (incoming !== undefined && failed.has(incoming)) {
    const error = failed.get(incoming);
    failed.delete(incoming);
    throw error;
  }
  await next();
};

const PATH = '/api/goals';
/** Only characters that need no percent-decoding, in key=value pairs. */
const PLAIN_QUERY = /^[A-Za-z0-9_.~=&-]*$/;
const KEYS = new Set(Object.keys(goalsQuery.shape));
/** Validated queries by their raw text (a pure function of it), up to this many; emptied when full. */
const MAX_QUERIES = 4096;
const MAX_QUERY_LENGTH = 128;
const MAX_HOSTS = 64;

/**
 * The request listener: `fallback` is Hono's (@hono/node-server), for every request this one does
 * not take, and for one whose service call fails.
 */
export function withGoalsFastPath(deps: AppDeps, logger: Logger, fallback: Listener): Listener {
  const proxyHeader = deps.config.AUTH_PROXY_HEADER?.toLowerCase() ?? null;
  const queries = new Map<string, GoalsQuery>();
  const hosts = new Set<string>();

  /** The validated query, or null when Hono should answer (and explain) it. */
  function query(raw: string): GoalsQuery | null {
    const known = queries.get(raw);
    if (known !== undefined) return known;
    // A real goals query is a few dozen characters; a longer one (unknown keys) goes to Hono, so
    // that what this cache holds stays small.
    if (raw.length > MAX_QUERY_LENGTH || !PLAIN_QUERY.test(raw)) return null;

    // The route's validator builds the same object: a repeated key becomes an array (and fails).
    // Other keys are dropped by the schema there; here they are not collected.
    const value: Record<string, string | string[]> = {};
    for (const pair of raw.split('&')) {
      const at = pair.indexOf('=');
      const key = at < 0 ? pair : pair.slice(0, at);
      if (!KEYS.has(key)) continue;
      const v = at < 0 ? '' : pair.slice(at + 1);
      const before = value[key];
      value[key] = before === undefined ? v : Array.isArray(before) ? [...before, v] : [before, v];
    }
    const parsed = goalsQuery.safeParse(value);
    if (!parsed.success) return null;
    if (queries.size >= MAX_QUERIES) queries.clear();
    queries.set(raw, parsed.data);
    return parsed.data;
  }

  /** @hono/node-server's own check of the Host header (newRequest), cached per host. */
  function hostAccepted(host: string | undefined): boolean {
    if (host === undefined || host === '') return false; // Hono decides (its default hostname, or 400)
    if (hosts.has(host)) return true;
    let ok = false;
    try {
      const u = new URL(`http://${host}/`);
      ok = u.hostname.length === host.length || u.hostname === host.replace(/:\d+$/, '');
    } catch {
      ok = false;
    }
    if (ok && host.length <= MAX_QUERY_LENGTH) {
      if (hosts.size >= MAX_HOSTS) hosts.clear();
      hosts.add(host);
    }
    return ok;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, q: GoalsQuery): Promise<void> {
    const start = performance.now();
    let parts: ReturnType<typeof answerParts>;
    const h = req.headers;
    const rawId = h['x-request-id'];
    const requestId = requestIdFrom(typeof rawId === 'string' ? rawId : undefined);
    try {
      if (deps.db.dialect === 'postgres') await syncDataVersion(deps.db);
      const p = await deps.goals.goalsAnswer(q);
      parts = answerParts(p, {
        ifNoneMatch: typeof h['if-none-match'] === 'string' ? h['if-none-match'] : undefined,
        acceptEncoding: typeof h['accept-encoding'] === 'string' ? h['accept-encoding'] : undefined,
        requestId,
      });
    } catch (error) {
      // Hono answers with this error (`answerFastPathError`): its status and reason, its log
      // line, without doing the work a second time.
      failed.set(req, error);
      fallback(req, res);
      return;
    }
    try {
      res.writeHead(parts.status, parts.headers);
      if (parts.body === null) res.end();
      else res.end(parts.body);
      logRequest(logger, requestId, 'GET', PATH, parts.status, start);
    } catch (error) {
      logger.error({ err: error, requestId }, 'request failed');
      res.destroy();
    }
  }

  return (req, res) => {
    const url = req.url ?? '';
    if (
      req.method === 'GET' &&
      url.startsWith(PATH) &&
      (url.length === PATH.length || url.charCodeAt(PATH.length) === 63) && // '?'
      deps.config.ANONYMOUS_READ &&
      hostAccepted(req.headers.host) &&
      req.headers.authorization === undefined &&
      req.headers.cookie === undefined &&
      (proxyHeader === null || req.headers[proxyHeader] === undefined)
    ) {
      const q = query(url.slice(PATH.length + 1));
      if (q !== null) {
        void answer(req, res, q);
        return;
      }
    }
    fallback(req, res);
  };
}
