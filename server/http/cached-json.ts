/**
 * JSON answers for the hot, cached endpoints (goals, series, version): the serialised body is
 * kept per result object (results are cached per data version, so the same object is answered
 * many times), and the response is built with all headers in one plain object, which
 * @hono/node-server writes without converting through `Headers`.
 */
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';
import type { AppEnv } from './env.js';
import { envelopeHeaders, markComplete } from './envelope.js';

const bodies = new WeakMap<object, string>();

export function cachedJson<T extends object>(
  c: Context<AppEnv>,
  value: T,
  extraHeaders: Record<string, string> = {},
): Response & TypedResponse<JSONParsed<T>, 200, 'json'> {
  let body = bodies.get(value);
  if (body === undefined) {
    body = JSON.stringify(value);
    bodies.set(value, body);
  }
  const res = new Response(body, {
    status: 200,
    headers: { ...envelopeHeaders(c), 'content-type': 'application/json', ...extraHeaders },
  });
  // TypedResponse only carries the body type for the typed client (hc); the object is a Response.
  return markComplete(res) as Response & TypedResponse<JSONParsed<T>, 200, 'json'>;
}
