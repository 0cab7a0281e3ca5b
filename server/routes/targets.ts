import { Hono } from 'hono';
import { hideEmails } from '../../core/redact.js';
import { actorName, audit } from '../auth/audit.js';
import { isAdmin, requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import { getIndicator } from '../db/repositories/indicators.js';
import { syncDataVersion } from '../db/repositories/meta.js';
import { listPlanTargets, toPlanTargetInfo } from '../db/repositories/plan-targets.js';
import { resolveRegionKey } from '../db/repositories/regions.js';
import { listTargetHistory, listTargets, toTargetInfo, upsertTarget } from '../db/repositories/targets.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { changedByHeader, targetBody, targetsQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/** GET /api/targets, GET /api/targets/history, PUT /api/targets (admin). */
export function targetsRoutes(deps: AppDeps, auth: Auth) {
  /**
   * `region=t11522` means the region that key is an alias of; a key that names no region is a
   * 404, as for the goals (an empty list would read as "no targets set").
   */
  const canonicalRegion = async <Q extends { region?: string | undefined }>(q: Q): Promise<Q> => {
    if (q.region === undefined) return q;
    const region = await resolveRegionKey(deps.db.db, q.region);
    if (region === undefined) throw new ApiError(404, 'region_not_found', `Unknown region: ${q.region}`);
    return { ...q, region };
  };
  return new Hono<AppEnv>()
    .get('/', validate('query', targetsQuery), async (c) => {
      const q = await canonicalRegion(c.req.valid('query'));
      const [rows, plans] = await Promise.all([listTargets(deps.db.db, q), listPlanTargets(deps.db.db, q)]);
      return c.json({ targets: rows.map(toTargetInfo), planTargets: plans.map(toPlanTargetInfo) });
    })
    .get('/history', validate('query', targetsQuery), async (c) => {
      const history = await listTargetHistory(deps.db.db, await canonicalRegion(c.req.valid('query')));
      // Names are public; an e-mail address in one (stored before names stopped being addresses) is not.
      const admin = isAdmin(c);
      return c.json({
        history: history.map((h) => ({
          ...h,
          changedBy: admin || h.changedBy === null ? h.changedBy : hideEmails(h.changedBy),
        })),
      });
    })
    .put(
      '/',
      requireRole(deps, 'admin'),
      limitBody(64 * 1024),
      validate('header', changedByHeader),
      validate('json', targetBody),
      async (c) => {
        const body = c.req.valid('json');
        const header = c.req.valid('header');
        // A person writes under their own name; only the shared ADMIN_TOKEN may give one.
        const by = actorName(c, body.changedBy ?? header['x-changed-by'] ?? null);
        const regionId = await resolveRegionKey(deps.db.db, body.region);
        if (regionId === undefined) {
          throw new ApiError(404, 'region_not_found', `Unknown region: ${body.region}`);
        }
        const indicator = await getIndicator(deps.db.db, body.indicator);
        if (!indicator)
          throw new ApiError(404, 'indicator_not_found', `Unknown indicator: ${body.indicator}`);
        if (indicator.formula !== 'rate' && indicator.formula !== 'stock') {
          throw new ApiError(
            422,
            'invalid_target',
            `Indicator ${indicator.code} has formula '${indicator.formula}': targets need a 'rate' or 'stock' indicator.`,
          );
        }
        const result = await upsertTarget(
          deps.db.db,
          {
            region: regionId,
            year: body.year,
            indicator: body.indicator,
            gender: body.gender,
            targetChangePct: body.targetChangePct,
            better: body.better,
            source: body.source ?? null,
            changedBy: by,
          },
          deps.clock(),
        );
        if (result.changed || result.created) await syncDataVersion(deps.db);
        c.var.logger.info(
          {
            target: result.target.id,
            changed: result.changed,
            by,
          },
          'target saved',
        );
        if (result.changed || result.created) {
          await audit(
            deps,
            auth,
            c,
            'target.update',
            `${body.region} ${body.year} ${body.indicator}-${body.gender}`,
            {
              targetChangePct: body.targetChangePct,
              better: body.better,
              created: result.created,
            },
          );
        }
        return c.json({
          target: toTargetInfo(result.target),
          created: result.created,
          changed: result.changed,
        });
      },
    );
}
