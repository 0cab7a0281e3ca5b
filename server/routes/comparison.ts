import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { cachedAnswer } from '../http/cached-json.js';
import type { AppEnv } from '../http/env.js';
import { comparisonQuery } from '../http/schemas.js';
import { validate } from '../http/validate.js';

/** GET /api/comparison: the LZB share against the mean of the same Vergleichstyp (cached per data version). */
export function comparisonRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', validate('query', comparisonQuery), async (c) => {
    return cachedAnswer(c, await deps.goals.comparisonAnswer(c.req.valid('query')));
  });
}
