/**
 * The trusted proxy header over real sockets from two loopback addresses, the brute-force limit,
 * session timeouts and revocation, personal tokens (hash only, last-used), and the audit CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, REGION_A, setup } from '../api/fixture.js';
import { sqliteOf } from '../helpers/db.js';
import { type HttpApp, requestFrom, startHttpApp } from './harness.js';
import { sessionFor, tokenFor } from './principals.js';

describe('trusted proxy header (AUTH_PROXY_HEADER, AUTH_PROXY_TRUSTED)', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await startHttpApp({ AUTH_PROXY_HEADER: 'X-Remote-User', AUTH_PROXY_TRUSTED: '127.0.0.1/32' });
    await app.app.request('/api/admin/role-mappings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'user', value: 'mueller', role: 'controller' }),
    });
  });
  afterAll(() => app.close());

  const comment = (from: string) =>
    requestFrom(from, `${app.url}/api/comments`, {
      method: 'POST',
      headers: { 'x-remote-user': 'mueller', 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ region: REGION_A, goal: 'K3', month: '2024-05', text: 'über den Proxy' }),
    });

  it('names the person when the request comes from the trusted address', async () => {
    const me = await requestFrom('127.0.0.1', `${app.url}/api/me`, {
      headers: { 'x-remote-user': 'mueller' },
    });
    expect(JSON.parse(me.body)).toMatchObject({
      signedIn: true,
      name: 'mueller',
      role: 'controller',
      via: 'proxy',
    });
    const res = await comment('127.0.0.1');
    expect(res.status, res.body).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ comment: { author: 'mueller' } });
  });

  it('ignores the header from another address (127.0.0.2) and writes nothing', async () => {
    const me = await requestFrom('127.0.0.2', `${app.url}/api/me`, {
      headers: { 'x-remote-user': 'mueller' },
    });
    expect(JSON.parse(me.body)).toMatchObject({ signedIn: false, name: null });
    const before = sqliteOf(app.db).prepare('select count(*) n from comments').get();
    const res = await comment('127.0.0.2');
    expect(res.status).toBe(401);
    expect(sqliteOf(app.db).prepare('select count(*) n from comments').get()).toEqual(before);
  });

  it("passes a proxy's own Authorization scheme (Negotiate, Basic) by: the person is the header's", async () => {
    for (const scheme of ['Negotiate YIIabc', 'Basic bXVlbGxlcjpnZWhlaW0=', 'NTLM TlRMTVNTUAAB']) {
      const me = await requestFrom('127.0.0.1', `${app.url}/api/me`, {
        headers: { 'x-remote-user': 'mueller', authorization: scheme },
      });
      expect(JSON.parse(me.body), scheme).toMatchObject({ signedIn: true, name: 'mueller', via: 'proxy' });
    }
    const res = await requestFrom('127.0.0.1', `${app.url}/api/comments`, {
      method: 'POST',
      headers: {
        'x-remote-user': 'mueller',
        authorization: 'Negotiate YIIabc',
        'content-type': 'application/json',
        origin: app.url,
      },
      body: JSON.stringify({ region: REGION_A, goal: 'K3', month: '2024-05', text: 'mit Kerberos' }),
    });
    expect(res.status, res.body).toBe(201);
  });

  it('needs the Origin of PUBLIC_URL for a write through the proxy header (CSRF)', async () => {
    const res = await requestFrom('127.0.0.1', `${app.url}/api/comments`, {
      method: 'POST',
      headers: {
        'x-remote-user': 'mueller',
        'content-type': 'application/json',
        origin: 'http://evil.example',
      },
      body: JSON.stringify({ region: REGION_A, goal: 'K3', month: '2024-05', text: 'fremd' }),
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'csrf' } });
  });
});

describe('brute force', () => {
  it('answers the 11th wrong token from one address within a minute with 429 and Retry-After', async () => {
    const app = await startHttpApp();
    try {
      const wrong = { authorization: 'Bearer zm_falsch' };
      for (let i = 1; i <= 10; i++) {
        const res = await requestFrom('127.0.0.1', `${app.url}/api/comments?region=${REGION_A}`, {
          headers: wrong,
        });
        expect(res.status, `attempt ${i}`).toBe(401);
      }
      const eleventh = await requestFrom('127.0.0.1', `${app.url}/api/targets`, {
        method: 'PUT',
        headers: wrong,
      });
      expect(eleventh.status).toBe(429);
      expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(eleventh.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(JSON.parse(eleventh.body)).toMatchObject({ error: { code: 'too_many_failures' } });
      // Even the right token is refused from that address for now; another address is not affected.
      const right = { authorization: `Bearer ${ADMIN_TOKEN}` };
      expect((await requestFrom('127.0.0.1', `${app.url}/api/me`, { headers: right })).status).toBe(429);
      const other = await requestFrom('127.0.0.2', `${app.url}/api/me`, { headers: right });
      expect(JSON.parse(other.body)).toMatchObject({ name: 'ADMIN_TOKEN', role: 'admin' });
    } finally {
      await app.close();
    }
  });
});

describe('brute force: what is not a guess', () => {
  it("another scheme's Authorization header is no failed sign-in: no 401 on reads, no 429 after", async () => {
    const app = await startHttpApp();
    try {
      for (let i = 1; i <= 15; i++) {
        const res = await requestFrom('127.0.0.1', `${app.url}/api/regions`, {
          headers: { authorization: 'Basic YW5uYTpnZWhlaW0=' },
        });
        expect(res.status, `attempt ${i}`).toBe(200);
      }
      // A write with it is anonymous: 401, and still no block.
      const write = await requestFrom('127.0.0.1', `${app.url}/api/targets`, {
        method: 'PUT',
        headers: { authorization: 'Basic YW5uYTpnZWhlaW0=' },
      });
      expect(write.status).toBe(401);
      const right = await requestFrom('127.0.0.1', `${app.url}/api/me`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(JSON.parse(right.body)).toMatchObject({ name: 'ADMIN_TOKEN', role: 'admin' });
    } finally {
      await app.close();
    }
  });
});

describe('sessions', () => {
  const now = new Date('2025-05-01T10:00:00Z');
  const minutes = (m: number) => new Date(now.getTime() - m * 60_000);

  it.each([
    ['active', { lastSeenAt: minutes(5) }, true],
    ['idle longer than SESSION_IDLE_MINUTES (120)', { lastSeenAt: minutes(121) }, false],
    ['past its absolute end', { lastSeenAt: minutes(1), expiresAt: minutes(0.5) }, false],
  ] as const)('a session %s: signed in = %s', async (_n, times, signedIn) => {
    const ctx = await setup();
    const s = await sessionFor(ctx, 'Sabine', 'controller', times);
    const res = await ctx.app.request('/api/me', { headers: { cookie: `zm_session=${s.cookie}` } });
    expect(await res.json()).toMatchObject({ signedIn, name: signedIn ? 'Sabine' : null });
  });

  it('an admin ends a session; the cookie stops working at once', async () => {
    const ctx = await setup();
    const s = await sessionFor(ctx, 'Sabine', 'controller');
    const res = await ctx.app.request(`/api/admin/sessions/${s.sessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const me = await ctx.app.request('/api/me', { headers: { cookie: `zm_session=${s.cookie}` } });
    expect(await me.json()).toMatchObject({ signedIn: false });
  });

  it('sets a Secure __Host- cookie when PUBLIC_URL is https (checked on sign-out)', async () => {
    const ctx = await setup({ env: { PUBLIC_URL: 'https://zielmonitor.example' } });
    const res = await ctx.app.request('/api/auth/logout', { method: 'POST' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-zm_session=/);
    expect(cookie).toMatch(/Secure/);
  });
});

describe('revoking a token or a session by id', () => {
  it.each(['token', 'session'] as const)('a %s: ended once and audited; again: 404', async (kind) => {
    const ctx = await setup();
    const id =
      kind === 'token'
        ? (await tokenFor(ctx, 'Sabine', 'viewer')).tokenId
        : (await sessionFor(ctx, 'Sabine', 'viewer')).sessionId;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const revoke = () => ctx.app.request(`/api/admin/${kind}s/${id}`, { method: 'DELETE', headers: admin });
    const first = await revoke();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ revoked: id });
    const again = await revoke();
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: `${kind}_not_found` } });
    const log = await ctx.app.request(`/api/admin/audit?action=${kind}.revoke`, { headers: admin });
    expect((await log.json()).entries).toEqual([
      expect.objectContaining({ action: `${kind}.revoke`, subject: `${kind} ${id}` }),
    ]);
  });
});

describe('personal tokens', () => {
  it('are shown once, stored as SHA-256 only, and record their last use', async () => {
    const ctx = await setup();
    const res = await ctx.app.request('/api/admin/tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        user: 'Import-Skript',
        name: 'Nachtlauf',
        role: 'controller',
        expiresInDays: 7,
      }),
    });
    expect(res.status).toBe(201);
    const { token, info } = (await res.json()) as { token: string; info: { id: number; expiresAt: string } };
    expect(token).toMatch(/^zm_[A-Za-z0-9_-]{43}$/);
    expect(info.expiresAt).toBe('2025-05-08T10:00:00.000Z');
    const dump = JSON.stringify(sqliteOf(ctx.db).prepare('select * from api_tokens').all());
    expect(dump).not.toContain(token);
    const list = await ctx.app.request('/api/admin/tokens', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(JSON.stringify(await list.json())).not.toContain(token);

    const me = await ctx.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ name: 'Import-Skript', role: 'controller', via: 'token' });
    const row = sqliteOf(ctx.db).prepare('select last_used_at from api_tokens where id = ?').get(info.id);
    expect(row).toEqual({ last_used_at: '2025-05-01T10:00:00.000Z' });
  });

  it('write under the person: the import log and the target history name them', async () => {
    const ctx = await setup();
    const t = await tokenFor(ctx, 'Frau Schulz', 'admin');
    const auth = { authorization: `Bearer ${t.token}` };
    const put = await ctx.app.request('/api/targets', {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json', 'x-changed-by': 'jemand anders' },
      body: JSON.stringify({
        region: REGION_A,
        year: 2024,
        indicator: 'K2',
        gender: 'total',
        targetChangePct: 1,
        better: 'higher',
      }),
    });
    expect(put.status).toBe(200);
    const history = await (await ctx.app.request(`/api/targets/history?region=${REGION_A}`)).json();
    expect(history).toMatchObject({ history: [{ changedBy: 'Frau Schulz' }] });
    const form = new FormData();
    form.append(
      'file',
      new File(
        ['region;region_name;month;indicator;gender;value;flag\n05555;X;2024-01;INT;total;1;\n'],
        'a.csv',
      ),
    );
    const up = await ctx.app.request('/api/imports', { method: 'POST', headers: auth, body: form });
    expect(up.status).toBe(200);
    const runs = await (await ctx.app.request('/api/imports')).json();
    expect(runs).toMatchObject({ runs: [{ trigger: 'upload', startedBy: 'Frau Schulz' }] });
  });
});

describe('audit log export', () => {
  it('filters by person and action and neutralises formulas in the CSV', async () => {
    const ctx = await setup();
    const t = await tokenFor(ctx, '=HYPERLINK("http://evil.example")', 'controller');
    const res = await ctx.app.request('/api/comments', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ region: REGION_A, goal: 'K2-male', month: '2024-02', text: '+1 Stelle' }),
    });
    expect(res.status).toBe(201);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const filtered = await ctx.app.request('/api/admin/audit?action=comment&actor=HYPERLINK', {
      headers: admin,
    });
    const body = (await filtered.json()) as { entries: { action: string; actor: string }[] };
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({
      action: 'comment.create',
      actor: '=HYPERLINK("http://evil.example")',
    });
    expect(
      (
        (await (await ctx.app.request('/api/admin/audit?action=target', { headers: admin })).json()) as {
          entries: unknown[];
        }
      ).entries,
    ).toHaveLength(0);
    const csv = await (await ctx.app.request('/api/admin/audit?format=csv', { headers: admin })).text();
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Zeitpunkt;Person;Anmeldung über;Aktion;Code;Gegenstand;Details;Adresse');
    expect(lines[1]).toContain(
      `;"'=HYPERLINK(""http://evil.example"")";persönlicher Token;Kommentar geschrieben;comment.create;`,
    );
    // The comment text "+1 Stelle" sits inside the JSON details, which start with "{": no formula.
    expect(lines[1]).toContain('+1 Stelle');
    expect(lines[1]).toMatch(/^01\.05\.2025, 12:00;/);
    const anon = await ctx.app.request('/api/admin/audit?format=csv');
    expect(anon.status).toBe(401);
    // Days that do not exist are refused, not read as some other day.
    for (const bad of ['2024-13-45', '2023-02-29', '2024-04-31']) {
      const res = await ctx.app.request(`/api/admin/audit?from=${bad}`, { headers: admin });
      expect(res.status, bad).toBe(400);
    }
    expect((await ctx.app.request('/api/admin/audit?from=2024-02-29', { headers: admin })).status).toBe(200);
    // A range that ends before it starts is refused, as for the month table.
    const reversed = await ctx.app.request('/api/admin/audit?from=2025-01-01&to=2024-01-01', {
      headers: admin,
    });
    expect(reversed.status).toBe(400);
    expect(await reversed.json()).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('from: from must not be after to') },
    });
  });
});

describe('ANONYMOUS_READ=false', () => {
  it('reads need a person with a role; health, version and sign-in stay open', async () => {
    const ctx = await setup({ env: { ANONYMOUS_READ: 'false' } });
    const anon = await ctx.app.request('/api/goals');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toContain('Bearer');
    for (const open of [
      '/api/health',
      '/api/health/live',
      '/api/health/ready',
      '/api/version',
      '/api/me',
      '/api/openapi.json',
    ]) {
      expect((await ctx.app.request(open)).status, open).toBeLessThan(400);
    }
    const viewer = await tokenFor(ctx, 'Vera', 'viewer');
    const read = await ctx.app.request('/api/goals', {
      headers: { authorization: `Bearer ${viewer.token}` },
    });
    expect(read.status).toBe(200);
    const noRole = await sessionFor(ctx, 'Nils', null);
    const refused = await ctx.app.request('/api/goals', {
      headers: { cookie: `zm_session=${noRole.cookie}` },
    });
    expect(refused.status).toBe(403);
  });
});
