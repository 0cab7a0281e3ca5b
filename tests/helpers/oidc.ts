/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1 and a free port, for the
 * sign-in tests. Its development login form accepts any password for the accounts given here;
 * consent is granted at once (first-party app). It warns about the runtime under Node 20: harmless.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  /** Left out of the claims when undefined (an IdP that sends no name). */
  name?: string;
  /** preferred_username: the login by default; null leaves it out. */
  username?: string | null;
  email: string;
  groups: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export const OIDC_CLIENT_ID = 'zielmonitor-test';
export const OIDC_CLIENT_SECRET = 'zielmonitor-test-secret-0123456789';

async function grantAll(ctx: KoaContextWithOIDC) {
  const clientId = ctx.oidc.client?.clientId;
  const accountId = ctx.oidc.session?.accountId;
  if (!clientId || !accountId) return undefined;
  const existing = ctx.oidc.session?.grantIdFor(clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
  grant.addOIDCScope('openid profile email groups');
  await grant.save();
  return grant;
}

/** The app's OIDC settings for `provider`, with the scopes the provider grants and `roleMap`. */
export function oidcEnv(provider: TestProvider, roleMap: string): Record<string, string> {
  return {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_SCOPES: 'openid profile email groups',
    OIDC_ROLE_MAP: roleMap,
  };
}

/** Starts the provider; `redirectUri` is the app's /api/auth/callback. */
export async function startOidcProvider(
  accounts: Record<string, TestAccount>,
  redirectUri: string,
): Promise<TestProvider> {
  let handler: RequestListener | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // The groups travel in the ID token (as Entra ID and Keycloak can be set up to do).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    findAccount: (_ctx, id) => {
      const a = accounts[id];
      if (!a) return undefined;
      return {
        accountId: id,
        claims: () => {
          const username = a.username === undefined ? id : a.username;
          return {
            sub: id,
            ...(a.name !== undefined ? { name: a.name } : {}),
            ...(username !== null ? { preferred_username: username } : {}),
            email: a.email,
            groups: a.groups,
          };
        },
      };
    },
    loadExistingGrant: grantAll,
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600 },
  });
  handler = provider.callback();
  return {
    issuer,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
