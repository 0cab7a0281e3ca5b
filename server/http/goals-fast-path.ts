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
import { syncDataVersion } from '../db/repositories/meta.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../logger.js';
import { answerParts } from './cached-json.js';
import { logRequest, requestIdFrom } from './envelope.js';
import { goalsQuery } from './schemas.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type GoalsQuery = ReturnType<typeof goalsQuery.parse>;

const PATH = '/api/goals';
/** Only characters that need no percent-decoding, in key=value pairs. */
const PLAIN_QUERY = /^[A-Za-z0-9_.~=&-]*$/;
const KEYS = new Set(Object.keys(goalsQuery.shape));
/** Validated queries by their raw text (a pure function of it); emptied when full. */
const MAX_QUERIES = 4096;

/**
 * The request listener: `fallback` is Hono's (@hono/node-server), for every request this one does
 * not take, and for one whose service call fails.
 */
export function withGoalsFastPath(deps: AppDeps, logger: Logger, fallback: Listener): Listener {
  const proxyHeader = deps.config.AUTH_PROXY_HEADER?.toLowerCase() ?? null;
  const queries = new Map<string, GoalsQuery | null>();

  /** The validated query, or null when Hono should answer (and explain) it. */
  function query(raw: string): GoalsQuery | null {
    let q = queries.get(raw);
    if (q !== undefined) return q;
    q = null;
    if (PLAIN_QUERY.test(raw)) {
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
      if (parsed.success) q = parsed.data;
    }
    if (queries.size >= MAX_QUERIES) queries.clear();
    queries.set(raw, q);
    return q;
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
    } catch {
      // Hono answers it, with the error's status and reason (and logs it).
      fallback(req, res);
      return;
    }
    res.writeHead(parts.status, parts.headers);
    if (parts.body === null) res.end();
    else res.end(parts.body);
    logRequest(logger, requestId, 'GET', PATH, parts.status, start);
  }

  return (req, res) => {
    const url = req.url ?? '';
    if (
      req.method === 'GET' &&
      url.startsWith(PATH) &&
      (url.length === PATH.length || url.charCodeAt(PATH.length) === 63) && // '?'
      deps.config.ANONYMOUS_READ &&
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
