import { Hono } from 'hono';
import { listIndicators } from '../db/repositories/indicators.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';

/** GET /api/indicators: the indicator definitions (formula, codes, direction). */
export function indicatorsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', async (c) => c.json({ indicators: await listIndicators(deps.db.db) }));
}
