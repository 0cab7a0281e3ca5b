/**
 * JSON answers for the hot, cached endpoints (goals, series, version). Results are cached per data
 * version, so the same object is answered many times: its body is serialised and UTF-8 encoded
 * once (kept with its length and an ETag in a WeakMap, so it goes when the result is evicted), and
 * the response is built with all headers in one plain object, which @hono/node-server writes
 * without converting through `Headers`. Content-Length comes first: the adapter scans the header
 * keys for it and otherwise measures the body itself.
 *
 * A request whose If-None-Match carries the ETag gets a 304 without a body (the wall display and
 * browsers revalidate with it).
 */
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';
import { encodedBody, type JsonAnswer, jsonAnswer, rawBody } from '../goals/answer.js';
import { encodingFor } from './compress.js';
import { type AppEnv, requestHeader } from './env.js';
import { markComplete, SECURITY_HEADERS } from './envelope.js';

const prepared = new WeakMap<object, JsonAnswer<unknown>>();

function prepare<T extends object>(value: T): JsonAnswer<T> {
  let p = prepared.get(value) as JsonAnswer<T> | undefined;
  if (p === undefined) {
    p = jsonAnswer(value);
    prepared.set(value, p);
  }
  return p;
}

/** True when `header` (an If-None-Match value) lists `etag` (weak comparison, as RFC 9110 asks). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

export function cachedJson<T extends object>(
  c: Context<AppEnv>,
  value: T,
  extraHeaders: Record<string, string> = {},
): Response & TypedResponse<JSONParsed<T>, 200, 'json'> {
  return cachedAnswer(c, prepare(value), extraHeaders);
}

/** The response for an answer serialised once (`jsonAnswer`), with its ETag and compression. */
export function cachedAnswer<T>(
  c: Context<AppEnv>,
  p: JsonAnswer<T>,
  extraHeaders: Record<string, string> = {},
): Response & TypedResponse<JSONParsed<T>, 200, 'json'> {
  const a = answerParts(
    p,
    {
      ifNoneMatch: requestHeader(c, 'if-none-match'),
      acceptEncoding: requestHeader(c, 'accept-encoding'),
      requestId: c.get('requestId'),
    },
    extraHeaders,
  );
  const res = new Response(a.body, { status: a.status, headers: a.headers });
  // TypedResponse only carries the body type for the typed client (hc); the object is a Response.
  return markComplete(res) as Response & TypedResponse<JSONParsed<T>, 200, 'json'>;
}

/** What a cached answer's response is made of: the same for Hono and for server/http/fast-path.ts. */
export interface AnswerParts {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** The status, headers (the envelope's included) and body of a cached answer to one request. */
export function answerParts<T>(
  p: JsonAnswer<T>,
  request: { ifNoneMatch: string | undefined; acceptEncoding: string | undefined; requestId: string },
  extraHeaders: Record<string, string> = {},
): AnswerParts {
  const etag = extraHeaders.etag ?? p.etag;
  const notModified = etagMatches(request.ifNoneMatch, etag);
  const large = p.small === null;
  const accepted = notModified || !large ? null : encodingFor(request.acceptEncoding);
  const compressed = accepted === null ? null : encodedBody(p, accepted);
  const encoding = compressed === null ? null : accepted;
  const body = notModified ? null : (compressed ?? rawBody(p));
  // One object literal per response (no intermediate spreads): this runs for every cached answer.
  const headers: Record<string, string> = notModified
    ? { 'cache-control': 'no-cache', etag, ...SECURITY_HEADERS, 'x-request-id': request.requestId }
    : {
        'content-length': String(body?.byteLength ?? 0),
        'content-type': 'application/json',
        // Revalidate every time (with the ETag): the data change with each import.
        'cache-control': 'no-cache',
        etag,
        ...SECURITY_HEADERS,
        'x-request-id': request.requestId,
      };
  if (large) headers.vary = 'Accept-Encoding';
  if (encoding !== null) headers['content-encoding'] = encoding;
  for (const name in extraHeaders) {
    const v = extraHeaders[name];
    if (v !== undefined) headers[name] = v;
  }
  return { status: notModified ? 304 : 200, headers, body };
}
