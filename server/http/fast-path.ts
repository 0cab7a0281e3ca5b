/**
 * GET /api/goals and GET /api/comparison answered by node:http itself, before Hono: the wall and
 * the dashboards ask for them most, and for a cached answer Hono's request and response objects,
 * its router and the middleware chain cost about as much CPU again as the answer
 * (docs/benchmarks.md, ninth round).
 *
 * It takes only requests whose answer cannot differ from Hono's: GET of exactly one of those paths
 * with a query that needs no decoding and passes the route's own schema, anonymous reading on, and
 * no credentials (Authorization, a cookie, the proxy's user header), so there is no one to
 * authenticate. The answer comes from the same service call the route makes (the same data version
 * check and caches), its status, headers and body from the same function (`answerParts`), and the
 * log line is the envelope's. Anything else goes to Hono, which answers it as always; an error of
 * the service is handed to the app with the request, which answers it (`answerFastPathError`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { syncDataVersion } from '../db/repositories/meta.js';
import type { AppDeps } from '../deps.js';
import type { JsonAnswer } from '../goals/answer.js';
import type { Logger } from '../logger.js';
import { answerParts } from './cached-json.js';
import type { AppEnv } from './env.js';
import { logRequest, requestIdFrom } from './envelope.js';
import { comparisonQuery, goalsQuery } from './schemas.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Requests whose service call failed in the fast path, with the error, for Hono to answer. */
const failed = new WeakMap<IncomingMessage, unknown>();

/**
 * The app's middleware for /api/* (first after the envelope): a request the fast path handed
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

/** Only characters that need no percent-decoding, in key=value pairs. */
const PLAIN_QUERY = /^[A-Za-z0-9_.~=&-]*$/;
/** Validated queries by their raw text (a pure function of it), up to this many; emptied when full. */
const MAX_QUERIES = 4096;
const MAX_QUERY_LENGTH = 128;
const MAX_HOSTS = 64;
const MAX_HOST_LENGTH = 255;

/** The service call of a validated query. */
type Answer = () => Promise<JsonAnswer<unknown>>;

interface FastRoute {
  path: string;
  /** The query's keys the route's schema knows (others it refuses). */
  keys: ReadonlySet<string>;
  /** The service call for a query object as the route's validator builds it; null when invalid. */
  prepare(value: Record<string, string | string[]>): Answer | null;
}

function fastRoute<S extends z.ZodObject>(
  path: string,
  schema: S,
  answer: (q: z.output<S>) => Promise<JsonAnswer<unknown>>,
): FastRoute {
  return {
    path,
    keys: new Set(Object.keys(schema.shape)),
    prepare(value) {
      const parsed = schema.safeParse(value);
      if (!parsed.success) return null;
      const q = parsed.data;
      return () => answer(q);
    },
  };
}

/** The routes taken, each as its Hono route does it (server/routes/goals.ts, comparison.ts). */
function fastRoutes(deps: AppDeps): Map<string, FastRoute> {
  return new Map(
    [
      fastRoute('/api/goals', goalsQuery, (q) => deps.goals.goalsAnswer(q)),
      fastRoute('/api/comparison', comparisonQuery, (q) => deps.goals.comparisonAnswer(q)),
    ].map((r) => [r.path, r]),
  );
}

/**
 * The request listener: `fallback` is Hono's (@hono/node-server), for every request this one does
 * not take, and for one whose service call fails.
 */
export function withFastPath(deps: AppDeps, logger: Logger, fallback: Listener): Listener {
  const proxyHeader = deps.config.AUTH_PROXY_HEADER?.toLowerCase() ?? null;
  const routes = fastRoutes(deps);
  const queries = new Map<string, Answer>();
  const hosts = new Set<string>();

  /** The service call of a valid query, or null when Hono should answer (and explain) it. */
  function prepared(route: FastRoute, raw: string): Answer | null {
    const key = `${route.path}?${raw}`;
    const known = queries.get(key);
    if (known !== undefined) return known;
    // A real query is a few dozen characters; a longer one (unknown keys) goes to Hono, so that
    // what this cache holds stays small.
    if (raw.length > MAX_QUERY_LENGTH || !PLAIN_QUERY.test(raw)) return null;
    // The route's validator builds the same object: a repeated key becomes an array (and fails).
    // A key the schema does not know is refused there (400): Hono answers it. Empty names
    // (`&&`, `=1`) are skipped by both.
    const value: Record<string, string | string[]> = {};
    for (const pair of raw.split('&')) {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      if (name === '') continue;
      if (!route.keys.has(name)) return null;
      const v = at < 0 ? '' : pair.slice(at + 1);
      const before = value[name];
      value[name] = before === undefined ? v : Array.isArray(before) ? [...before, v] : [before, v];
    }
    const answer = route.prepare(value);
    if (answer === null) return null;
    if (queries.size >= MAX_QUERIES) queries.clear();
    queries.set(key, answer);
    return answer;
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
    if (ok && host.length <= MAX_HOST_LENGTH) {
      if (hosts.size >= MAX_HOSTS) hosts.clear();
      hosts.add(host);
    }
    return ok;
  }

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    answer: Answer,
  ): Promise<void> {
    const start = performance.now();
    let parts: ReturnType<typeof answerParts>;
    const h = req.headers;
    const rawId = h['x-request-id'];
    const requestId = requestIdFrom(typeof rawId === 'string' ? rawId : undefined);
    try {
      if (deps.db.dialect === 'postgres') await syncDataVersion(deps.db);
      const p = await answer();
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
      logRequest(logger, requestId, 'GET', path, parts.status, start);
    } catch (error) {
      logger.error({ err: error, requestId }, 'request failed');
      res.destroy();
    }
  }

  return (req, res) => {
    if (req.method === 'GET' && deps.config.ANONYMOUS_READ) {
      const url = req.url ?? '';
      const at = url.indexOf('?');
      const route = routes.get(at < 0 ? url : url.slice(0, at));
      if (
        route !== undefined &&
        hostAccepted(req.headers.host) &&
        req.headers.authorization === undefined &&
        req.headers.cookie === undefined &&
        (proxyHeader === null || req.headers[proxyHeader] === undefined)
      ) {
        const answer = prepared(route, at < 0 ? '' : url.slice(at + 1));
        if (answer !== null) {
          void respond(req, res, route.path, answer);
          return;
        }
      }
    }
    fallback(req, res);
  };
}
