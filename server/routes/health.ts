import { Hono } from 'hono';
import { sql } from 'kysely';
import { pendingMigrations } from '../db/connection.js';
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

/** What /api/health/ready answers: 200 when this instance can serve, 503 (with the reason) when not. */
export interface Readiness {
  status: 'ready' | 'not_ready';
  database: 'sqlite' | 'postgres';
  /** False when the database did not answer. */
  reachable: boolean;
  /** Migrations this build knows that the database has not run. */
  pendingMigrations: string[];
  error: string | null;
}

/** How long the readiness check waits for the database before it answers 503. */
const READY_TIMEOUT_MS = 3_000;

/** `p`, or a rejection naming `what` after `ms` (the load balancer needs an answer, not a hang). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function readiness(deps: AppDeps): Promise<Readiness> {
  const base = { database: deps.db.dialect, pendingMigrations: [] as string[] };
  try {
    await within(sql`select 1`.execute(deps.db.db), READY_TIMEOUT_MS, 'select 1');
  } catch (e) {
    return { ...base, status: 'not_ready', reachable: false, error: `database: ${errorMessage(e)}` };
  }
  try {
    const pending = await within(pendingMigrations(deps.db.db), READY_TIMEOUT_MS, 'migrations');
    return {
      ...base,
      status: pending.length === 0 ? 'ready' : 'not_ready',
      reachable: true,
      pendingMigrations: pending,
      error: pending.length === 0 ? null : 'migrations pending',
    };
  } catch (e) {
    return { ...base, status: 'not_ready', reachable: true, error: `migrations: ${errorMessage(e)}` };
  }
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * GET /api/health: the state of the default region's data and of the last import.
 * GET /api/health/live: the process answers (for a load balancer's liveness check; no database).
 * GET /api/health/ready: the database answers and its migrations are current (503 otherwise).
 */
export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/live', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ status: 'live' as const });
    })
    .get('/ready', async (c) => {
      const body = await readiness(deps);
      c.header('Cache-Control', 'no-store');
      return c.json(body, body.status === 'ready' ? 200 : 503);
    })
    .get('/', async (c) => {
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
