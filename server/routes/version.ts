import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { cachedJson } from '../http/cached-json.js';
import type { AppEnv } from '../http/env.js';
import { envelopeHeaders, markComplete } from '../http/envelope.js';

/**
 * GET /api/version: what the wall display polls. Tiny, with an ETag, so that an unchanged state
 * costs a 304 and no body.
 */
export function versionRoutes(deps: AppDeps) {
  let last: { dataVersion: string; build: string } = { dataVersion: '', build: deps.build };
  return new Hono<AppEnv>().get('/', (c) => {
    const dataVersion = deps.goals.dataVersion();
    if (last.dataVersion !== dataVersion) last = { dataVersion, build: deps.build };
    const etag = `"${dataVersion}-${deps.build}"`;
    const headers = { etag, 'cache-control': 'no-cache' };
    const inm = c.req.header('if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return markComplete(
        new Response(null, { status: 304, headers: { ...envelopeHeaders(c), ...headers } }),
      );
    }
    return cachedJson(c, last, headers);
  });
}
