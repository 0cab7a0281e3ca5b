import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';
import { comparisonQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/** GET /api/comparison: the LZB share against the mean of the same Vergleichstyp. */
export function comparisonRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', validate('query', comparisonQuery), async (c) => {
    return c.json(await deps.goals.getComparison(c.req.valid('query')));
  });
}
