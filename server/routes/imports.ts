import { Hono } from 'hono';
import { listImportRuns } from '../db/repositories/imports.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';
import { importsQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/** GET /api/imports (run log with files), POST /api/imports (admin: upload or run the sources). */
export function importsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', validate('query', importsQuery), async (c) => {
    const { limit } = c.req.valid('query');
    return c.json({ runs: await listImportRuns(deps.db.db, limit) });
  });
}
