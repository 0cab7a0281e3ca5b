/**
 * Sign-in and sign-out: GET /api/auth/login (to the OpenID provider), GET /api/auth/callback
 * (back from it: a session cookie), POST /api/auth/logout, and GET /api/me (who am I).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { audit } from '../auth/audit.js';
import { isAmbient } from '../auth/principal.js';
import { effectiveRole, mappedRole } from '../auth/role-map.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import type { Auth } from '../auth/service.js';
import { recordAudit } from '../db/repositories/audit.js';
import { revokeCredential } from '../db/repositories/credentials.js';
import { createSession, saveLoginFlow, takeLoginFlow } from '../db/repositories/sessions.js';
import { upsertUser } from '../db/repositories/users.js';
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

export function authRoutes(deps: AppDeps, auth: Auth) {
  const { config } = deps;
  return new Hono<AppEnv>()
    .get('/login', validate('query', loginQuery), async (c) => {
      if (!auth.oidc)
        throw new ApiError(404, 'oidc_disabled', 'OpenID Connect is not configured (OIDC_ISSUER).');
      auth.checkBlocked(c);
      let flow: Awaited<ReturnType<NonNullable<Auth['oidc']>['start']>>;
      try {
        flow = await auth.oidc.start();
      } catch (err) {
        c.var.logger.error({ err }, 'OIDC provider unreachable (discovery)');
        throw new ApiError(
          503,
          'oidc_unavailable',
          'The identity provider cannot be reached; please try again later.',
        );
      }
      await saveLoginFlow(
        deps.db.db,
        {
          state: flow.state,
          nonce: flow.nonce,
          codeVerifier: flow.codeVerifier,
          returnTo: c.req.valid('query').returnTo ?? '/',
        },
        deps.clock(),
      );
      return c.redirect(flow.url, 302);
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
      const role = await mappedRole(deps.db.db, auth.roleMap, {
        userNames: [claims.username, claims.email].filter((x): x is string => x !== null),
        groups: claims.groups,
      });
      const now = deps.clock();
      const user = await upsertUser(
        deps.db.db,
        {
          externalId: `oidc:${claims.issuer}|${claims.subject}`,
          name: claims.name,
          email: claims.email,
          source: 'oidc',
          mappedRole: role,
        },
        now,
      );
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
