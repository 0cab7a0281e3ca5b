/**
 * Role × endpoint matrix over every write route of the OpenAPI document: anonymous, viewer,
 * controller, admin, the break-glass ADMIN_TOKEN, an expired token, a revoked token, and the
 * proxy header from an untrusted source. Each answer is checked, and a refused request must
 * leave every table as it was; an accepted one must leave an audit-log row.
 */
import { describe, expect, it } from 'vitest';
import { createComment } from '../../server/db/repositories/comments.js';
import { upsertImportMapping } from '../../server/db/repositories/import-mappings.js';
import { setRoleMapping, upsertUser } from '../../server/db/repositories/users.js';
import { buildOpenApi } from '../../server/openapi.js';
import { ADMIN_TOKEN, REGION_A, setup, type TestContext } from '../api/fixture.js';
import { UNKNOWN_LAYOUT_SPEC, unknownLayoutCsv } from '../fixtures/unknown-layout.js';
import { sqliteOf } from '../helpers/db.js';
import { expiredToken, revokedToken, sessionFor, tokenFor } from './principals.js';

type Role = 'viewer' | 'controller' | 'admin';

interface Call {
  path: string;
  init: RequestInit;
}

interface Who {
  /** Headers to send (a token, or the proxy header). */
  headers: Record<string, string>;
  /** The user id behind it (comments the route changes belong to them). */
  userId: number | null;
}

const CSV = [
  'region;region_name;month;indicator;gender;value;flag',
  '05555;Jobcenter Upload;2024-01;INT;total;12;',
  '',
].join('\n');

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** One successful request per write route, with whatever it needs prepared first. */
const MAPPING = { name: 'LZB Segeberg', pattern: 'lzb-segeberg-*.csv', spec: UNKNOWN_LAYOUT_SPEC };
const savedMapping = (ctx: TestContext) =>
  upsertImportMapping(ctx.db.db, { ...MAPPING, name: 'Vorhanden' }, ctx.deps.clock().toISOString(), 'test');
const wizardForm = () => {
  const form = new FormData();
  form.append('file', new File([unknownLayoutCsv(9)], 'lzb-segeberg-2024-09.csv', { type: 'text/csv' }));
  return form;
};

const SAMPLES: Record<string, (ctx: TestContext, who: Who) => Promise<Call>> = {
  'post /api/import-mappings': async () => ({ path: '/api/import-mappings', init: json('POST', MAPPING) }),
  'post /api/import-mappings/import': async () => ({
    path: '/api/import-mappings/import',
    init: json('POST', { mappings: [MAPPING] }),
  }),
  'put /api/import-mappings/{id}': async (ctx) => ({
    path: `/api/import-mappings/${await savedMapping(ctx)}`,
    init: json('PUT', { ...MAPPING, name: 'Umbenannt' }),
  }),
  'delete /api/import-mappings/{id}': async (ctx) => ({
    path: `/api/import-mappings/${await savedMapping(ctx)}`,
    init: { method: 'DELETE' },
  }),
  'post /api/import-wizard/preview': async () => ({
    path: '/api/import-wizard/preview',
    init: { method: 'POST', body: wizardForm() },
  }),
  'post /api/import-wizard/jobs': async () => ({
    path: '/api/import-wizard/jobs',
    init: { method: 'POST', body: wizardForm() },
  }),
  'post /api/jobcenters/home': async () => ({
    path: '/api/jobcenters/home',
    init: json('POST', { jobcenter: 't11522' }),
  }),
  'put /api/targets': async () => ({
    path: '/api/targets',
    init: json('PUT', {
      region: REGION_A,
      year: 2024,
      indicator: 'K2',
      gender: 'total',
      targetChangePct: 2,
      better: 'higher',
    }),
  }),
  'post /api/imports': async () => {
    const form = new FormData();
    form.append('file', new File([CSV], 'upload.csv', { type: 'text/csv' }));
    return { path: '/api/imports', init: { method: 'POST', body: form } };
  },
  'post /api/alerts/evaluate': async () => ({ path: '/api/alerts/evaluate', init: { method: 'POST' } }),
  'put /api/alerts/mutes': async () => ({
    path: '/api/alerts/mutes',
    init: json('PUT', { goal: 'K2-female', until: '2025-06-30' }),
  }),
  'delete /api/alerts/mutes/{id}': async (ctx) => {
    const mute = await ctx.deps.alerts.setMute({ goal: 'K3-total', until: '2025-07-31' }, 'test');
    return { path: `/api/alerts/mutes/${mute.id}`, init: { method: 'DELETE' } };
  },
  'post /api/alerts/recipients': async () => ({
    path: '/api/alerts/recipients',
    init: json('POST', { email: 'neu@jc.example', goals: ['K3'] }),
  }),
  'delete /api/alerts/recipients/{id}': async (ctx) => {
    const r = await ctx.deps.alerts.addRecipient({ email: 'weg@jc.example' }, 'test');
    if (r === 'duplicate') throw new Error('sample recipient already there');
    return { path: `/api/alerts/recipients/${r.id}`, init: { method: 'DELETE' } };
  },
  'post /api/comments': async () => ({
    path: '/api/comments',
    init: json('POST', { region: REGION_A, goal: 'K2-female', month: '2024-09', text: 'Maßnahme X endete' }),
  }),
  'patch /api/comments/{id}': async (ctx, who) => {
    const c = await ownComment(ctx, who);
    return { path: `/api/comments/${c}`, init: json('PATCH', { text: 'geändert' }) };
  },
  'delete /api/comments/{id}': async (ctx, who) => {
    const c = await ownComment(ctx, who);
    return { path: `/api/comments/${c}`, init: { method: 'DELETE' } };
  },
  'patch /api/admin/users/{id}': async (ctx) => {
    const t = await tokenFor(ctx, 'zu-aendern', 'viewer');
    return { path: `/api/admin/users/${t.userId}`, init: json('PATCH', { role: 'controller' }) };
  },
  'put /api/admin/role-mappings': async () => ({
    path: '/api/admin/role-mappings',
    init: json('PUT', { kind: 'group', value: 'zm-controlling', role: 'controller' }),
  }),
  'delete /api/admin/role-mappings/{id}': async (ctx) => {
    const m = await setRoleMapping(
      ctx.db.db,
      { kind: 'user', value: 'x', role: 'viewer', by: 't' },
      ctx.deps.clock(),
    );
    return { path: `/api/admin/role-mappings/${m.id}`, init: { method: 'DELETE' } };
  },
  'post /api/admin/tokens': async () => ({
    path: '/api/admin/tokens',
    init: json('POST', { user: 'skript', name: 'Import', role: 'controller' }),
  }),
  'delete /api/admin/tokens/{id}': async (ctx) => {
    const t = await tokenFor(ctx, 'alt', 'viewer');
    return { path: `/api/admin/tokens/${t.tokenId}`, init: { method: 'DELETE' } };
  },
  'delete /api/admin/sessions/{id}': async (ctx) => {
    const s = await sessionFor(ctx, 'Sitzung', 'viewer');
    return { path: `/api/admin/sessions/${s.sessionId}`, init: { method: 'DELETE' } };
  },
};

async function ownComment(ctx: TestContext, who: Who): Promise<number> {
  const c = await createComment(
    ctx.db.db,
    { region: REGION_A, goal: 'K2-female', month: '2024-03', text: 'alt', authorId: who.userId, author: 'x' },
    ctx.deps.clock(),
  );
  return c.id;
}

/** Every row of every table a write could touch (volatile last-used/seen times left out). */
function snapshot(ctx: TestContext): string {
  const s = sqliteOf(ctx.db);
  const q = (sql: string) => s.prepare(sql).all();
  return JSON.stringify({
    comments: q('select * from comments'),
    history: q('select * from comment_history'),
    targets: q('select * from targets'),
    targetHistory: q('select * from target_history'),
    runs: q('select * from import_runs'),
    observations: q('select count(*) n from observations'),
    mutes: q('select * from alert_mutes'),
    recipients: q('select * from alert_recipients'),
    alerts: q('select count(*) n from alerts'),
    users: q('select id, name, role, disabled from users'),
    mappings: q('select * from role_mappings'),
    tokens: q('select id, revoked_at from api_tokens'),
    sessions: q('select id, revoked_at from sessions'),
    audit: q('select * from audit_log'),
    meta: q('select * from meta'),
  });
}

/** The proxy and limiter settings every matrix case runs with (a trusted proxy that is not the caller). */
const MATRIX_ENV = {
  AUTH_PROXY_HEADER: 'X-Remote-User',
  AUTH_PROXY_TRUSTED: '10.9.9.9',
  AUTH_MAX_FAILURES_PER_MINUTE: '1000',
};

const RANK: Record<Role, number> = { viewer: 1, controller: 2, admin: 3 };

type Principal = 'anonymous' | Role | 'admin_token' | 'expired' | 'revoked' | 'untrusted_proxy';
const PRINCIPALS: Principal[] = [
  'anonymous',
  'viewer',
  'controller',
  'admin',
  'admin_token',
  'expired',
  'revoked',
  'untrusted_proxy',
];

/** The principal's headers on this context (tokens are created in it). */
async function who(ctx: TestContext, p: Principal): Promise<Who> {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  switch (p) {
    case 'anonymous':
      return { headers: {}, userId: null };
    case 'admin_token':
      return { headers: bearer(ADMIN_TOKEN), userId: null };
    case 'expired':
      return { headers: bearer(await expiredToken(ctx, 'admin')), userId: null };
    case 'revoked':
      return { headers: bearer(await revokedToken(ctx, 'admin')), userId: null };
    case 'untrusted_proxy':
      // An admin by name, but the request does not come from AUTH_PROXY_TRUSTED.
      await setRoleMapping(
        ctx.db.db,
        { kind: 'user', value: 'pia', role: 'admin', by: 't' },
        ctx.deps.clock(),
      );
      return { headers: { 'x-remote-user': 'pia' }, userId: null };
    default: {
      const t = await tokenFor(ctx, `person-${p}`, p);
      return { headers: bearer(t.token), userId: t.userId };
    }
  }
}

function expected(p: Principal, role: Role): { status: number; code?: string } {
  if (p === 'anonymous' || p === 'untrusted_proxy') return { status: 401, code: 'unauthorized' };
  if (p === 'expired' || p === 'revoked') return { status: 401, code: 'invalid_token' };
  if (p === 'admin_token') return { status: 200 };
  return RANK[p] >= RANK[role] ? { status: 200 } : { status: 403, code: 'forbidden' };
}

const doc = buildOpenApi() as { paths: Record<string, Record<string, { 'x-role'?: Role }>> };
const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops)
    .filter(([method]) => method !== 'get')
    .map(([method, op]) => ({ key: `${method} ${path}`, role: op['x-role'] })),
);

describe('every write route of the OpenAPI document needs a role', () => {
  it('finds the write routes, each with a role (sign-out only needs a session) and a sample here', () => {
    expect(writes.length).toBeGreaterThanOrEqual(15);
    for (const w of writes) {
      if (w.key === 'post /api/auth/logout') continue;
      expect(w.role, w.key).toBeDefined();
      expect(SAMPLES[w.key], `no sample request for ${w.key}`).toBeDefined();
    }
  });

  const cases = writes
    .filter((w) => w.role !== undefined)
    .flatMap((w) => PRINCIPALS.map((p) => [w.key, p, w.role as Role] as const));

  it.each(cases)('%s as %s', async (key, p, role) => {
    const ctx = await setup({ env: MATRIX_ENV });
    const principal = await who(ctx, p);
    const sample = SAMPLES[key];
    if (!sample) throw new Error(`no sample for ${key}`);
    const call = await sample(ctx, principal);
    const before = snapshot(ctx);
    const auditBefore = sqliteOf(ctx.db).prepare('select count(*) n from audit_log').get() as { n: number };
    const headers = new Headers(call.init.headers);
    for (const [k, v] of Object.entries(principal.headers)) headers.set(k, v);
    const res = await ctx.app.request(call.path, { ...call.init, headers });
    const body = (await res.json()) as { error?: { code: string } };
    const want = expected(p, role);
    if (want.status === 200) {
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(200);
      expect(res.status, JSON.stringify(body)).toBeLessThan(300);
      const auditAfter = sqliteOf(ctx.db).prepare('select count(*) n from audit_log').get() as { n: number };
      expect(auditAfter.n, 'the write is in the audit log').toBeGreaterThan(auditBefore.n);
    } else {
      expect(res.status, JSON.stringify(body)).toBe(want.status);
      expect(body.error?.code).toBe(want.code);
      expect(snapshot(ctx), 'nothing changed').toBe(before);
    }
  });
});

// The reads that need a role (the admin pages, the alert recipients: personal data).
const roleReads = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops)
    .filter(([method, op]) => method === 'get' && op['x-role'] !== undefined)
    .map(([, op]) => ({ path, role: op['x-role'] as Role })),
);

describe('every read route of the OpenAPI document with a role answers only that role', () => {
  it('finds them, none with a path parameter', () => {
    expect(roleReads.map((r) => r.path)).toContain('/api/alerts/recipients');
    expect(roleReads.length).toBeGreaterThanOrEqual(6);
    for (const r of roleReads) expect(r.path).not.toContain('{');
  });

  it.each(roleReads.flatMap((r) => PRINCIPALS.map((p) => [r.path, p, r.role] as const)))(
    'GET %s as %s',
    async (path, p, role) => {
      const ctx = await setup({ env: MATRIX_ENV });
      const principal = await who(ctx, p);
      const res = await ctx.app.request(path, { headers: principal.headers });
      const want = expected(p, role);
      if (want.status === 200) {
        expect(res.status).toBe(200);
      } else {
        const body = (await res.json()) as { error?: { code: string } };
        expect(res.status, JSON.stringify(body)).toBe(want.status);
        expect(body.error?.code).toBe(want.code);
      }
    },
  );
});

describe('comments: the author changes their own, an admin any', () => {
  it('a controller cannot change or delete a comment of another controller', async () => {
    const ctx = await setup();
    const anna = await tokenFor(ctx, 'Anna', 'controller');
    const ben = await tokenFor(ctx, 'Ben', 'controller');
    const id = await ownComment(ctx, { headers: {}, userId: anna.userId });
    const before = snapshot(ctx);
    const auth = { authorization: `Bearer ${ben.token}`, 'content-type': 'application/json' };
    const patch = await ctx.app.request(`/api/comments/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ text: 'fremd' }),
    });
    expect(patch.status).toBe(403);
    const del = await ctx.app.request(`/api/comments/${id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(403);
    expect(snapshot(ctx)).toBe(before);
  });
});

describe('a personal token never acts above its owner', () => {
  it('demoting the owner demotes the token at once; setting the role back restores it', async () => {
    const ctx = await setup();
    const carla = await tokenFor(ctx, 'Carla', 'controller');
    const asCarla = { authorization: `Bearer ${carla.token}`, 'content-type': 'application/json' };
    const me = async () =>
      ((await (await ctx.app.request('/api/me', { headers: asCarla })).json()) as { role: string | null })
        .role;
    const comment = () =>
      ctx.app.request('/api/comments', {
        method: 'POST',
        headers: asCarla,
        body: JSON.stringify({ region: REGION_A, goal: 'K2-female', month: '2024-09', text: 'Notiz' }),
      });
    // A local user made to own the token has no role of its own: the token's counts.
    expect(await me()).toBe('controller');
    expect((await comment()).status).toBe(201);

    const setRole = (role: string) =>
      ctx.app.request(`/api/admin/users/${carla.userId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role }),
      });
    expect((await setRole('viewer')).status).toBe(200);
    expect(await me()).toBe('viewer');
    const before = snapshot(ctx);
    const refused = await comment();
    expect(refused.status).toBe(403);
    expect(snapshot(ctx)).toBe(before);

    // Promoting the owner above the token does not raise the token.
    expect((await setRole('admin')).status).toBe(200);
    expect(await me()).toBe('controller');
    expect((await comment()).status).toBe(201);
  });
});

describe('a token for one of two people of the same name', () => {
  it('is refused by name alone, naming the ids; issued by userId, it belongs to that person', async () => {
    const ctx = await setup();
    const now = ctx.deps.clock();
    const person = (sub: string) =>
      upsertUser(
        ctx.db.db,
        {
          externalId: `oidc:https://idp|${sub}`,
          name: 'Thomas Müller',
          email: null,
          source: 'oidc',
          mappedRole: 'controller',
        },
        now,
      );
    const first = await person('a');
    const second = await person('b');
    const create = (body: Record<string, unknown>) =>
      ctx.app.request('/api/admin/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Skript', role: 'controller', ...body }),
      });
    const ambiguous = await create({ user: 'Thomas Müller' });
    expect(ambiguous.status).toBe(400);
    expect(JSON.stringify(await ambiguous.json())).toContain(`ids ${first.id}, ${second.id}`);
    const owned = await create({ user: 'Thomas Müller', userId: second.id });
    expect(owned.status).toBe(201);
    const { info } = (await owned.json()) as { info: { id: number; userId: number } };
    expect(info.userId).toBe(second.id);
    const rows = await ctx.db.db.selectFrom('api_tokens').select(['id', 'user_id']).execute();
    expect(rows).toEqual([{ id: info.id, user_id: second.id }]);
    expect((await create({ user: 'Thomas Müller', userId: 9999 })).status).toBe(404);
  });
});
