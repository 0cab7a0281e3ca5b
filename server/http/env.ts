import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from '../logger.js';

/** Hono environment shared by every route: the request id and a request-scoped logger. */
export interface AppEnv {
  Variables: RequestIdVariables & { logger: Logger };
}
