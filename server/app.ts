/**
 * The HTTP app, built from injected dependencies and free of side effects (no listening, no
 * timers): tests call `createApp(deps).request(...)` on a fresh in-memory database.
 *
 * The API is one chained Hono app under /api (`createApi`), so its route types flow into the web's
 * typed client: `hc<AppType>(origin).api.goals.$get({ query })`.
 */
import { Hono } from 'hono';
import { authenticate } from './auth/middleware.js';
import { type Auth, createAuth } from './auth/service.js';
import { syncDataVersion } from './db/repositories/meta.js';
import type { AppDeps } from './deps.js';
import { waitForWritableDb } from './http/busy-writes.js';
import type { AppEnv } from './http/env.js';
import { envelope } from './http/envelope.js';
import { apiNotFound, onError } from './http/errors.js';
import { answerFastPathError } from './http/fast-path.js';
import { methodsByPath } from './http/methods.js';
import { mountStatic } from './http/static.js';
import { adminRoutes } from './routes/admin.js';
import { alertsRoutes } from './routes/alerts.js';
import { authRoutes, meRoutes } from './routes/auth.js';
import { commentsRoutes } from './routes/comments.js';
import { comparisonRoutes } from './routes/comparison.js';
import { goalsRoutes } from './routes/goals.js';
import { healthRoutes } from './routes/health.js';
import { importMappingsRoutes } from './routes/import-mappings.js';
import { importWizardRoutes } from './routes/import-wizard.js';
import { importsRoutes } from './routes/imports.js';
import { indicatorsRoutes } from './routes/indicators.js';
import { jobcentersRoutes } from './routes/jobcenters.js';
import { monthsRoutes } from './routes/months.js';
import { openapiRoutes } from './routes/openapi.js';
import { regionsRoutes } from './routes/regions.js';
import { targetsRoutes } from './routes/targets.js';
import { versionRoutes } from './routes/version.js';

export interface AppOptions {
  /** Directory of the built dashboard (dist/web); null or absent: API only. */
  webRoot?: string | null;
  /** Row limit of the CSV/XLSX exports (default 100,000). */
  maxExportRows?: number;
  /** Shared auth state (rate limits, OIDC client); built from deps when absent. */
  auth?: Auth;
}

/** The chained /api app. Add a resource with one more `.route(...)` line. */
export function createApi(deps: AppDeps, options: AppOptions = {}) {
  const auth = options.auth ?? createAuth(deps);
  return new Hono<AppEnv>()
    .basePath('/api')
    .use('*', authenticate(deps, auth))
    .route('/health', healthRoutes(deps))
    .route('/version', versionRoutes(deps))
    .route('/goals', goalsRoutes(deps))
    .route('/months', monthsRoutes(deps, { maxExportRows: options.maxExportRows }))
    .route('/comparison', comparisonRoutes(deps))
    .route('/regions', regionsRoutes(deps))
    .route('/indicators', indicatorsRoutes(deps))
    .route('/targets', targetsRoutes(deps, auth))
    .route('/imports', importsRoutes(deps, auth))
    .route('/import-mappings', importMappingsRoutes(deps, auth))
    .route('/import-wizard', importWizardRoutes(deps, auth))
    .route('/jobcenters', jobcentersRoutes(deps, auth))
    .route('/alerts', alertsRoutes(deps, auth))
    .route('/comments', commentsRoutes(deps, auth))
    .route('/admin', adminRoutes(deps, auth))
    .route('/auth', authRoutes(deps, auth))
    .route('/me', meRoutes(deps, auth))
    .route('/openapi.json', openapiRoutes());
}

export type AppType = ReturnType<typeof createApi>;

export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  // Request id, request logger, security headers (CSP for the built app), one log line.
  app.use('*', envelope(deps.logger));
  app.onError(onError);
  app.use('/api/*', answerFastPathError);
  if (deps.db.dialect === 'postgres') {
    // Several instances share the database: every API request first learns the current data
    // version (one query shared by the requests of a moment), so an import in another instance
    // turns this instance's caches over by the next request.
    app.use('/api/*', async (c, next) => {
      // Not for the load balancer's probes: they must answer even when the schema is not there yet.
      if (!c.req.path.startsWith('/api/health/')) await syncDataVersion(deps.db);
      await next();
    });
  }
  app.use(
    '/api/*',
    waitForWritableDb(deps.db, (path) => path === '/api/imports'),
  );
  const api = createApi(deps, options);
  app.route('/', api);
  if (options.webRoot) mountStatic(app, options.webRoot);
  app.notFound(apiNotFound(methodsByPath(api.routes)));
  return app;
}
