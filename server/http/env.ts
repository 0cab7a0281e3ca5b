import type { HttpBindings } from '@hono/node-server';
import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logger.js';

/** Hono environment shared by every route: the request id and a request-scoped logger. */
export interface AppEnv {
  /** Node's request and response under @hono/node-server; absent under `app.request()` in tests. */
  Bindings: Partial<HttpBindings>;
  Variables: RequestIdVariables & { logger: Logger; principal: Principal };
}
