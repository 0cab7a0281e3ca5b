/**
 * OpenID Connect sign-in (authorization code flow with PKCE and nonce) through `openid-client`.
 * The provider's metadata is discovered on the first sign-in and kept; a failed discovery is
 * retried on the next sign-in rather than failing the server's start.
 */
import type * as Oidc from 'openid-client';
import type { Config } from '../config.js';

/** openid-client, loaded on the first sign-in: a server without OIDC never needs it. */
let library: Promise<typeof Oidc> | null = null;
const openidClient = () => {
  library ??= import('openid-client');
  return library;
};

export interface OidcClaims {
  subject: string;
  issuer: string;
  /**
   * The `name` claim, else preferred_username; never an e-mail address (it would be shown to
   * anonymous readers as an author): null then, and the caller names the person by their id.
   */
  name: string | null;
  /** preferred_username (matched against user mappings), else null. */
  username: string | null;
  email: string | null;
  /** Values of the role claim (OIDC_ROLE_CLAIM): a string or list of strings in the ID token. */
  groups: string[];
}

export interface OidcClient {
  /** The provider URL to send the browser to, and what the callback must check. */
  start(): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }>;
  /** Exchanges the code of the callback URL for tokens and returns the checked claims. */
  finish(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<OidcClaims>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function redirectUri(config: Config): string {
  return `${config.PUBLIC_URL.replace(/\/+$/, '')}/api/auth/callback`;
}

/** An e-mail address (or a UPN, which looks like one): not a name to show. */
function looksLikeEmail(s: string): boolean {
  return /\S@\S/.test(s);
}

function claimStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The OIDC client, or null when OIDC_ISSUER / OIDC_CLIENT_ID are not set. */
export function createOidcClient(config: Config): OidcClient | null {
  const issuer = config.OIDC_ISSUER;
  const clientId = config.OIDC_CLIENT_ID;
  if (issuer === null) return null;
  if (clientId === null) throw new Error('OIDC_ISSUER is set but OIDC_CLIENT_ID is not.');
  const issuerUrl = new URL(issuer);
  // Plain http only to a provider on this machine (development and the tests).
  const insecure = issuerUrl.protocol === 'http:' && LOOPBACK.has(issuerUrl.hostname);
  let discovered: Promise<Oidc.Configuration> | null = null;
  const configuration = () => {
    discovered ??= openidClient()
      .then((oidc) =>
        oidc.discovery(
          issuerUrl,
          clientId,
          config.OIDC_CLIENT_SECRET ?? undefined,
          config.OIDC_CLIENT_SECRET ? oidc.ClientSecretPost(config.OIDC_CLIENT_SECRET) : oidc.None(),
          insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
        ),
      )
      .catch((err: unknown) => {
        discovered = null;
        throw err;
      });
    return discovered;
  };
  return {
    async start() {
      const conf = await configuration();
      const oidc = await openidClient();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(conf, {
        redirect_uri: redirectUri(config),
        scope: config.OIDC_SCOPES,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },
    async finish(callbackUrl, checks) {
      const conf = await configuration();
      const oidc = await openidClient();
      const tokens = await oidc.authorizationCodeGrant(conf, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider sent no ID token');
      const str = (k: string): string | null => {
        const v = claims[k];
        return typeof v === 'string' && v !== '' ? v : null;
      };
      return {
        subject: claims.sub,
        issuer: claims.iss,
        name: [str('name'), str('preferred_username')].find((n) => n !== null && !looksLikeEmail(n)) ?? null,
        username: str('preferred_username'),
        email: str('email'),
        groups: claimStrings(claims[config.OIDC_ROLE_CLAIM]),
      };
    },
  };
}
