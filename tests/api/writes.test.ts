import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireImportLock } from '../../etl/lock.js';
import {
  goalsResponse,
  importSummaryResponse,
  importsResponse,
  targetHistoryResponse,
  targetPutResponse,
} from '../../server/http/responses.js';
import { scalar, sql } from '../helpers/db.js';
import { ADMIN_TOKEN, getJson, REGION_A, setup, type TestContext } from './fixture.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

function putTarget(ctx: TestContext, body: unknown, headers: Record<string, string> = auth) {
  return getJson(ctx, '/api/targets', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function upload(
  ctx: TestContext,
  name: string,
  content: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = auth,
) {
  const form = new FormData();
  form.append('file', new File([content], name, { type: 'text/csv' }));
  return getJson(ctx, '/api/imports', { method: 'POST', headers, body: form });
}

const k2Total2024 = {
  region: REGION_A,
  year: 2024,
  indicator: 'K2',
  gender: 'total',
  targetChangePct: 2.0,
  better: 'higher',
};

describe('authorisation of every write endpoint', () => {
  const writes: [string, (ctx: TestContext, h: Record<string, string>) => ReturnType<typeof getJson>][] = [
    ['PUT /api/targets', (ctx, h) => putTarget(ctx, k2Total2024, h)],
    ['POST /api/imports (upload)', (ctx, h) => upload(ctx, 'x.csv', 'a;b\n1;2\n', h)],
    [
      'POST /api/imports (run-sources)',
      (ctx, h) =>
        getJson(ctx, '/api/imports', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...h },
          body: JSON.stringify({ action: 'run-sources' }),
        }),
    ],
  ];

  it.each(writes)(
    '%s: 401 without a token, 401 invalid_token with a wrong one, the ADMIN_TOKEN only when configured',
    async (_n, call) => {
      const ctx = await setup();
      const missing = await call(ctx, {});
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(missing.res.headers.get('www-authenticate')).toContain('Bearer');

      const wrong = await call(ctx, { Authorization: `Bearer ${ADMIN_TOKEN}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: { code: 'invalid_token' } });
      expect(wrong.res.headers.get('www-authenticate')).toContain('invalid_token');
      const notBearer = await call(ctx, { Authorization: `Basic ${ADMIN_TOKEN}` });
      expect(notBearer.status).toBe(401);

      // Without ADMIN_TOKEN configured, the old token is just a wrong token.
      const disabled = await setup({ env: { ADMIN_TOKEN: '' } });
      const off = await call(disabled, auth);
      expect(off.status).toBe(401);
      expect(off.body).toMatchObject({ error: { code: 'invalid_token' } });

      // Nothing was written by any refused call.
      expect(ctx.deps.goals.dataVersion()).toBe('1');
      expect(await scalar(ctx.db, sql`select count(*) as n from import_runs`)).toBe(0);
    },
  );
});

describe('PUT /api/targets', () => {
  it('changes a target with history and a new data version, and the goals follow at once', async () => {
    const ctx = await setup();
    const before = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(before.goals.find((g) => g.id === 'K2-total')?.status).toBe('at_risk');

    const { status, body } = await putTarget(ctx, k2Total2024, { ...auth, 'X-Changed-By': 'Frau Meier' });
    expect(status).toBe(200);
    const saved = targetPutResponse.parse(body);
    expect(saved).toMatchObject({ created: false, changed: true });
    expect(saved.target).toMatchObject({ region: REGION_A, targetChangePct: 2, updatedBy: 'Frau Meier' });
    expect(ctx.deps.goals.dataVersion()).toBe('2');

    // change −1.12 % against +2.0 %: short by 3.12 ≥ band 1.0 → missed (cached result not reused)
    const after = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(after.dataVersion).toBe('2');
    const k2 = after.goals.find((g) => g.id === 'K2-total');
    expect(k2?.targetChangePct).toBe(2);
    expect(k2?.status).toBe('missed');

    const h = targetHistoryResponse.parse(
      (await getJson(ctx, `/api/targets/history?region=${REGION_A}`)).body,
    );
    expect(h.history).toHaveLength(1);
    expect(h.history[0]).toMatchObject({
      indicator: 'K2',
      gender: 'total',
      oldChangePct: -0.4,
      newChangePct: 2,
      changedBy: 'Frau Meier',
      changedAt: '2025-05-01T10:00:00.000Z',
    });

    // The same value again changes nothing: no history row, no new version.
    const same = targetPutResponse.parse((await putTarget(ctx, k2Total2024)).body);
    expect(same.changed).toBe(false);
    expect(ctx.deps.goals.dataVersion()).toBe('2');
  });

  it('creates a target for a new year (changedBy from the body wins over the header)', async () => {
    const ctx = await setup();
    const { body } = await putTarget(
      ctx,
      { ...k2Total2024, year: 2025, targetChangePct: 0.5, source: 'AIP 2025', changedBy: 'Controlling' },
      { ...auth, 'X-Changed-By': 'ignored' },
    );
    const saved = targetPutResponse.parse(body);
    expect(saved.created).toBe(true);
    expect(saved.target).toMatchObject({ year: 2025, source: 'AIP 2025', updatedBy: 'Controlling' });
    const h = targetHistoryResponse.parse((await getJson(ctx, '/api/targets/history?year=2025')).body);
    expect(h.history).toMatchObject([{ oldChangePct: null, newChangePct: 0.5, changedBy: 'Controlling' }]);
    const g = goalsResponse.parse((await getJson(ctx, '/api/goals?year=2025')).body);
    expect(g.goals.map((x) => x.id)).toEqual(['K2-total']);
    expect(g.goals[0]?.status).toBe('no_data');
  });

  it('rejects bad bodies with the reason', async () => {
    const ctx = await setup();
    const bad = await putTarget(ctx, { ...k2Total2024, targetChangePct: '2,0' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: expect.stringContaining('targetChangePct') } });
    const gender = await putTarget(ctx, { ...k2Total2024, gender: 'divers' });
    expect(gender.status).toBe(400);
    expect(gender.body).toMatchObject({ error: { message: expect.stringContaining('gender') } });
    const malformed = await getJson(ctx, '/api/targets', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: '{"region":',
    });
    expect(malformed.status).toBe(400);
    const region = await putTarget(ctx, { ...k2Total2024, region: '77777' });
    expect(region.status).toBe(404);
    const count = await putTarget(ctx, { ...k2Total2024, indicator: 'INT' });
    expect(count.status).toBe(422);
    expect(count.body).toMatchObject({ error: { code: 'invalid_target' } });
    const huge = await putTarget(ctx, { ...k2Total2024, source: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(ctx.deps.goals.dataVersion()).toBe('1');
  });
});

const CSV = [
  'region;region_name;month;indicator;gender;value;flag',
  '05555;Jobcenter Upload;2024-01;INT;total;12;',
  '05555;Jobcenter Upload;2024-01;ELB;total;1.000;',
  '05555;Jobcenter Upload;2024-01;LZB;total;600;',
  '',
].join('\n');

describe('POST /api/imports', () => {
  it('imports an uploaded file under its sanitised name and answers the summary', async () => {
    const ctx = await setup();
    const { status, body } = await upload(ctx, '../../etc/pass wd<script>.csv', CSV);
    expect(status, JSON.stringify(body)).toBe(200);
    const summary = importSummaryResponse.parse(body);
    expect(summary).toMatchObject({ status: 'success', inserted: 3, changed: true });
    expect(summary.files[0]?.path).toBe('pass wd_script_.csv');
    expect(ctx.deps.goals.dataVersion()).not.toBe('1');

    const runs = importsResponse.parse((await getJson(ctx, '/api/imports')).body);
    expect(runs.runs[0]).toMatchObject({ trigger: 'upload', status: 'success' });
    const months = await getJson(ctx, '/api/months?region=05555');
    expect(months.body).toMatchObject({
      total: 1,
      rows: [{ month: '2024-01', int: 12, elb: 1000, lzb: 600 }],
    });

    // The same file again: unchanged, still 200.
    const again = await upload(ctx, 'again.csv', CSV);
    expect(again.status).toBe(200);
    expect(importSummaryResponse.parse(again.body).files[0]?.status).toBe('unchanged');
  });

  it('answers 422 naming row and column when the file is rejected, and writes nothing', async () => {
    const ctx = await setup();
    const bad = CSV.replace('2024-01;ELB', '2024-13;ELB');
    const { status, body } = await upload(ctx, 'bad.csv', bad);
    expect(status).toBe(422);
    expect(body).toMatchObject({ status: 'failed', error: { code: 'file_rejected' } });
    const summary = importSummaryResponse.parse(body);
    expect(summary.files[0]?.error).toMatchObject({ file: 'bad.csv', row: 3 });
    expect(ctx.deps.goals.dataVersion()).toBe('1');
    expect(await scalar(ctx.db, sql`select count(*) as n from observations where region_id = '05555'`)).toBe(
      0,
    );
  });

  it('refuses files over UPLOAD_MAX_BYTES with 413', async () => {
    const ctx = await setup({ env: { UPLOAD_MAX_BYTES: '2048' } });
    // Over the file limit but within the multipart allowance: refused by the size check.
    const mid = await upload(ctx, 'big.csv', `${CSV}${'#'.repeat(4096)}`);
    expect(mid.status).toBe(413);
    expect(mid.body).toMatchObject({ error: { code: 'payload_too_large' } });
    // Far over: refused while the body streams in.
    const huge = await upload(ctx, 'huge.csv', new Uint8Array(200 * 1024));
    expect(huge.status).toBe(413);
    expect(await scalar(ctx.db, sql`select count(*) as n from import_runs`)).toBe(0);
  });

  it('answers 409 while another import holds the lock', async () => {
    const ctx = await setup();
    const lock = await acquireImportLock(ctx.db, () => new Date());
    try {
      const { status, body } = await upload(ctx, 'x.csv', CSV);
      expect(status).toBe(409);
      expect(body).toMatchObject({ error: { code: 'import_busy' } });
    } finally {
      await lock.release();
    }
    expect((await upload(ctx, 'x.csv', CSV)).status).toBe(200);
  });

  it('answers 400 when neither a file nor an action is sent', async () => {
    const ctx = await setup();
    const empty = await getJson(ctx, '/api/imports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    const wrongAction = await getJson(ctx, '/api/imports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: JSON.stringify({ action: 'drop-everything' }),
    });
    expect(wrongAction.status).toBe(400);
    expect(wrongAction.body).toMatchObject({ error: { message: expect.stringContaining('action') } });
  });
});

describe('POST /api/imports {"action":"run-sources"}', () => {
  it('imports the inbox once and moves the file to the archive; an empty inbox is a no-op', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zm-api-sources-'));
    try {
      const inbox = join(dir, 'inbox');
      const ctx = await setup({
        env: { INBOX_DIR: inbox, ARCHIVE_DIR: join(dir, 'archive'), REJECTED_DIR: join(dir, 'rejected') },
      });
      const run = () =>
        getJson(ctx, '/api/imports', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...auth },
          body: JSON.stringify({ action: 'run-sources' }),
        });
      mkdirSync(inbox);
      const empty = await run();
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ changed: false, files: [] });

      const file = join(inbox, 'neu.csv');
      writeFileSync(file, CSV);
      // The inbox only takes files that have not changed for a few seconds before the clock's
      // "now" (1 May 2025 in the fixture): no half-copied files.
      const old = new Date('2025-04-30T12:00:00Z');
      utimesSync(file, old, old);
      const { status, body } = await run();
      expect(status, JSON.stringify(body)).toBe(200);
      expect(importSummaryResponse.parse(body)).toMatchObject({ inserted: 3, changed: true });
      expect(existsSync(file)).toBe(false);
      expect(readdirSync(join(dir, 'archive'))).toHaveLength(1);
      // The run log says an admin asked for this run, not the schedule.
      const log = await getJson(ctx, '/api/imports');
      expect(JSON.stringify(log.body)).toContain('"trigger":"api"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('comments keep their edit history', () => {
  it('lists each comment with its own earlier texts, oldest first (none: an empty history)', async () => {
    const ctx = await setup();
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const post = async (text: string) => {
      const res = await getJson(ctx, '/api/comments', {
        method: 'POST',
        headers,
        body: JSON.stringify({ region: REGION_A, goal: 'K3', month: '2024-05', text }),
      });
      return (res.body as { comment: { id: number } }).comment.id;
    };
    const edited = await post('erste Fassung');
    const untouched = await post('unverändert');
    for (const text of ['zweite Fassung', 'dritte Fassung']) {
      const res = await getJson(ctx, `/api/comments/${edited}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ text }),
      });
      expect(res.status).toBe(200);
    }
    const list = await getJson(ctx, `/api/comments?region=${REGION_A}`);
    const comments = (list.body as { comments: { id: number; text: string; history: { text: string }[] }[] })
      .comments;
    expect(comments.map((c) => [c.id, c.text, c.history.map((h) => h.text)])).toEqual([
      [edited, 'dritte Fassung', ['erste Fassung', 'zweite Fassung']],
      [untouched, 'unverändert', []],
    ]);
  });
});

describe('comments explain figures that can exist', () => {
  it.each([
    ['2099-12', 400],
    ['2025-06', 400],
    ['2025-05', 201],
  ])('a comment for %s (the clock says May 2025) answers %i', async (month, status) => {
    const ctx = await setup();
    const res = await getJson(ctx, '/api/comments', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ region: REGION_A, goal: 'K3', month, text: 'Maßnahme läuft' }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 400) {
      expect(res.body).toMatchObject({
        error: { code: 'bad_request', message: `Month ${month} lies after the current month 2025-05` },
      });
      const list = await getJson(ctx, `/api/comments?region=${REGION_A}`);
      expect((list.body as { comments: unknown[] }).comments).toEqual([]);
    }
  });

  it('a comment for a month before the years the API holds (0000-01, 1999-12) is refused, nothing stored', async () => {
    const ctx = await setup();
    for (const month of ['0000-01', '1999-12']) {
      const res = await getJson(ctx, '/api/comments', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ region: REGION_A, goal: 'K3', month, text: 'Maßnahme läuft' }),
      });
      expect(res.status, month).toBe(400);
      expect(JSON.stringify(res.body)).toContain('month: must be a month from 2000-01 to 2100-12');
    }
    const list = await getJson(ctx, `/api/comments?region=${REGION_A}`);
    expect((list.body as { comments: unknown[] }).comments).toEqual([]);
  });
});

describe('reads of targets and comments name an unknown region', () => {
  it('answers 404 region_not_found where the goals do, and an alias reads its region', async () => {
    const ctx = await setup();
    for (const path of ['/api/targets', '/api/targets/history', '/api/comments']) {
      const none = await getJson(ctx, `${path}?region=zz999`);
      expect(none, path).toMatchObject({
        status: 404,
        body: { error: { code: 'region_not_found', message: 'Unknown region: zz999' } },
      });
      const known = await getJson(ctx, `${path}?region=${REGION_A}`);
      expect(known.status, path).toBe(200);
    }
    expect((await getJson(ctx, '/api/goals?region=zz999')).status).toBe(404);
    // Kreis Segeberg's BA Jobcenter number is an alias of its regional key.
    await ctx.db.db
      .insertInto('region_aliases')
      .values({ alias: 't11522', region_id: REGION_A, source: 'manual' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const comment = await getJson(ctx, '/api/comments', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ region: REGION_A, goal: 'K2-total', month: '2024-03', text: 'Aktion im März' }),
    });
    expect(comment.status).toBe(201);
    const byAlias = await getJson(ctx, '/api/comments?region=t11522');
    expect(byAlias).toMatchObject({ status: 200, body: { comments: [{ text: 'Aktion im März' }] } });
  });
});
