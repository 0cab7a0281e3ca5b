import { Hono } from 'hono';
import type { AppEnv } from '../http/env.js';
import { buildOpenApi } from '../openapi.js';

/** GET /api/openapi.json: built once, from the zod schemas. */
export function openapiRoutes() {
  const doc = buildOpenApi();
  return new Hono<AppEnv>().get('/', (c) => c.json(doc));
}
