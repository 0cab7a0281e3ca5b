/**
 * What anonymous readers and admins see (issue 11): URLs never with user info or query (also for
 * admins, also in the log), anonymous readers see file names instead of server paths and no
 * e-mail addresses; admins (valid admin token) see paths and addresses.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { month } from '../../core/months.js';
import { HIDDEN_EMAIL, redactForAnonymous, redactUrl } from '../../core/redact.js';
import { runImport, runScheduledImport } from '../../etl/index.js';
import { insertAlertOnce } from '../../server/alerts/repository.js';
import { testConfig } from '../../server/config.js';
import { ADMIN_TOKEN, getJson, setup, type TestContext } from './fixture.js';

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const SECRET_URL = 'https://bob:s3cret@intranet.example/ba/k2.xlsx?token=abc123&x=1#frag';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Run {
  error: string | null;
  files: { path: string; error: string | null }[];
}
const runsOf = (body: unknown) => (body as { runs: Run[] }).runs;

describe('redaction helpers', () => {
  test.each([
    [SECRET_URL, 'https://intranet.example/ba/k2.xlsx?…'],
    ['https://intranet.example/ba/k2.xlsx', 'https://intranet.example/ba/k2.xlsx'],
    ['http://user@host:8080/a?b', 'http://host:8080/a?…'],
    ['not a url', 'not a url'],
  ])('redactUrl(%j) = %j', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  test('anonymous text: paths become file names, URLs lose secrets, addresses are hidden', () => {
    expect(
      redactForAnonymous(
        "Datei /srv/zm/inbox/.importing/a.csv: Datei nicht lesbar: ENOENT: open '/srv/zm/inbox/a.csv'; Mail an gf@jc.example fehlgeschlagen; Download von https://u:p@h.example/x?t=1 fehlgeschlagen",
      ),
    ).toBe(
      `Datei a.csv: Datei nicht lesbar: ENOENT: open 'a.csv'; Mail an ${HIDDEN_EMAIL} fehlgeschlagen; Download von https://h.example/x?… fehlgeschlagen`,
    );
  });
});

describe('GET /api/imports', () => {
  test('anonymous readers see file names; admins see the server path; neither sees a URL secret', async () => {
    const ctx = await setup({ fixture: false });
    cleanups.push(() => ctx.db.close());
    // A rejected file from a server folder, recorded with its full path.
    const path = '/srv/zielmonitor/data/inbox/kaputt.csv';
    await runImport(
      ctx.deps.etl,
      [{ kind: 'buffer', name: path, data: new TextEncoder().encode('x;y\n1;2\n') }],
      {
        trigger: 'cli',
      },
    );

    const anon = runsOf((await getJson(ctx, '/api/imports')).body);
    expect(anon[0]?.files[0]?.path).toBe('kaputt.csv');
    expect(anon[0]?.files[0]?.error).toMatch(/^Datei kaputt\.csv: /);
    expect(JSON.stringify(anon)).not.toContain('/srv/zielmonitor');

    const asAdmin = runsOf((await getJson(ctx, '/api/imports', { headers: admin })).body);
    expect(asAdmin[0]?.files[0]?.path).toBe(path);
    expect(asAdmin[0]?.files[0]?.error).toContain(path);

    // A wrong token is refused outright (401), so it can never see more than anonymous readers.
    const wrong = await getJson(ctx, '/api/imports', {
      headers: { Authorization: 'Bearer falsch-falsch-falsch' },
    });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('/srv/zielmonitor');
  });

  test('a SOURCE_URL with user info and a token appears nowhere: not in the run log (anonymous or admin), not in the log', async () => {
    // A source that answers 503 (retried, logged), so that the error text quotes the URL.
    const server: Server = createServer((_req, res) => {
      res.statusCode = 503;
      res.end('nope');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://bob:s3cret@127.0.0.1:${port}/ba/k2.xlsx?token=abc123`;

    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const ctx: TestContext = await setup({ fixture: false, env: { SOURCE_URLS: url } });
    cleanups.push(() => ctx.db.close());
    const config = testConfig({
      SOURCE_URLS: url,
      INBOX_DIR: '/nonexistent-zm-inbox-for-test/inbox',
      FETCH_RETRIES: '1',
    });
    const summary = await runScheduledImport(
      { ...ctx.deps.etl, logger, fetchOptions: { timeoutMs: 2000, maxBytes: 1024, retries: 1 } },
      { ...config, INBOX_DIR: ctx.config.INBOX_DIR },
    ).catch((e: unknown) => e);
    expect(summary).not.toBeInstanceOf(Error);

    const shown = `http://127.0.0.1:${port}/ba/k2.xlsx?…`;
    for (const headers of [{}, admin]) {
      const body = JSON.stringify((await getJson(ctx, '/api/imports', { headers })).body);
      expect(body).toContain(shown);
      expect(body).not.toContain('s3cret');
      expect(body).not.toContain('abc123');
      expect(body).not.toContain('bob');
    }
    const log = lines.join('');
    expect(log).toContain('retrying');
    expect(log).not.toContain('s3cret');
    expect(log).not.toContain('abc123');
  }, 30_000);
});

describe('GET /api/alerts and /api/alerts/mutes', () => {
  test('anonymous readers see no e-mail addresses; admins see them', async () => {
    const ctx = await setup();
    cleanups.push(() => ctx.db.close());
    await insertAlertOnce(
      ctx.db.db,
      {
        key: 'k1',
        kind: 'worse',
        regionId: '01060',
        goalId: 'K2-total',
        year: 2024,
        dataMonth: month('2024-06'),
        status: 'missed',
        previousStatus: 'met',
        subject: 'K2 verfehlt',
        body: 'Hallo controlling@jc.example, K2 ist verfehlt.',
        recipients: ['controlling@jc.example', 'gf@jc.example'],
        trigger: 'import',
      },
      '2024-11-20T06:00:00.000Z',
    );
    const anon = JSON.stringify((await getJson(ctx, '/api/alerts')).body);
    expect(anon).not.toMatch(/@jc\.example/);
    expect((await getJson(ctx, '/api/alerts')).body).toMatchObject({
      alerts: [{ recipients: [HIDDEN_EMAIL, HIDDEN_EMAIL], body: `Hallo ${HIDDEN_EMAIL}, K2 ist verfehlt.` }],
    });
    expect((await getJson(ctx, '/api/alerts', { headers: admin })).body).toMatchObject({
      alerts: [{ recipients: ['controlling@jc.example', 'gf@jc.example'] }],
    });

    const put = await getJson(ctx, '/api/alerts/mutes', {
      method: 'PUT',
      headers: { ...admin, 'Content-Type': 'application/json', 'X-Changed-By': 'anna@jc.example' },
      body: JSON.stringify({ goal: 'K2', until: '2099-12-31' }),
    });
    expect(put.status).toBe(200);
    expect(JSON.stringify((await getJson(ctx, '/api/alerts/mutes')).body)).not.toContain('anna@jc.example');
    expect(JSON.stringify((await getJson(ctx, '/api/alerts/mutes', { headers: admin })).body)).toContain(
      'anna@jc.example',
    );
  });
});
