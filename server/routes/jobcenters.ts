import { Hono } from 'hono';
import { z } from 'zod';
import { loadJobcenterDirectory } from '../../etl/reference.js';
import { audit } from '../auth/audit.js';
import { requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import { chooseHomeJobcenter, getHomeRegion, listJobcenters } from '../db/repositories/jobcenters.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { validate } from '../http/validate.js';

export const setupBody = z.object({
  jobcenter: z
    .string()
    .trim()
    .regex(/^t\d{5}$/, 'must be a BA Jobcenter id such as t11522'),
});

/**
 * GET /api/jobcenters: the directory of all Jobcenters (BA id, label, derived Kreis key) and the
 * home Jobcenter; POST /api/jobcenters/home (admin): choose one's own Jobcenter at set-up.
 */
export function jobcentersRoutes(deps: AppDeps, auth: Auth) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      // Read only: the directory is loaded at start-up (and by every import run).
      const [jobcenters, home] = await Promise.all([listJobcenters(deps.db.db), getHomeRegion(deps.db.db)]);
      return c.json({
        home,
        note: 'Kreisschlüssel und Kreisname sind aus den Bezeichnungen abgeleitet, keine amtlichen Angaben der BA.',
        jobcenters,
      });
    })
    .post(
      '/home',
      requireRole(deps, 'admin'),
      limitBody(64 * 1024),
      validate('json', setupBody),
      async (c) => {
        const { jobcenter } = c.req.valid('json');
        await loadJobcenterDirectory(deps.db);
        const region = await chooseHomeJobcenter(deps.db.db, jobcenter);
        if (region === null)
          throw new ApiError(404, 'jobcenter_not_found', `Unknown Jobcenter: ${jobcenter}`);
        await audit(deps, auth, c, 'setup.home', jobcenter);
        return c.json({ home: region });
      },
    );
}
