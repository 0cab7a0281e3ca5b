/**
 * Hostile input on every endpoint, through app.request() on the API fixture database.
 * Endpoints and their parameters are enumerated from /api/openapi.json, so a new endpoint or
 * filter is covered without touching this file:
 * - SQL metacharacters, LIKE wildcards, NUL bytes, odd unicode, traversal strings and very long
 *   values in every query and path parameter → 4xx with `{ error: { code, message } }` or a
 *   correct (not wildcard-matched) answer; never 5xx; the database unchanged;
 * - every operation that needs a role: no token → 401, wrong token → 401 invalid_token, no
 *   ADMIN_TOKEN configured → 401 whatever is sent, and nothing written; with the right token the
 *   same request succeeds (so it was the token);
 * - oversized bodies → 413 (also streamed without Content-Length), wrong content types and
 *   malformed JSON → 400;
 * - upload file names with traversal, NUL, CR/LF, absolute paths → stored sanitised, no file
 *   written outside the intended folders.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, REGION_A, setup, type TestContext } from '../api/fixture.js';
import { UNKNOWN_LAYOUT_SPEC } from '../fixtures/unknown-layout.js';
import { get, pluck } from '../helpers/db.js';
import { integrityOf, tableNamesOf, tablesChecksumOf, tempDir } from './helpers.js';

const HOSTILE = [
  "' OR 1=1 --",
  '"; DROP TABLE observations; --',
  "'; DELETE FROM observations; --",
  "01060' OR '1'='1",
  '1 UNION SELECT key, value FROM meta',
  '%',
  '_',
  '0106_',
  '0106%',
  '%25',
  '\u0000',
  `${REGION_A}\u0000`,
  '\u0000; DROP TABLE regions',
  '０１０６０', // full-width digits
  `${REGION_A}\u202e`,
  '😀',
  'Ä',
  `\uFEFF${REGION_A}`,
  'e\u0301',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '-1',
  '0',
  '1e999',
  '9999-99',
  '2024-13',
  '2024-00',
  '__proto__',
  'constructor',
  'toString',
  '*',
  '$ne',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  'total,%,female',
  'month:desc;drop',
  'month:asc,__proto__:desc',
  ' ',
  '',
  'x'.repeat(10_000),
];

interface Operation {
  method: string;
  path: string;
  /** The least role the route needs (`x-role`), if any. */
  role: string | null;
  params: { in: string; name: string }[];
  body: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function operations(doc: unknown): Operation[] {
  const out: Operation[] = [];
  if (!isRecord(doc) || !isRecord(doc.paths)) throw new Error('openapi.json has no paths');
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isRecord(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isRecord(op)) continue;
      const params = Array.isArray(op.parameters)
        ? op.parameters.flatMap((p) =>
            isRecord(p) && typeof p.in === 'string' && typeof p.name === 'string'
              ? [{ in: p.in, name: p.name }]
              : [],
          )
        : [];
      const body =
        isRecord(op.requestBody) && isRecord(op.requestBody.content)
          ? Object.keys(op.requestBody.content)
          : [];
      const role = typeof op['x-role'] === 'string' ? op['x-role'] : null;
      out.push({ method: method.toUpperCase(), path, role, params, body });
    }
  }
  return out;
}

/** Fills path parameters ({id}, {month}) with a value; `override` for one of them. */
function fillPath(op: Operation, override?: { name: string; value: string }): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override && override.name === name) return encodeURIComponent(override.value);
    if (name === 'id') return op.path.startsWith('/api/goals') ? 'K2-total' : '1';
    if (name === 'month') return '2024-03';
    return 'x';
  });
}

function isErrorBody(v: unknown): boolean {
  return (
    isRecord(v) &&
    isRecord(v.error) &&
    typeof v.error.code === 'string' &&
    v.error.code !== '' &&
    typeof v.error.message === 'string' &&
    v.error.message !== ''
  );
}

const allTables = (ctx: TestContext): Promise<string[]> => tableNamesOf(ctx.db);

/** Checksum of every table (also the run log: a read must not even log an import). */
const wholeDb = async (ctx: TestContext) => tablesChecksumOf(ctx.db, await allTables(ctx));

function canonicalCsv(region: string, value = 100): string {
  return `region;region_name;month;indicator;gender;value\n${region};Testkreis;2024-01;INT;total;${value}\n`;
}

function multipart(parts: { name: string; filename?: string; type?: string; data: string | Uint8Array }[]): {
  body: Uint8Array<ArrayBuffer>;
  type: string;
} {
  const boundary = `----zielmonitor-hostile-${Math.random().toString(16).slice(2)}`;
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += `\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`;
    // UTF-8 as browsers send it (NUL, CR and LF stay single raw bytes).
    chunks.push(new TextEncoder().encode(head));
    chunks.push(typeof p.data === 'string' ? enc.encode(p.data) : p.data);
    chunks.push(enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A request that is valid apart from its token, per write endpoint; new endpoints get '{}'. */
function validWrite(
  op: Operation,
  n: number,
): { body: BodyInit | undefined; headers: Record<string, string> } {
  if (op.path === '/api/targets') {
    return {
      body: JSON.stringify({
        region: REGION_A,
        year: 2024,
        indicator: 'K2',
        gender: 'total',
        targetChangePct: 2.5 + n,
        better: 'higher',
        source: 'hostile test',
      }),
      headers: { 'Content-Type': 'application/json', 'X-Changed-By': 'test' },
    };
  }
  if (op.path === '/api/alerts/mutes') {
    return {
      body: JSON.stringify({ goal: 'K2-total', region: REGION_A, until: '2099-12-31', reason: `test ${n}` }),
      headers: { 'Content-Type': 'application/json' },
    };
  }
  if (op.body.includes('multipart/form-data')) {
    const m = multipart([
      { name: 'file', filename: `upload-${n}.csv`, type: 'text/csv', data: canonicalCsv(`0800${n % 10}`, n) },
    ]);
    return { body: m.body, headers: { 'Content-Type': m.type } };
  }
  if (op.body.includes('application/json'))
    return { body: '{}', headers: { 'Content-Type': 'application/json' } };
  return { body: undefined, headers: {} };
}

describe('hostile input on every endpoint (reliability)', () => {
  const tmp = tempDir('zm-hostile-');
  const dirs = {
    INBOX_DIR: join(tmp.dir, 'inbox'),
    ARCHIVE_DIR: join(tmp.dir, 'archive'),
    REJECTED_DIR: join(tmp.dir, 'rejected'),
    OUTBOX_DIR: join(tmp.dir, 'outbox'),
  };
  const UPLOAD_MAX = 64 * 1024;
  let ctx: TestContext;
  let ops: Operation[];

  beforeAll(async () => {
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    // The brute-force limit (tests/auth) would stop this flood of wrong tokens after ten.
    ctx = await setup({
      env: { ...dirs, UPLOAD_MAX_BYTES: String(UPLOAD_MAX), AUTH_MAX_FAILURES_PER_MINUTE: '1000' },
    });
    const res = await ctx.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    ops = operations(await res.json());
  });
  afterAll(async () => {
    await ctx?.db.close();
    tmp.cleanup();
  });

  it('enumerates the operations from openapi.json', () => {
    expect(ops.filter((o) => o.method === 'GET').length).toBeGreaterThanOrEqual(10);
    expect(ops.filter((o) => o.method !== 'GET').length).toBeGreaterThanOrEqual(2);
    expect(ops.some((o) => o.method === 'POST' && o.path === '/api/imports')).toBe(true);
  });

  it('answers hostile values in every query and path parameter with 4xx or a correct result, never 5xx, and changes nothing', async () => {
    // The first reads build the per-data-version caches (region summaries, goal snapshots); let
    // them settle, so that what follows shows that the hostile reads themselves write nothing.
    await ctx.app.request('/api/health');
    await ctx.app.request('/api/goals');
    await ctx.deps.goals.prepare();
    const before = await wholeDb(ctx);
    const tablesBefore = await allTables(ctx);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let requests = 0;
    // What the real region returns, to recognise a wildcard match (LIKE '0106_').
    const realBodies = new Map<string, string>();
    for (const op of ops.filter((o) => o.method === 'GET')) {
      for (const p of op.params.filter((x) => x.in === 'query' || x.in === 'path')) {
        if (p.name === 'region') {
          const real = await (await ctx.app.request(`${fillPath(op)}?region=${REGION_A}`)).text();
          const none = await (await ctx.app.request(`${fillPath(op)}?region=zz999`)).text();
          // Only answers that really carry the region's data can give a wildcard match away.
          if (real !== none) realBodies.set(op.path, real);
        }
        for (const value of HOSTILE) {
          const url =
            p.in === 'path'
              ? fillPath(op, { name: p.name, value })
              : `${fillPath(op)}?${new URLSearchParams({ [p.name]: value })}`;
          // Admin reads need the admin: the hostile value must reach the route.
          const res = await ctx.app.request(url, { headers: op.role ? auth : {} });
          requests++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const where = `${op.method} ${op.path} ${p.in}:${p.name}=${JSON.stringify(value.slice(0, 40))}`;
          const text = await res.text();
          if (res.status >= 500) problems.push(`${where}: ${res.status} ${text.slice(0, 200)}`);
          if (res.headers.get('x-content-type-options') !== 'nosniff')
            problems.push(`${where}: no nosniff header`);
          if (res.status === 401 || res.status === 403)
            problems.push(`${where}: a read asked for a token (${res.status})`);
          if (res.status >= 400) {
            let body: unknown = null;
            try {
              body = JSON.parse(text);
            } catch {
              // reported below
            }
            if (!isErrorBody(body))
              problems.push(`${where}: ${res.status} without the error shape: ${text.slice(0, 120)}`);
          } else if (p.name === 'region' && value.trim() !== REGION_A && value.trim() !== '') {
            // (Surrounding blanks, BOM included, are trimmed: that is the same key, not a pattern.)
            // Accepted as a region key: it must not have matched the real region by pattern.
            if (text === realBodies.get(op.path) || text.includes('Kreis Segeberg')) {
              problems.push(`${where}: answered with the data of ${REGION_A}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(800);
    console.log(
      `hostile GET parameters: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(await allTables(ctx)).toEqual(tablesBefore);
    expect(await wholeDb(ctx)).toBe(before);
    expect(await integrityOf(ctx.db)).toBe('ok');
  }, 120_000);

  it('refuses every write without a token or with a wrong one (401) and writes nothing', async () => {
    const writes = ops.filter((o) => o.method !== 'GET' && o.role !== null);
    // A mute to delete, so that an unauthorised DELETE would be visible.
    const mute = await ctx.app.request('/api/alerts/mutes', {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ goal: 'K3-total', region: REGION_A, until: '2099-01-01' }),
    });
    expect(mute.status).toBe(200);
    const before = await wholeDb(ctx);
    const variants: { name: string; header: string | null; expect: number[] }[] = [
      { name: 'missing', header: null, expect: [401] },
      { name: 'empty', header: '', expect: [401] },
      { name: 'scheme only', header: 'Bearer', expect: [401] },
      { name: 'wrong', header: 'Bearer wrong-token-0123456789abcdef', expect: [401] },
      { name: 'prefix', header: `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, expect: [401] },
      { name: 'longer', header: `Bearer ${ADMIN_TOKEN}x`, expect: [401] },
      { name: 'case', header: `Bearer ${ADMIN_TOKEN.toUpperCase()}`, expect: [401] },
      {
        name: 'basic',
        header: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        expect: [401],
      },
      { name: 'sql', header: "Bearer ' OR 1=1 --", expect: [401] },
      { name: 'huge', header: `Bearer ${'a'.repeat(8000)}`, expect: [401] },
    ];
    const problems: string[] = [];
    let n = 0;
    for (const op of writes) {
      for (const v of variants) {
        const w = validWrite(op, n++);
        const headers: Record<string, string> = { ...w.headers };
        if (v.header !== null) headers.Authorization = v.header;
        const res = await ctx.app.request(fillPath(op), { method: op.method, headers, body: w.body });
        const body: unknown = await res.json().catch(() => null);
        const where = `${op.method} ${op.path} (${v.name} token)`;
        if (!v.expect.includes(res.status))
          problems.push(`${where}: ${res.status}, expected ${v.expect.join('/')}`);
        if (!isErrorBody(body)) problems.push(`${where}: no error shape`);
        if (res.status === 401 && !res.headers.get('www-authenticate')?.startsWith('Bearer')) {
          problems.push(`${where}: 401 without WWW-Authenticate: Bearer`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await wholeDb(ctx)).toBe(before);

    // The same requests with the right token get through: it was the token that stopped them.
    for (const op of writes) {
      const w = validWrite(op, n++);
      const res = await ctx.app.request(fillPath(op), {
        method: op.method,
        headers: { ...w.headers, ...auth },
        body: w.body,
      });
      const known = [
        '/api/targets',
        '/api/imports',
        '/api/alerts/evaluate',
        '/api/alerts/mutes',
        '/api/alerts/mutes/{id}',
      ];
      if (known.includes(op.path)) expect(res.status, `${op.method} ${op.path} with the token`).toBe(200);
      else expect([401, 403], `${op.method} ${op.path} with the token`).not.toContain(res.status);
    }
  });

  it('refuses every write when no ADMIN_TOKEN is configured (401), whatever token is sent', async () => {
    const off = await setup({ env: { ...dirs, ADMIN_TOKEN: '', AUTH_MAX_FAILURES_PER_MINUTE: '1000' } });
    try {
      const before = await wholeDb(off);
      for (const op of ops.filter((o) => o.method !== 'GET' && o.role !== null)) {
        for (const header of [null, `Bearer ${ADMIN_TOKEN}`, 'Bearer ', 'Bearer null', 'Bearer undefined']) {
          const w = validWrite(op, 1);
          const headers: Record<string, string> = { ...w.headers };
          if (header !== null) headers.Authorization = header;
          const res = await off.app.request(fillPath(op), { method: op.method, headers, body: w.body });
          const body: unknown = await res.json();
          expect(res.status, `${op.method} ${op.path} with ${header}`).toBe(401);
          expect(isRecord(body) && isRecord(body.error) && body.error.code).toBe(
            header === null ? 'unauthorized' : 'invalid_token',
          );
        }
      }
      expect(await wholeDb(off)).toBe(before);
    } finally {
      await off.db.close();
    }
  });

  it('answers oversized bodies with 413 (declared length, streamed without length, file over the limit)', async () => {
    const before = await wholeDb(ctx);
    const check = async (what: string, res: Response) => {
      const body: unknown = await res.json().catch(() => null);
      expect(res.status, what).toBe(413);
      expect(isErrorBody(body), what).toBe(true);
    };
    // A file just over UPLOAD_MAX_BYTES (the envelope itself is within the body limit).
    const justOver = multipart([
      { name: 'file', filename: 'big.csv', data: new Uint8Array(UPLOAD_MAX + 1).fill(65) },
    ]);
    await check(
      'file over the limit',
      await ctx.app.request('/api/imports', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': justOver.type },
        body: justOver.body,
      }),
    );
    // A body far over the limit.
    const huge = multipart([
      { name: 'file', filename: 'huge.csv', data: new Uint8Array(4 * 1024 * 1024).fill(66) },
    ]);
    await check(
      'huge multipart',
      await ctx.app.request('/api/imports', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': huge.type },
        body: huge.body,
      }),
    );
    // The same, streamed in chunks without Content-Length (chunked transfer).
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= huge.body.length) {
          controller.close();
          return;
        }
        controller.enqueue(huge.body.subarray(sent, sent + 65_536));
        sent += 65_536;
      },
    });
    await check(
      'streamed multipart',
      await ctx.app.request('/api/imports', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': huge.type },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(sent, 'the server stopped reading early').toBeLessThan(huge.body.length);
    // Every JSON write endpoint has a body limit too.
    for (const op of ops.filter(
      (o) =>
        o.method !== 'GET' && o.body.includes('application/json') && !o.body.includes('multipart/form-data'),
    )) {
      const big = JSON.stringify({ padding: 'p'.repeat(2 * 1024 * 1024) });
      await check(
        `${op.method} ${op.path} 2 MB JSON`,
        await ctx.app.request(fillPath(op), {
          method: op.method,
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: big,
        }),
      );
    }
    expect(await wholeDb(ctx)).toBe(before);
  });

  it('answers wrong content types and malformed JSON with 400', async () => {
    const before = await wholeDb(ctx);
    const problems: string[] = [];
    const expect400 = async (what: string, init: RequestInit, path = '/api/imports') => {
      const res = await ctx.app.request(path, init);
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // reported below
      }
      if (res.status !== 400 || !isErrorBody(body))
        problems.push(`${what}: ${res.status} ${text.slice(0, 160)}`);
      return text;
    };
    const post = (type: string | null, body: BodyInit): RequestInit => ({
      method: 'POST',
      headers: type === null ? auth : { ...auth, 'Content-Type': type },
      body,
    });
    await expect400('text/plain upload', post('text/plain', canonicalCsv('08100')));
    await expect400('xml upload', post('application/xml', '<file>x</file>'));
    await expect400('urlencoded upload', post('application/x-www-form-urlencoded', 'file=abc'));
    await expect400('no content type', post(null, canonicalCsv('08100')));
    const noFile = multipart([{ name: 'other', filename: 'a.csv', data: 'x' }]);
    await expect400('multipart without a file field', post(noFile.type, noFile.body));
    const fileAsText = multipart([{ name: 'file', data: canonicalCsv('08100') }]);
    await expect400('file field as plain text', post(fileAsText.type, fileAsText.body));
    await expect400(
      'broken multipart',
      post(
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
      ),
    );
    await expect400('multipart without boundary', post('multipart/form-data', 'abc'));
    await expect400('unknown action', post('application/json', '{"action":"drop-tables"}'));

    const jsonWrites = ops.filter((o) => o.method !== 'GET' && o.body.includes('application/json'));
    const malformed = [
      '{',
      '{"region":',
      '{"region":"01060",}',
      "{'region':'01060'}",
      'NaN',
      'undefined',
      '\u0000',
      '{"a":1}{"b":2}',
      '[]',
      'null',
      '"x"',
      '1e999',
      '{"__proto__":{"polluted":true}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      '{"targetChangePct":1e999}',
    ];
    for (const op of jsonWrites) {
      for (const text of malformed) {
        await expect400(
          `${op.method} ${op.path} body ${JSON.stringify(text.slice(0, 30))}`,
          { method: op.method, headers: { ...auth, 'Content-Type': 'application/json' }, body: text },
          fillPath(op),
        );
      }
      if (op.path !== '/api/imports') {
        const what = `${op.method} ${op.path} as text/plain`;
        const answer = await expect400(
          what,
          {
            method: op.method,
            headers: { ...auth, 'Content-Type': 'text/plain' },
            body: validWrite(op, 1).body ?? '{}',
          },
          fillPath(op),
        );
        // The reason is the type, not a field that seems missing (the body is read as {}).
        if (
          !answer.includes(
            'Send the body as JSON with \\"Content-Type: application/json\\" (got \\"text/plain\\")',
          )
        )
          problems.push(`${what}: ${answer.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(Reflect.get(Object.prototype, 'polluted')).toBeUndefined();
    expect(await wholeDb(ctx)).toBe(before);
  }, 60_000);

  it('refuses a query key a read does not know (400 naming it and the known ones) instead of ignoring it', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const op of ops.filter((o) => o.method === 'GET' && o.params.some((p) => p.in === 'query'))) {
      // The identity provider adds parameters of its own to the sign-in's return.
      if (op.path.startsWith('/api/auth/')) continue;
      const res = await ctx.app.request(`${fillPath(op)}?regoin=01062`, { headers: op.role ? auth : {} });
      const text = await res.text();
      const names = op.params.filter((p) => p.in === 'query').map((p) => p.name);
      if (
        res.status !== 400 ||
        !text.includes('regoin: unknown parameter') ||
        !names.every((n) => text.includes(n))
      )
        problems.push(`${op.method} ${op.path}: ${res.status} ${text.slice(0, 200)}`);
      checked++;
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(10);
    // The sign-in keeps what identity providers and links add.
    const login = await ctx.app.request('/api/auth/login?returnTo=%2F&utm_source=mail');
    expect(login.status).not.toBe(400);
  });

  it('refuses NUL in every string of every JSON write, and line breaks in one-line text, with 400 naming the field', async () => {
    // A valid body per JSON write; a new JSON write must be added here. Path ids need not exist:
    // the body is checked first. (PostgreSQL answered 500 to NUL in a target's source.)
    const valid: Record<string, unknown> = {
      'PUT /api/targets': {
        region: REGION_A,
        year: 2024,
        indicator: 'K2',
        gender: 'total',
        targetChangePct: 2.5,
        better: 'higher',
        source: 'AIP 2024',
        changedBy: 'Petra Plan',
      },
      'POST /api/imports': { action: 'run-sources' },
      'POST /api/import-mappings': { name: 'LZB', pattern: 'lzb-*.csv', spec: UNKNOWN_LAYOUT_SPEC },
      'POST /api/import-mappings/import': {
        mappings: [{ name: 'LZB', pattern: 'lzb-*.csv', spec: UNKNOWN_LAYOUT_SPEC }],
      },
      'PUT /api/import-mappings/{id}': { name: 'LZB', pattern: 'lzb-*.csv', spec: UNKNOWN_LAYOUT_SPEC },
      'POST /api/jobcenters/home': { jobcenter: 't11522' },
      'PUT /api/alerts/mutes': { goal: 'K2-total', region: REGION_A, until: '2099-12-31', reason: 'Umbau' },
      'POST /api/alerts/recipients': {
        email: 'a@jobcenter.example',
        name: 'Anna',
        regions: [REGION_A],
        goals: ['K2'],
      },
      'POST /api/comments': { region: REGION_A, goal: 'K2-total', month: '2024-03', text: 'Notiz' },
      'PATCH /api/comments/{id}': { text: 'Notiz' },
      'PATCH /api/admin/users/{id}': { role: 'viewer' },
      'PUT /api/admin/role-mappings': { kind: 'group', value: 'controlling', role: 'controller' },
      'POST /api/admin/tokens': { user: 'Skript', name: 'Import-Skript', role: 'controller' },
    };
    const oneLine = new Set([
      'PUT /api/targets source',
      'PUT /api/targets changedBy',
      'PUT /api/alerts/mutes reason',
      'POST /api/alerts/recipients name',
      'POST /api/import-mappings name',
      'POST /api/import-mappings pattern',
      'PUT /api/admin/role-mappings value',
      'POST /api/admin/tokens user',
      'POST /api/admin/tokens name',
    ]);
    const leaves = (v: unknown, path: (string | number)[] = []): (string | number)[][] =>
      typeof v === 'string'
        ? [path]
        : isRecord(v)
          ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, Array.isArray(v) ? Number(k) : k]))
          : [];
    const withLeaf = (v: unknown, path: (string | number)[], text: (old: string) => string): unknown => {
      if (path.length === 0) return typeof v === 'string' ? text(v) : v;
      const [head, ...rest] = path;
      const copy: object = Array.isArray(v) ? [...v] : { ...(v as object) };
      Reflect.set(
        copy,
        head as PropertyKey,
        withLeaf(Reflect.get(v as object, head as PropertyKey), rest, text),
      );
      return copy;
    };
    const jsonWrites = ops.filter(
      (o) => o.method !== 'GET' && o.method !== 'DELETE' && o.body.includes('application/json'),
    );
    expect(jsonWrites.map((o) => `${o.method} ${o.path}`).filter((k) => !(k in valid))).toEqual([]);
    const before = await wholeDb(ctx);
    const problems: string[] = [];
    let sent = 0;
    const send = async (op: Operation, body: unknown, what: string, field: string) => {
      const res = await ctx.app.request(fillPath(op), {
        method: op.method,
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      sent++;
      const text = await res.text();
      if (res.status !== 400 || !text.includes(field))
        problems.push(`${what}: ${res.status} ${text.slice(0, 200)}`);
    };
    for (const op of jsonWrites) {
      const key = `${op.method} ${op.path}`;
      for (const path of leaves(valid[key])) {
        const field = path.join('.');
        await send(
          op,
          withLeaf(valid[key], path, (old) => `${old}\u0000x`),
          `${key} ${field} with NUL`,
          field,
        );
        if (oneLine.has(`${key} ${field}`))
          await send(
            op,
            withLeaf(valid[key], path, (old) => `${old}\nzweite Zeile`),
            `${key} ${field} with a line break`,
            field,
          );
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(40);
    expect(await wholeDb(ctx)).toBe(before);
  }, 60_000);

  it('answers hostile path parameters of write endpoints (with the token) with 4xx and changes nothing', async () => {
    const writes = ops.filter((o) => o.method !== 'GET' && o.params.some((p) => p.in === 'path'));
    expect(writes.length).toBeGreaterThan(0);
    const before = await wholeDb(ctx);
    const problems: string[] = [];
    for (const op of writes) {
      for (const p of op.params.filter((x) => x.in === 'path')) {
        for (const value of [
          ...HOSTILE,
          '1 OR 1=1',
          '1;DELETE FROM alert_mutes',
          '0x1',
          '1.0',
          '+1',
          '99999999999999999999',
        ]) {
          const w = validWrite(op, 1);
          const res = await ctx.app.request(fillPath(op, { name: p.name, value }), {
            method: op.method,
            headers: { ...w.headers, ...auth },
            body: w.body,
          });
          const text = await res.text();
          const where = `${op.method} ${op.path} ${p.name}=${JSON.stringify(value.slice(0, 30))}`;
          if (res.status < 400 || res.status >= 500)
            problems.push(`${where}: ${res.status} ${text.slice(0, 120)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await wholeDb(ctx)).toBe(before);
  });

  it('stores SQL metacharacters in written text fields literally and keeps every table', async () => {
    const counts = () =>
      Promise.all(
        ['observations', 'regions', 'targets', 'revisions'].map(async (t) =>
          Number(await pluck(ctx.db, `select count(*) from ${t}`)),
        ),
      );
    const before = await counts();
    const evil = '"; DROP TABLE observations; --';
    const res = await ctx.app.request('/api/targets', {
      method: 'PUT',
      headers: {
        ...auth,
        'Content-Type': 'application/json',
        'X-Changed-By': "Robert'); DROP TABLE targets;--",
      },
      body: JSON.stringify({
        region: REGION_A,
        year: 2024,
        indicator: 'K3',
        gender: 'female',
        targetChangePct: 7.8,
        better: 'lower',
        source: evil,
      }),
    });
    expect(res.status).toBe(200);
    const row = await get<{ source: string | null; updated_by: string | null }>(
      ctx.db,
      `select source, updated_by from targets where region_id = ? and year = 2024 and indicator_code = 'K3' and gender = 'female'`,
      REGION_A,
    );
    expect(row).toEqual({ source: evil, updated_by: "Robert'); DROP TABLE targets;--" });
    expect(await counts()).toEqual(before);
    // A hostile region in the body is refused by validation, not passed on.
    const bad = await ctx.app.request('/api/targets', {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        region: "' OR 1=1 --",
        year: 2024,
        indicator: 'K2',
        gender: 'total',
        targetChangePct: 1,
        better: 'higher',
      }),
    });
    expect(bad.status).toBe(400);
    expect(await integrityOf(ctx.db)).toBe('ok');
  });

  it('stores hostile upload file names sanitised and writes no file outside the intended folders', async () => {
    const names = [
      '../../etc/passwd',
      '..\\..\\x.csv',
      '/etc/passwd',
      '/tmp/zm-hostile-escape.csv',
      'C:\\Windows\\System32\\zm.csv',
      'a\u0000b.csv',
      '../zm-hostile-\u0000.csv',
      '.htaccess',
      '..',
      '.',
      '',
      '   ',
      '\u202egnp.exe.csv',
      '%2e%2e%2fzm-escape.csv',
      `${'n'.repeat(5000)}.csv`,
      'con.csv',
      "x.csv\"; filename*=UTF-8''evil.csv",
      'zm\ttab.csv',
      'Übersicht März 2024.csv',
    ];
    const roots = [process.cwd(), tmpdir(), ...Object.values(dirs)];
    const candidates = (name: string) => {
      const variants = [
        name,
        name.replace(/\\/g, '/'),
        name.split('\u0000')[0] ?? name,
        decodeURIComponent(name.replace(/%(?![0-9a-f]{2})/gi, '%25')),
      ];
      return [...new Set(roots.flatMap((r) => variants.map((v) => resolve(r, v))))].filter(
        (p) => p !== resolve('/'),
      );
    };
    // Existing directories ('.', '..', /tmp) change all the time and cannot become upload files.
    const stamp = (p: string) =>
      existsSync(p) ? (statSync(p).isDirectory() ? 'dir' : statSync(p).mtimeMs) : null;
    const listing = () => {
      const out: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else out.push(relative(tmp.dir, p));
        }
      };
      walk(tmp.dir);
      return out.sort();
    };
    const listedBefore = listing();
    const stamps = new Map(names.flatMap(candidates).map((p) => [p, stamp(p)]));
    const problems: string[] = [];
    let k = 0;
    for (const name of names) {
      k++;
      const m = multipart([
        {
          name: 'file',
          filename: name,
          type: 'text/csv',
          data: canonicalCsv(`071${String(k).padStart(2, '0')}`, k),
        },
      ]);
      const res = await ctx.app.request('/api/imports', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': m.type },
        body: m.body,
      });
      const where = `upload named ${JSON.stringify(name.slice(0, 60))}`;
      if (res.status >= 500) {
        problems.push(`${where}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        continue;
      }
      if (res.status !== 200) {
        // Refusing a name outright is fine, as long as it is a clean 4xx.
        const body: unknown = await res.json().catch(() => null);
        if (!isErrorBody(body)) problems.push(`${where}: ${res.status} without the error shape`);
        continue;
      }
      const stored = await pluck(ctx.db, 'select path from imported_files order by id desc limit 1');
      if (typeof stored !== 'string') {
        problems.push(`${where}: nothing recorded`);
        continue;
      }
      if (
        /[/\\"\u202e]|\p{Cc}/u.test(stored) ||
        stored.startsWith('.') ||
        stored.length > 120 ||
        stored.trim() === ''
      ) {
        problems.push(`${where}: stored as ${JSON.stringify(stored.slice(0, 80))}`);
      }
      // A harmless German name is kept as the user wrote it.
      if (name === 'Übersicht März 2024.csv' && stored !== name)
        problems.push(`${where}: stored as ${JSON.stringify(stored)}`);
    }
    for (const [p, before] of stamps) {
      if (stamp(p) !== before) problems.push(`${p} was ${before === null ? 'created' : 'modified'}`);
    }
    // Files may appear only directly inside the archive or rejected folder, with safe names.
    for (const f of listing().filter((x) => !listedBefore.includes(x))) {
      const parts = f.split(sep);
      if (
        parts.length !== 2 ||
        !['archive', 'rejected'].includes(parts[0] ?? '') ||
        (parts[1] ?? '').startsWith('.')
      ) {
        problems.push(`unexpected file ${f}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('does not echo a hostile X-Request-Id and never answers 5xx to very long query strings', async () => {
    for (const id of ['x'.repeat(1000), '../../etc', 'a b', '<script>', "'; DROP TABLE x; --"]) {
      const res = await ctx.app.request('/api/health', { headers: { 'X-Request-Id': id } });
      expect(res.status).toBe(200);
      const echoed = res.headers.get('x-request-id');
      expect(echoed).toBeTruthy();
      expect(echoed).not.toBe(id);
    }
    const ok = await ctx.app.request('/api/health', { headers: { 'X-Request-Id': 'client-id-123' } });
    expect(ok.headers.get('x-request-id')).toBe('client-id-123');

    await ctx.deps.goals.prepare(); // the goal snapshot cache of this version settles first
    const before = await wholeDb(ctx);
    const long = 'q'.repeat(100_000);
    for (const url of [
      `/api/months?region=${REGION_A}&junk=${long}`,
      `/api/months?region=${long}`,
      `/api/goals?${Array.from({ length: 5000 }, (_, i) => `p${i}=${i}`).join('&')}`,
      `/api/months?gender=${Array.from({ length: 5000 }, () => 'total').join(',')}`,
      `/api/months?sort=${Array.from({ length: 5000 }, () => 'month:asc').join(',')}`,
      `/api/months?region=${REGION_A}&region=09999&region=${long}`,
    ]) {
      const res = await ctx.app.request(url);
      expect(res.status, url.slice(0, 80)).toBeLessThan(500);
      if (res.status >= 400) expect(isErrorBody(await res.json()), url.slice(0, 80)).toBe(true);
    }
    expect(await wholeDb(ctx)).toBe(before);
  });
});
