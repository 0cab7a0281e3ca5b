import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { cachedAnswer } from '../http/cached-json.js';
import type { AppEnv } from '../http/env.js';
import { goalParam, goalsQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/**
 * GET /api/goals, GET /api/goals/:id/series and GET /api/goals/:id/backtest (results cached per
 * data version).
 */
export function goalsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', validate('query', goalsQuery), async (c) => {
      return cachedAnswer(c, await deps.goals.goalsAnswer(c.req.valid('query')));
    })
    .get('/:id/series', validate('param', goalParam), validate('query', goalsQuery), async (c) => {
      const { id } = c.req.valid('param');
      return cachedAnswer(c, await deps.goals.seriesAnswer({ ...c.req.valid('query'), id }));
    })
    .get('/:id/backtest', validate('param', goalParam), validate('query', goalsQuery), async (c) => {
      const { id } = c.req.valid('param');
      return cachedAnswer(c, await deps.goals.backtestAnswer({ ...c.req.valid('query'), id }));
    });
}
