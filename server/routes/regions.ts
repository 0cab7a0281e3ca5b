import { Hono } from 'hono';
import { listRegions } from '../db/repositories/regions.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';

/** GET /api/regions: every region with how much data it has, and the default one. */
export function regionsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const [regions, defaultRegion] = await Promise.all([
      listRegions(deps.db.db),
      deps.goals.defaultRegionId(),
    ]);
    return c.json({ defaultRegion: defaultRegion ?? null, regions });
  });
}
