/**
 * Sign-in findings of the outside audit (people and auth), against a real OpenID provider and
 * real HTTP, on SQLite and PostgreSQL (this folder runs in both): roles from group mappings follow
 * the mappings at once, the sign-in is bound to the browser that started it, no e-mail address
 * becomes a public name, and starting sign-ins is limited per address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, follow, type HttpApp, jarFetch, startHttpApp } from '../auth/harness.js';
import { oidcEnv, startOidcProvider, type TestProvider } from '../helpers/oidc.js';
import { ADMIN_TOKEN, REGION_A } from './fixture.js';

let provider: TestProvider;
let app: HttpApp;
const LOGIN_STARTS = 25;

beforeAll(async () => {
  app = await startHttpApp(async (url) => {
    provider = await startOidcProvider(
      {
        vera: { name: 'Vera Viewer', email: 'vera@jc.example', groups: ['gaeste'] },
        cora: { name: 'Cora Controlling', email: 'cora@jc.example', groups: ['zm-controlling'] },
        ella: { email: 'ella.schmidt@jc.example', username: null, groups: ['zm-controlling'] },
        upn: { email: 'u.pn@jc.example', username: 'u.pn@jc.example', groups: ['zm-controlling'] },
      },
      `${url}/api/auth/callback`,
    );
    return {
      ...oidcEnv(provider, 'zm-controlling=controller'),
      AUTH_MAX_LOGIN_STARTS_PER_MINUTE: String(LOGIN_STARTS),
    };
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await provider?.close();
});

/** Through the provider's login form up to (not into) the app's callback. */
async function toCallback(jar: CookieJar, login: string): Promise<string> {
  const form = await follow(jar, `${app.url}/api/auth/login`, '\u0000');
  expect(form.url.startsWith(provider.issuer), form.url).toBe(true);
  const html = (await form.res?.text()) ?? '';
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const back = await follow(jar, new URL(action, form.url).href, `${app.url}/api/auth/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login, password: 'beliebig' }).toString(),
  });
  expect(back.url.startsWith(`${app.url}/api/auth/callback?`), back.url).toBe(true);
  return back.url;
}

async function signIn(login: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const res = await jarFetch(jar, await toCallback(jar, login));
  expect(res.status, await res.clone().text()).toBe(302);
  return jar;
}

const me = async (jar: CookieJar) =>
  (await jarFetch(jar, `${app.url}/api/me`)).json() as Promise<{
    name: string;
    role: string | null;
    userId: number;
  }>;
const asAdmin = (path: string, init: RequestInit = {}) =>
  fetch(`${app.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  });
const tokenMe = async (token: string) =>
  (await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json();

describe('roles from group mappings', () => {
  it('a deleted or changed mapping demotes sessions and personal tokens at once', async () => {
    const put = await asAdmin('/api/admin/role-mappings', {
      method: 'PUT',
      body: JSON.stringify({ kind: 'group', value: 'gaeste', role: 'admin' }),
    });
    const { mapping } = (await put.json()) as { mapping: { id: number } };
    const vera = await signIn('vera');
    const who = await me(vera);
    expect(who).toMatchObject({ name: 'Vera Viewer', role: 'admin' });
    const issued = await asAdmin('/api/admin/tokens', {
      method: 'POST',
      body: JSON.stringify({ user: 'Vera Viewer', userId: who.userId, name: 'Skript', role: 'admin' }),
    });
    const { token } = (await issued.json()) as { token: string };
    expect(await tokenMe(token)).toMatchObject({ role: 'admin', via: 'token' });

    // Changed: the session and the token follow the new role on the next request.
    await asAdmin('/api/admin/role-mappings', {
      method: 'PUT',
      body: JSON.stringify({ kind: 'group', value: 'gaeste', role: 'controller' }),
    });
    expect(await me(vera)).toMatchObject({ role: 'controller' });
    expect(await tokenMe(token)).toMatchObject({ role: 'controller' });

    // Deleted: no role from it any more; the token can only read.
    expect((await asAdmin(`/api/admin/role-mappings/${mapping.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await me(vera)).toMatchObject({ name: 'Vera Viewer', role: null });
    expect(await tokenMe(token)).toMatchObject({ role: 'viewer', via: 'token' });
    const recipients = await fetch(`${app.url}/api/alerts/recipients`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(recipients.status).toBe(403);
    const users = (await (await asAdmin('/api/admin/users')).json()) as {
      users: { id: number; mappedRole: string | null }[];
    };
    expect(users.users.find((u) => u.id === who.userId)?.mappedRole).toBeNull();
  }, 60_000);
});

describe('tokens of people who have not signed in for a while', () => {
  it('act at most as viewer after TOKEN_REVALIDATE_DAYS without a sign-in, and get their role back at the next one', async () => {
    const cora = await signIn('cora');
    const who = await me(cora);
    const issued = await asAdmin('/api/admin/tokens', {
      method: 'POST',
      body: JSON.stringify({
        user: 'Cora Controlling',
        userId: who.userId,
        name: 'Skript',
        role: 'controller',
      }),
    });
    const { token } = (await issued.json()) as { token: string };
    expect(await tokenMe(token)).toMatchObject({ role: 'controller' });
    // The last sign-in long ago: the groups of then may be gone at the provider.
    await app.db.db
      .updateTable('users')
      .set({ last_seen_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', who.userId)
      .execute();
    expect(await tokenMe(token)).toMatchObject({ role: 'viewer', via: 'token' });
    await signIn('cora');
    expect(await tokenMe(token)).toMatchObject({ role: 'controller' });
  }, 60_000);
});

describe('the sign-in is bound to the browser that started it', () => {
  it('sets a short-lived HttpOnly cookie at /login and refuses the callback in another browser', async () => {
    const attacker = new CookieJar();
    const login = await jarFetch(attacker, `${app.url}/api/auth/login`);
    expect(login.status).toBe(302);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('zm_login='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/api\/auth/i);
    expect(cookie).toMatch(/Max-Age=600/i);

    const callback = await toCallback(new CookieJar(), 'vera');
    const victim = new CookieJar();
    const res = await jarFetch(victim, callback);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('sign_in_failed');
    expect(body.error.message).toMatch(/in diesem Browser begonnen/);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('zm_session='))).toBe(false);
    expect(await me(victim)).toMatchObject({ name: null });
  }, 60_000);
});

describe('no e-mail address as a public name', () => {
  it('a person without name and with an e-mail as preferred_username is shown as Nutzer·in #id', async () => {
    for (const login of ['ella', 'upn']) {
      const jar = await signIn(login);
      const who = await me(jar);
      expect(who).toMatchObject({ role: 'controller', name: `Nutzer·in #${who.userId}` });
      const created = await jarFetch(jar, `${app.url}/api/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: app.url },
        body: JSON.stringify({ region: REGION_A, goal: 'K2-female', month: '2024-09', text: `von ${login}` }),
      });
      expect(created.status).toBe(201);
    }
    const anonymous = await (await fetch(`${app.url}/api/comments?region=${REGION_A}`)).text();
    expect(anonymous).not.toMatch(/@jc\.example/);
  }, 60_000);
});

describe('names stored as e-mail addresses before', () => {
  it('anonymous readers see comment authors without their address (uploaders and target changes alike); admins see it', async () => {
    // A person whose address became their name before (the sign-in no longer does that).
    const jar = await signIn('ella');
    const who = await me(jar);
    await app.db.db
      .updateTable('users')
      .set({ name: 'ella.schmidt@jc.example' })
      .where('id', '=', who.userId)
      .execute();
    const created = await jarFetch(jar, `${app.url}/api/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ region: REGION_A, goal: 'K2-female', month: '2024-10', text: 'alt benannt' }),
    });
    expect(created.status).toBe(201);
    const anonymous = await (await fetch(`${app.url}/api/comments?region=${REGION_A}`)).text();
    expect(anonymous).not.toContain('ella.schmidt@jc.example');
    expect(anonymous).toContain('(E-Mail-Adresse verborgen)');
    const admin = await (await asAdmin(`/api/comments?region=${REGION_A}`)).text();
    expect(admin).toContain('ella.schmidt@jc.example');
  }, 60_000);
});

describe('starting sign-ins is limited per address', () => {
  it(`after ${LOGIN_STARTS} starts a minute the next gets 429 and no flow is stored`, async () => {
    const count = async () =>
      Number(
        (
          (await app.db.db
            .selectFrom('login_flows')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()) as { n: number | string }
        ).n,
      );
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_STARTS + 5; i++) {
      statuses.push((await fetch(`${app.url}/api/auth/login`, { redirect: 'manual' })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 302).length).toBeLessThanOrEqual(LOGIN_STARTS);
    expect(await count()).toBeLessThanOrEqual(LOGIN_STARTS);
    const refused = await fetch(`${app.url}/api/auth/login`, { redirect: 'manual' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 60_000);
});
