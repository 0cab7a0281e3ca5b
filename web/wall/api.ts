/**
 * The wall's view of the API: the shared typed client (web/api.ts), bound to the wall's region and
 * year, with conditional version requests (If-None-Match → 304) and abortable requests. Types are
 * inferred from the server's routes, never redeclared.
 */
import { client, type GoalSeriesResponse, type GoalsResponse, read } from '../api';
import type { WallApi } from './controller';

export type WallGoals = GoalsResponse;
export type WallSeries = GoalSeriesResponse;

export function createWallApi(opts: {
  region: string | null;
  year: number | null;
}): WallApi<WallGoals, WallSeries> {
  const query: { region?: string; year?: string } = {};
  if (opts.region !== null) query.region = opts.region;
  if (opts.year !== null) query.year = String(opts.year);

  return {
    async version(etag, signal) {
      const res = await client.api.version.$get(undefined, {
        headers: etag === null ? {} : { 'If-None-Match': etag },
        // The wall decides itself when to ask; the HTTP cache must not answer for the server.
        init: { signal, cache: 'no-store' },
      });
      if (res.status === 304) return { status: 'not-modified' };
      const body = await read(res);
      return { status: 'ok', etag: res.headers.get('ETag'), version: body };
    },
    async goals(signal) {
      return read(await client.api.goals.$get({ query }, { init: { signal } }));
    },
    async series(id, signal) {
      return read(await client.api.goals[':id'].series.$get({ param: { id }, query }, { init: { signal } }));
    },
    // The server's default region, for a bookmark whose region the server does not know.
    ...(opts.region === null
      ? {}
      : { withoutRegion: () => createWallApi({ region: null, year: opts.year }) }),
  };
}
