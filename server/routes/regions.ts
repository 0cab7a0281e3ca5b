import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { cachedJson } from '../http/cached-json.js';
import type { AppEnv } from '../http/env.js';

/** GET /api/regions: every region with how much data it has, and the default one (per data version). */
export function regionsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', async (c) => cachedJson(c, await deps.goals.getRegions()));
}
