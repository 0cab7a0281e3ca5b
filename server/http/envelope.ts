/**
 * The envelope around every request, in one middleware: a request id (taken from a sane incoming
 * X-Request-Id, else a UUID), a request-scoped logger, the security headers, and one log line per
 * request (5xx as errors, everything else at info: a bad request is the caller's problem).
 *
 * Why not hono/secure-headers + hono/request-id: both set headers through undici `Headers`
 * objects after the handler ran, which costs more than answering a cached /api/goals request
 * itself (measured with bench/api.ts: the API fell to ~0.4× a bare node:http server). Here the
 * hot endpoints build their response with every header in one plain object (`cachedJson`), and
 * all other responses get the same headers added afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { type Logger, requestLogger } from '../logger.js';
import { compressJson } from './compress.js';
import type { AppEnv } from './env.js';

/** Content-Security-Policy for the built dashboard: own scripts only; inline styles for ECharts/React. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every response (the set hono/secure-headers sends by default, plus our CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

/** Responses that already carry the envelope headers (built by `cachedJson`). */
const complete = new WeakSet<Response>();

/** Marks a response whose headers already include SECURITY_HEADERS and the request id. */
export function markComplete(res: Response): Response {
  complete.add(res);
  return res;
}

/** The envelope headers of this request, as a plain object (for responses built by hand). */
export function envelopeHeaders(c: Context<AppEnv>): Record<string, string> {
  // c.get, not c.var: Hono builds a new object of all variables on every `c.var` access.
  return { ...SECURITY_HEADERS, 'x-request-id': c.get('requestId') };
}

const SANE_ID = /^[\w\-=]{1,255}$/;

/** The request id: a sane incoming X-Request-Id, else a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming !== undefined && SANE_ID.test(incoming) ? incoming : randomUUID();
}

/** The one log line of a request (5xx as errors, everything else at info). */
export function logRequest(
  logger: Logger,
  requestId: string,
  method: string,
  path: string,
  status: number,
  start: number,
): void {
  // The request id first, where the child logger's binding would put it: the same line.
  const line = { requestId, method, path, status, ms: Math.round((performance.now() - start) * 10) / 10 };
  if (status >= 500) logger.error(line, 'request failed');
  else logger.info(line, 'request');
}

export function envelope(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    // Node's parsed headers when served by @hono/node-server: c.req.header() would first build a
    // WHATWG Headers object from all request headers.
    const raw = c.env?.incoming?.headers['x-request-id'];
    const incoming = c.env?.incoming
      ? typeof raw === 'string'
        ? raw
        : undefined
      : c.req.header('x-request-id');
    const requestId = requestIdFrom(incoming);
    c.set('requestId', requestId);
    c.set('logger', requestLogger(logger, requestId));
    await next();
    if (!complete.has(c.res)) await compressJson(c);
    const res = c.res;
    if (!complete.has(res)) {
      for (const name in SECURITY_HEADERS) {
        const value = SECURITY_HEADERS[name];
        if (value !== undefined && !res.headers.has(name)) res.headers.set(name, value);
      }
      res.headers.set('x-request-id', requestId);
    }
    logRequest(logger, requestId, c.req.method, c.req.path, res.status, start);
  };
}
