import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';
import { goalParam, goalsQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/** GET /api/goals and GET /api/goals/:id/series. */
export function goalsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', validate('query', goalsQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await deps.goals.getGoals(q));
    })
    .get('/:id/series', validate('param', goalParam), validate('query', goalsQuery), async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      return c.json(await deps.goals.getSeries({ ...q, id }));
    });
}
