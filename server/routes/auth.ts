/**
 * Sign-in and sign-out: GET /api/auth/login (to the OpenID provider), GET /api/auth/callback
 * (back from it: a session cookie), POST /api/auth/logout, and GET /api/me (who am I).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { audit } from '../auth/audit.js';
import type { OidcClaims } from '../auth/oidc.js';
import { isAmbient } from '../auth/principal.js';
import { effectiveRole, mappedRole } from '../auth/role-map.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import type { Auth } from '../auth/service.js';
import { recordAudit } from '../db/repositories/audit.js';
import { revokeCredential } from '../db/repositories/credentials.js';
import { createSession, FLOW_TTL_MS, saveLoginFlow, takeLoginFlow } from '../db/repositories/sessions.js';
import { findUserByExternalId, renameUser, upsertUser } from '../db/repositories/users.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { validate } from '../http/validate.js';

/** Only a path of this app (never another site: no open redirect). */
const returnTo = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, 'must be a path of this application starting with a single /')
  .optional();

// Loose: a link may carry other parameters, and identity providers add their own (iss, session_state).
export const loginQuery = z.looseObject({ returnTo });
export const callbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
});

function signInFailed(c: Context<AppEnv>, auth: Auth, reason: string): never {
  auth.failed(c, `sign-in: ${reason}`);
  throw new ApiError(400, 'sign_in_failed', `Anmeldung fehlgeschlagen: ${reason}`);
}

const LOGIN_COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * GET /login: the provider URL, and a login flow stored in the database (several instances) with
 * the hash of a random value in a short-lived cookie of this browser: the callback is accepted only
 * with that cookie, so nobody can finish a sign-in they started in someone else's browser (login
 * CSRF). A browser that still has the cookie keeps its value (sign-ins started in two tabs).
 */
async function startLogin(
  deps: AppDeps,
  auth: Auth,
  c: Context<AppEnv>,
  oidc: NonNullable<Auth['oidc']>,
  returnTo: string,
) {
  auth.checkBlocked(c);
  const address = auth.address(c);
  const wait = auth.loginStarts.blockedFor(address);
  if (wait !== null) {
    c.header('Retry-After', String(wait));
    c.var.logger.warn({ address, retryAfter: wait }, 'sign-in starts limited');
    throw new ApiError(
      429,
      'too_many_failures',
      `Zu viele Anmeldungen von dieser Adresse begonnen; bitte in ${wait} s erneut versuchen.`,
    );
  }
  auth.loginStarts.fail(address);
  let flow: Awaited<ReturnType<NonNullable<Auth['oidc']>['start']>>;
  try {
    flow = await oidc.start();
  } catch (err) {
    c.var.logger.error({ err }, 'OIDC provider unreachable (discovery)');
    throw new ApiError(
      503,
      'oidc_unavailable',
      'The identity provider cannot be reached; please try again later.',
    );
  }
  const held = getCookie(c, auth.loginCookie.name);
  const browser = held !== undefined && LOGIN_COOKIE_VALUE.test(held) ? held : randomSecret();
  await saveLoginFlow(
    deps.db.db,
    {
      state: flow.state,
      nonce: flow.nonce,
      codeVerifier: flow.codeVerifier,
      returnTo,
      browserHash: sha256Hex(browser),
    },
    deps.clock(),
  );
  setCookie(c, auth.loginCookie.name, browser, {
    httpOnly: true,
    secure: auth.secureCookie,
    sameSite: 'Lax',
    path: auth.loginCookie.path,
    maxAge: FLOW_TTL_MS / 1000,
  });
  return c.redirect(flow.url, 302);
}

/** The person of a confirmed sign-in, created or updated with the role their mappings give now. */
async function signedInUser(deps: AppDeps, auth: Auth, claims: OidcClaims, now: Date) {
  const keys = {
    userNames: [claims.username, claims.email].filter((x): x is string => x !== null),
    groups: claims.groups,
  };
  const externalId = `oidc:${claims.issuer}|${claims.subject}`;
  const input = {
    externalId,
    email: claims.email,
    source: 'oidc' as const,
    mappedRole: await mappedRole(deps.db.db, auth.roleMap, keys),
    claims: JSON.stringify(keys),
  };
  if (claims.name !== null) return upsertUser(deps.db.db, { ...input, name: claims.name }, now);
  // No name that is not an e-mail address: the person is shown by their number.
  const known = await findUserByExternalId(deps.db.db, externalId);
  const user = await upsertUser(deps.db.db, { ...input, name: known?.name ?? UNNAMED }, now);
  if (user.name !== UNNAMED && !/\S@\S/.test(user.name)) return user;
  return (await renameUser(deps.db.db, user.id, `${UNNAMED} #${user.id}`)) ?? user;
}

const UNNAMED = 'Nutzer·in';

export function authRoutes(deps: AppDeps, auth: Auth) {
  const { config } = deps;
  return new Hono<AppEnv>()
    .get('/login', validate('query', loginQuery), async (c) => {
      if (!auth.oidc)
        throw new ApiError(404, 'oidc_disabled', 'OpenID Connect is not configured (OIDC_ISSUER).');
      return startLogin(deps, auth, c, auth.oidc, c.req.valid('query').returnTo ?? '/');
    })
    .get('/callback', validate('query', callbackQuery), async (c) => {
      if (!auth.oidc)
        throw new ApiError(404, 'oidc_disabled', 'OpenID Connect is not configured (OIDC_ISSUER).');
      auth.checkBlocked(c);
      const q = c.req.valid('query');
      if (q.error) signInFailed(c, auth, `the identity provider answered ${q.error}`);
      if (!q.state || !q.code) signInFailed(c, auth, 'code or state missing');
      const flow = await takeLoginFlow(deps.db.db, q.state, deps.clock());
      if (!flow) signInFailed(c, auth, 'unknown or expired sign-in (state); please start again');
      const browser = getCookie(c, auth.loginCookie.name);
      if (browser === undefined || flow.browserHash === null || sha256Hex(browser) !== flow.browserHash) {
        signInFailed(
          c,
          auth,
          'Die Anmeldung wurde nicht in diesem Browser begonnen (oder sein Anmelde-Cookie fehlt). Bitte die Anmeldung hier neu starten.',
        );
      }
      deleteCookie(c, auth.loginCookie.name, { path: auth.loginCookie.path, secure: auth.secureCookie });
      const callbackUrl = new URL(`${config.PUBLIC_URL.replace(/\/+$/, '')}/api/auth/callback`);
      callbackUrl.search = new URL(c.req.url).search;
      let claims: Awaited<ReturnType<NonNullable<Auth['oidc']>['finish']>>;
      try {
        claims = await auth.oidc.finish(callbackUrl, {
          state: q.state,
          nonce: flow.nonce,
          codeVerifier: flow.codeVerifier,
        });
      } catch (err) {
        c.var.logger.warn({ err }, 'OIDC code exchange failed');
        signInFailed(c, auth, 'the identity provider did not confirm the sign-in');
      }
      const now = deps.clock();
      const user = await signedInUser(deps, auth, claims, now);
      if (user.disabled === 1) signInFailed(c, auth, 'this user is disabled');
      const secret = randomSecret();
      const maxMs = config.SESSION_MAX_HOURS * 3_600_000;
      await createSession(
        deps.db.db,
        {
          tokenHash: sha256Hex(secret),
          userId: user.id,
          expiresAt: new Date(now.getTime() + maxMs).toISOString(),
          address: auth.address(c),
          userAgent: c.req.header('user-agent') ?? null,
        },
        now,
      );
      setCookie(c, auth.cookieName, secret, {
        httpOnly: true,
        secure: auth.secureCookie,
        sameSite: 'Lax',
        path: '/',
        maxAge: Math.floor(maxMs / 1000),
      });
      await recordAudit(
        deps.db.db,
        {
          userId: user.id,
          actor: user.name,
          via: 'session',
          action: 'auth.sign_in',
          subject: user.name,
          detail: { role: effectiveRole(user) },
          address: auth.address(c),
        },
        now,
      );
      return c.redirect(flow.returnTo, 302);
    })
    .post('/logout', async (c) => {
      const p = c.get('principal');
      if (p.kind === 'person' && p.via === 'session' && p.sessionId !== undefined) {
        if (isAmbient(p) && c.req.header('origin') !== new URL(config.PUBLIC_URL).origin) {
          throw new ApiError(403, 'csrf', 'The request did not come from this application (Origin).');
        }
        await revokeCredential(deps.db.db, 'session', p.sessionId, deps.clock());
        await audit(deps, auth, c, 'auth.sign_out', p.name);
      }
      deleteCookie(c, auth.cookieName, { path: '/', secure: auth.secureCookie });
      return c.json({ signedOut: true });
    });
}

/** GET /api/me: who the request is from, and which ways of signing in there are. */
export function meRoutes(deps: AppDeps, auth: Auth) {
  return new Hono<AppEnv>().get('/', (c) => {
    const p = c.get('principal');
    return c.json({
      signedIn: p.kind === 'person',
      name: p.kind === 'person' ? p.name : null,
      role: p.kind === 'person' ? p.role : null,
      via: p.kind === 'person' ? p.via : null,
      userId: p.kind === 'person' ? p.userId : null,
      anonymousRead: deps.config.ANONYMOUS_READ,
      oidc: auth.oidc !== null,
    });
  });
}
