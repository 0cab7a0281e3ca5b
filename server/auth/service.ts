/**
 * Everything the auth middleware and routes share, built once per app: the failure limiter, the
 * trusted proxy addresses, the static role mappings and the OIDC client. Also the three ways of
 * turning a request into a person (token, session cookie, proxy header).
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { ADMIN_TOKEN_NAME } from '../../core/people.js';
import { findApiToken, findSession, touchCredential } from '../db/repositories/credentials.js';
import { findUserByExternalId, upsertUser } from '../db/repositories/users.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { tokenMatches } from '../http/auth.js';
import type { AppEnv } from '../http/env.js';
import { type AddressSet, addressSet, clientAddress, peerAddress } from './network.js';
import { createOidcClient, type OidcClient } from './oidc.js';
import type { Principal } from './principal.js';
import { createFailureLimiter, type FailureLimiter } from './rate-limit.js';
import { effectiveRole, loadStaticRoleMap, mappedRole, type StaticRoleMap } from './role-map.js';
import { lowerRole, type Role } from './roles.js';
import { sha256Hex } from './secrets.js';

export interface Auth {
  limiter: FailureLimiter;
  /** OIDC sign-ins started per address (each stores a login flow): AUTH_MAX_LOGIN_STARTS_PER_MINUTE. */
  loginStarts: FailureLimiter;
  trusted: AddressSet;
  roleMap: StaticRoleMap;
  oidc: OidcClient | null;
  cookieName: string;
  /** The cookie that binds a sign-in to the browser that started it (path /api/auth unless __Host-). */
  loginCookie: { name: string; path: string };
  secureCookie: boolean;
  /** The address rate limits and the audit log use. */
  address(c: Context<AppEnv>): string;
  /** Records a failed sign-in or token use (logged, counted towards 429). */
  failed(c: Context<AppEnv>, reason: string): void;
  /** Throws 429 with Retry-After when the address has failed too often. */
  checkBlocked(c: Context<AppEnv>): void;
}

export function createAuth(deps: Pick<AppDeps, 'config' | 'clock'>): Auth {
  const { config } = deps;
  const secure = config.PUBLIC_URL.startsWith('https:');
  const trusted = addressSet(config.AUTH_PROXY_TRUSTED);
  const limiter = createFailureLimiter({
    max: config.AUTH_MAX_FAILURES_PER_MINUTE,
    windowMs: 60_000,
    clock: deps.clock,
  });
  const address = (c: Context<AppEnv>) => clientAddress(c, trusted);
  return {
    limiter,
    loginStarts: createFailureLimiter({
      max: config.AUTH_MAX_LOGIN_STARTS_PER_MINUTE,
      windowMs: 60_000,
      clock: deps.clock,
    }),
    trusted,
    roleMap: loadStaticRoleMap(config.OIDC_ROLE_MAP, config.ROLE_MAP_FILE),
    oidc: createOidcClient(config),
    // __Host-: the browser keeps it only when Secure, path /, and no Domain (no subdomain can set it).
    cookieName: secure ? '__Host-zm_session' : 'zm_session',
    loginCookie: secure ? { name: '__Host-zm_login', path: '/' } : { name: 'zm_login', path: '/api/auth' },
    secureCookie: secure,
    address,
    failed(c, reason) {
      const addr = address(c);
      limiter.fail(addr);
      c.var.logger.warn({ address: addr, reason }, 'authentication failed');
    },
    checkBlocked(c) {
      const wait = limiter.blockedFor(address(c));
      if (wait === null) return;
      c.header('Retry-After', String(wait));
      c.var.logger.warn(
        { address: address(c), retryAfter: wait },
        'authentication blocked: too many failures',
      );
      throw new ApiError(
        429,
        'too_many_failures',
        `Too many failed sign-ins or wrong tokens from this address; try again in ${wait} s.`,
      );
    },
  };
}

function invalidToken(c: Context<AppEnv>, message: string): never {
  c.header('WWW-Authenticate', 'Bearer realm="zielmonitor", error="invalid_token"');
  throw new ApiError(401, 'invalid_token', message);
}

/** `Authorization: Bearer …`: the break-glass ADMIN_TOKEN or a personal token. */
export async function principalFromBearer(
  deps: AppDeps,
  auth: Auth,
  c: Context<AppEnv>,
  header: string,
): Promise<Principal> {
  auth.checkBlocked(c);
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header.trim())?.[1];
  if (token === undefined) {
    auth.failed(c, 'malformed authorization header');
    invalidToken(c, 'The Authorization header must be "Bearer <token>".');
  }
  if (deps.config.ADMIN_TOKEN !== null && tokenMatches(token, deps.config.ADMIN_TOKEN)) {
    return { kind: 'person', userId: null, name: ADMIN_TOKEN_NAME, role: 'admin', via: 'admin_token' };
  }
  const row = await findApiToken(deps.db.db, sha256Hex(token));
  const now = deps.clock();
  const problem =
    row === undefined
      ? 'unknown token'
      : row.revoked_at !== null
        ? 'revoked token'
        : row.expires_at !== null && row.expires_at <= now.toISOString()
          ? 'expired token'
          : row.user_disabled === 1
            ? 'token of a disabled user'
            : null;
  if (row === undefined || problem !== null) {
    auth.failed(c, problem ?? 'unknown token');
    invalidToken(c, `The token is not valid (${problem ?? 'unknown token'}).`);
  }
  await touchCredential(deps.db.db, 'token', row.id, now, row.last_used_at);
  return {
    kind: 'person',
    userId: row.user_id,
    name: row.user_name,
    role: tokenRole(row, revalidated(row, now, deps.config.TOKEN_REVALIDATE_DAYS)),
    via: 'token',
    tokenId: row.id,
  };
}

/**
 * Whether the owner's mapped role is recent enough for a token: an OIDC person's groups are
 * learnt only at sign-in, so after TOKEN_REVALIDATE_DAYS without one (a leaver, removed from the
 * group at the provider, never signs in again) the mappings no longer count for their tokens.
 */
function revalidated(
  row: { user_source: string; user_last_seen_at: string | null },
  now: Date,
  days: number,
): boolean {
  if (row.user_source !== 'oidc' || days === 0) return true;
  if (row.user_last_seen_at === null) return false;
  return now.getTime() - Date.parse(row.user_last_seen_at) < days * 86_400_000;
}

/**
 * A token acts with its own role, never above its owner's current one: demoting a person demotes
 * their tokens at once. A local user made only to own tokens has no role of their own (the
 * token's counts); a signed-in person whom no mapping gives a role any more, or whose mapped role
 * is too old (see revalidated), can only read; a role an admin set on the person still counts.
 */
function tokenRole(
  row: {
    role: Role;
    user_role: Role | null;
    user_mapped_role: Role | null;
    user_source: string;
  },
  mappingCurrent: boolean,
): Role {
  const owner =
    effectiveRole({ role: row.user_role, mapped_role: mappingCurrent ? row.user_mapped_role : null }) ??
    (row.user_source === 'local' ? row.role : 'viewer');
  return lowerRole(row.role, owner);
}

/** The session cookie, when it names a live session (else null: the cookie is ignored). */
export async function principalFromSession(
  deps: AppDeps,
  auth: Auth,
  c: Context<AppEnv>,
): Promise<Principal | null> {
  const value = getCookie(c, auth.cookieName);
  if (!value) return null;
  const s = await findSession(deps.db.db, sha256Hex(value));
  const now = deps.clock();
  if (!s || s.revoked_at !== null || s.user_disabled === 1) return null;
  const idleEnd = Date.parse(s.last_seen_at) + deps.config.SESSION_IDLE_MINUTES * 60_000;
  if (s.expires_at <= now.toISOString() || idleEnd <= now.getTime()) return null;
  await touchCredential(deps.db.db, 'session', s.id, now, s.last_seen_at);
  return {
    kind: 'person',
    userId: s.user_id,
    name: s.user_name,
    role: effectiveRole({ role: s.user_role, mapped_role: s.user_mapped_role }),
    via: 'session',
    sessionId: s.id,
  };
}

/** The trusted proxy's user header, honoured only when the TCP peer is in AUTH_PROXY_TRUSTED. */
export async function principalFromProxy(
  deps: AppDeps,
  auth: Auth,
  c: Context<AppEnv>,
): Promise<Principal | null> {
  const header = deps.config.AUTH_PROXY_HEADER;
  if (header === null) return null;
  const raw = c.req.header(header)?.trim();
  if (!raw) return null;
  if (!auth.trusted.has(peerAddress(c))) {
    c.var.logger.warn(
      { peer: peerAddress(c), header },
      'proxy user header from an untrusted address ignored',
    );
    return null;
  }
  const name = raw.slice(0, 200);
  const role = await mappedRole(deps.db.db, auth.roleMap, { userNames: [name], groups: [] });
  const now = deps.clock();
  const known = await findUserByExternalId(deps.db.db, `proxy:${name}`);
  // Written only when new, when the mapping changed, or once a minute (last seen): not per request.
  const fresh =
    known !== undefined &&
    known.mapped_role === role &&
    known.last_seen_at !== null &&
    now.getTime() - Date.parse(known.last_seen_at) < 60_000;
  const user = fresh
    ? known
    : await upsertUser(
        deps.db.db,
        { externalId: `proxy:${name}`, name, email: null, source: 'proxy', mappedRole: role },
        now,
      );
  if (user.disabled === 1) return null;
  return { kind: 'person', userId: user.id, name: user.name, role: effectiveRole(user), via: 'proxy' };
}
