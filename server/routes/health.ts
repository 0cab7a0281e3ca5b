import { Hono } from 'hono';
import { lastFinishedImport } from '../db/repositories/imports.js';
import type { AppDeps } from '../deps.js';
import { expectedDataMonth } from '../domain/staleness.js';
import type { Month } from '../domain/types.js';
import type { AppEnv } from '../http/env.js';

export interface Health {
  /** 'degraded' when there are no data, the data are stale or the last import failed. */
  status: 'ok' | 'degraded';
  dataMonth: Month | null;
  expectedMonth: Month;
  stale: boolean;
  sample: boolean;
  lastImport: { finishedAt: string; status: string } | null;
  dataVersion: string;
  build: string;
}

/** GET /api/health: the state of the default region's data and of the last import. */
export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const regionId = await deps.goals.defaultRegionId();
    const loaded = regionId === undefined ? null : await deps.goals.getRegionData(regionId);
    const lastImport = await lastFinishedImport(deps.db.db);
    const expectedMonth =
      loaded?.freshness.expectedMonth ??
      expectedDataMonth(deps.clock(), {
        releaseDay: deps.config.BA_RELEASE_DAY,
        lagMonths: deps.config.BA_LAG_MONTHS,
      });
    const dataMonth = loaded?.freshness.latestDataMonth ?? null;
    const stale = loaded?.freshness.stale ?? true;
    const failed = lastImport?.status === 'failed';
    const body: Health = {
      status: dataMonth === null || stale || failed ? 'degraded' : 'ok',
      dataMonth,
      expectedMonth,
      stale,
      sample: loaded?.info.sample ?? false,
      lastImport,
      dataVersion: deps.goals.dataVersion(),
      build: deps.build,
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
