import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from '../auth/principal.js';
import type { RequestLogger } from '../logger.js';

/** Hono environment shared by every route: the request id and a request-scoped logger. */
export interface AppEnv {
  /** Node's request and response under @hono/node-server; absent under `app.request()` in tests. */
  Bindings: Partial<HttpBindings>;
  Variables: RequestIdVariables & { logger: RequestLogger; principal: Principal };
}

/**
 * A request header, read from Node's parsed headers when served by @hono/node-server (no Headers
 * object is built for it), else from the request (`app.request()` in tests). `name` in lower case.
 */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (incoming) {
    const v = incoming.headers[name];
    return typeof v === 'string' ? v : undefined;
  }
  return c.req.header(name);
}
