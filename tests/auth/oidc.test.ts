/**
 * OpenID Connect sign-in against a real provider (oidc-provider) in this process: authorization
 * code with PKCE and nonce, roles from the groups claim, the session cookie, CSRF, sign-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_A } from '../api/fixture.js';
import { sqliteOf } from '../helpers/db.js';
import { oidcEnv, startOidcProvider, type TestProvider } from '../helpers/oidc.js';
import { CookieJar, follow, type HttpApp, jarFetch, startHttpApp } from './harness.js';

let provider: TestProvider;
let app: HttpApp;

beforeAll(async () => {
  app = await startHttpApp(async (url) => {
    provider = await startOidcProvider(
      {
        carla: { name: 'Carla Controlling', email: 'carla@jc.example', groups: ['zm-controlling'] },
        nora: { name: 'Nora Ohnerolle', email: 'nora@jc.example', groups: ['gaeste'] },
      },
      `${url}/api/auth/callback`,
    );
    return {
      ...oidcEnv(provider, 'zm-controlling=controller,zm-admins=admin'),
    };
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await provider?.close();
});

/** Signs `login` in through the provider's login form; returns the app's answer to the callback. */
async function signIn(jar: CookieJar, login: string, returnTo = '/ziel/K2-female') {
  const form = await follow(
    jar,
    `${app.url}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
    '\u0000',
  );
  expect(form.url.startsWith(provider.issuer), form.url).toBe(true);
  const html = (await form.res?.text()) ?? '';
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  expect(action, html.slice(0, 300)).toBeDefined();
  const back = await follow(jar, new URL(action ?? '', form.url).href, `${app.url}/api/auth/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login, password: 'beliebig' }).toString(),
  });
  expect(back.url.startsWith(`${app.url}/api/auth/callback?`), back.url).toBe(true);
  return { callbackUrl: back.url, res: await jarFetch(jar, back.url) };
}

const me = async (jar: CookieJar) => (await jarFetch(jar, `${app.url}/api/me`)).json();

function postComment(jar: CookieJar, text: string, origin: string | null = app.url) {
  return jarFetch(jar, `${app.url}/api/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ region: REGION_A, goal: 'K2-female', month: '2024-09', text }),
  });
}

const commentCount = () =>
  (sqliteOf(app.db).prepare('select count(*) as n from comments').get() as { n: number }).n;

describe('OpenID Connect sign-in', () => {
  it('signs a controller in with a session cookie; they write a comment; sign-out ends the session', async () => {
    const jar = new CookieJar();
    const { res } = await signIn(jar, 'carla');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ziel/K2-female');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('zm_session='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // PUBLIC_URL is http here
    expect(await me(jar)).toMatchObject({
      signedIn: true,
      name: 'Carla Controlling',
      role: 'controller',
      via: 'session',
    });
    // Only the hash of the cookie is stored.
    const cookie = jar.get(app.url, 'zm_session') ?? '';
    expect(cookie.length).toBeGreaterThan(30);
    const stored = sqliteOf(app.db).prepare('select token_hash from sessions').all() as {
      token_hash: string;
    }[];
    expect(stored.map((s) => s.token_hash)).not.toContain(cookie);

    // CSRF: a cookie write without the app's Origin is refused, and writes nothing.
    const before = commentCount();
    for (const origin of [null, 'http://evil.example']) {
      const refused = await postComment(jar, 'von woanders', origin);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'csrf' } });
    }
    expect(commentCount()).toBe(before);

    const created = await postComment(jar, 'Maßnahme X endete im Juni');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      comment: { author: 'Carla Controlling', text: 'Maßnahme X endete im Juni', canEdit: true },
    });
    const audit = sqliteOf(app.db).prepare('select actor, action, via from audit_log order by id').all();
    expect(audit).toEqual([
      { actor: 'Carla Controlling', action: 'auth.sign_in', via: 'session' },
      { actor: 'Carla Controlling', action: 'comment.create', via: 'session' },
    ]);

    const out = await jarFetch(jar, `${app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: app.url },
    });
    expect(out.status).toBe(200);
    // The old cookie value no longer works: the session was ended on the server.
    const replay = await fetch(`${app.url}/api/me`, { headers: { cookie: `zm_session=${cookie}` } });
    expect(await replay.json()).toMatchObject({ signedIn: false, name: null });
    const after = await fetch(`${app.url}/api/comments`, {
      method: 'POST',
      headers: { cookie: `zm_session=${cookie}`, origin: app.url, 'content-type': 'application/json' },
      body: JSON.stringify({ region: REGION_A, goal: 'K2-female', month: '2024-09', text: 'nach Abmeldung' }),
    });
    expect(after.status).toBe(401);
  }, 60_000);

  it('a person whose groups map to no role is signed in but cannot write', async () => {
    const jar = new CookieJar();
    const { res } = await signIn(jar, 'nora');
    expect(res.status).toBe(302);
    expect(await me(jar)).toMatchObject({ signedIn: true, name: 'Nora Ohnerolle', role: null });
    const before = commentCount();
    const refused = await postComment(jar, 'darf ich nicht');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(commentCount()).toBe(before);
  }, 60_000);

  it('refuses a callback with an unknown state and a replayed one', async () => {
    const jar = new CookieJar();
    const { callbackUrl } = await signIn(jar, 'carla');
    const replay = await jarFetch(new CookieJar(), callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: { code: 'sign_in_failed' } });
    const forged = await jarFetch(new CookieJar(), `${app.url}/api/auth/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    const open = await jarFetch(new CookieJar(), `${app.url}/api/auth/login?returnTo=//evil.example/`);
    expect(open.status).toBe(400);
  }, 60_000);
});
