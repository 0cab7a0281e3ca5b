/**
 * `authenticate` turns every API request into a principal (`c.var.principal`): a bearer token, a
 * session cookie, a trusted proxy's user header, or nobody. `requireRole` guards each write.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { ANONYMOUS, isAmbient, type Principal } from './principal.js';
import { type Role, roleAtLeast } from './roles.js';
import { type Auth, principalFromBearer, principalFromProxy, principalFromSession } from './service.js';

/**
 * API paths that answer without a person even when ANONYMOUS_READ=false: sign-in, version and the
 * health checks, the liveness and readiness probes of load balancers and containers included.
 */
const OPEN_PATHS = new Set(['/api/health', '/api/version', '/api/me', '/api/openapi.json']);
const isOpen = (path: string) =>
  OPEN_PATHS.has(path) || path.startsWith('/api/auth/') || path.startsWith('/api/health/');

/**
 * An Authorization header this server answers: `Bearer …`, or one naming no scheme at all (it is
 * refused as malformed). Other schemes (Basic, Negotiate, NTLM) belong to a proxy in front, which
 * forwards them: they are not ours to judge, and the request goes on as if they were absent.
 */
const isOurs = (authorization: string) =>
  !/^\s*[A-Za-z][\w.~+/-]*\s+\S/.test(authorization) || /^\s*bearer\s/i.test(authorization);

/** A request header, read from Node's parsed headers when there are any (cheaper on the hot path). */
function header(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (incoming) {
    const v = incoming.headers[name];
    return typeof v === 'string' ? v : undefined;
  }
  return c.req.header(name);
}

async function resolve(deps: AppDeps, auth: Auth, c: Context<AppEnv>): Promise<Principal> {
  const authorization = header(c, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '' && isOurs(authorization)) {
    return principalFromBearer(deps, auth, c, authorization);
  }
  if (header(c, 'cookie') !== undefined) {
    const p = await principalFromSession(deps, auth, c);
    if (p) return p;
  }
  const proxyHeader = deps.config.AUTH_PROXY_HEADER;
  if (proxyHeader !== null && header(c, proxyHeader.toLowerCase()) !== undefined) {
    const p = await principalFromProxy(deps, auth, c);
    if (p) return p;
  }
  return ANONYMOUS;
}

export function authenticate(deps: AppDeps, auth: Auth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await resolve(deps, auth, c);
    c.set('principal', principal);
    if (!deps.config.ANONYMOUS_READ && !isOpen(c.req.path)) {
      if (principal.kind === 'anonymous') unauthorized(c);
      if (!roleAtLeast(principal.role, 'viewer')) {
        throw new ApiError(403, 'forbidden', 'Reading needs the role viewer (ANONYMOUS_READ is off).');
      }
    }
    await next();
  };
}

function unauthorized(c: Context<AppEnv>): never {
  c.header('WWW-Authenticate', 'Bearer realm="zielmonitor"');
  throw new ApiError(
    401,
    'unauthorized',
    'Sign in, or send "Authorization: Bearer <token>" (a personal token or the ADMIN_TOKEN).',
  );
}

/** The page origin a cookie-carrying write must come from (CSRF): PUBLIC_URL's origin. */
function originAllowed(c: Context<AppEnv>, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  return origin === new URL(publicUrl).origin;
}

/**
 * The route needs at least `role`. Anonymous: 401. Too small a role: 403. A write carried by a
 * cookie or the proxy header (sent by the browser on its own) also needs an Origin header equal
 * to PUBLIC_URL's origin, or another site could make the browser write (CSRF).
 */
export function requireRole(deps: AppDeps, role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (p.kind === 'anonymous') unauthorized(c);
    if (!roleAtLeast(p.role, role)) {
      throw new ApiError(
        403,
        'forbidden',
        `This needs the role ${role}; ${p.name} has ${p.role === null ? 'no role' : `the role ${p.role}`}.`,
      );
    }
    if (isAmbient(p) && c.req.method !== 'GET' && !originAllowed(c, deps.config.PUBLIC_URL)) {
      throw new ApiError(
        403,
        'csrf',
        'The request did not come from this application (Origin header missing or different from PUBLIC_URL).',
      );
    }
    await next();
  };
}

/** The signed-in person (requireRole ran before), for handlers. */
export function personOf(c: Context<AppEnv>) {
  const p = c.get('principal');
  if (p.kind !== 'person') throw new ApiError(401, 'unauthorized', 'Sign in first.');
  return p;
}

/** True when the request comes from an admin: views that show more to admins (server paths, e-mail addresses) ask this. */
export function isAdmin(c: Context<AppEnv>): boolean {
  const p = c.get('principal');
  return p.kind === 'person' && roleAtLeast(p.role, 'admin');
}
