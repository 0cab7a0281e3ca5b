import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';

/**
 * GET /api/version: what the wall display polls. Tiny, with an ETag, so that an unchanged state
 * costs a 304 and no body.
 */
export function versionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', (c) => {
    const dataVersion = deps.goals.dataVersion();
    const etag = `"${dataVersion}-${deps.build}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    const inm = c.req.header('if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return c.body(null, 304);
    }
    return c.json({ dataVersion, build: deps.build });
  });
}
