/**
 * Uploads read as a stream (server/http/upload.ts): the file part lands in a private temporary
 * file, the fields asked for are returned, every bad form is a 4xx naming its reason, and nothing
 * is left on disk, whatever the outcome. Real multipart bodies (undici's FormData encoder), real
 * files in a directory of the test's own.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import { importSummaryResponse, importsResponse } from '../../server/http/responses.js';
import { receiveUpload } from '../../server/http/upload.js';
import { ADMIN_TOKEN, getJson, setup } from './fixture.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zm-upload-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A multipart request as a browser sends it. */
function formRequest(parts: [name: string, value: string | File][]): Request {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, value);
  return new Request('http://x/upload', { method: 'POST', body: form });
}

const csv = (text: string, name = 'daten.csv') => new File([text], name, { type: 'text/csv' });

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('receiveUpload', () => {
  it('writes the file part to a private temporary file and returns the fields asked for', async () => {
    const text = 'region;month\n01060;2024-01\n';
    const upload = await receiveUpload(
      formRequest([
        ['spec', '{"a":1}'],
        ['other', 'ignored'],
        ['file', csv(text, 'Eingliederungsquote März.csv')],
      ]),
      { fileField: 'file', maxFileBytes: 1024, fields: { spec: 100 }, tmpDir: dir },
    );
    expect(upload.fields).toEqual({ spec: '{"a":1}' });
    expect(upload.file).toMatchObject({ filename: 'Eingliederungsquote März.csv', size: text.length });
    const path = upload.file?.path ?? '';
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(new TextDecoder().decode(await upload.bytes())).toBe(text);
    expect(readdirSync(dir)).toHaveLength(1);
    await upload.dispose();
    await upload.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a form without the file part has none; file parts under other names are read past', async () => {
    const upload = await receiveUpload(formRequest([['attachment', csv('x')]]), {
      fileField: 'file',
      maxFileBytes: 1024,
      tmpDir: dir,
    });
    expect(upload.file).toBeNull();
    await upload.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file over the limit is a 413, one byte under is not, and nothing stays on disk', async () => {
    const ok = await receiveUpload(formRequest([['file', csv('x'.repeat(100))]]), {
      fileField: 'file',
      maxFileBytes: 100,
      tmpDir: dir,
    });
    expect(ok.file?.size).toBe(100);
    await ok.dispose();
    const e = await rejection(
      receiveUpload(formRequest([['file', csv('x'.repeat(101))]]), {
        fileField: 'file',
        maxFileBytes: 100,
        tmpDir: dir,
      }),
    );
    expect(e.status).toBe(413);
    expect(e.message).toBe('The file is larger than the limit of 100 bytes.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['the file as a text field', [['file', 'not a file']], 'form field file: must be a file'],
    [
      'two files',
      [
        ['file', csv('a')],
        ['file', csv('b')],
      ],
      'form field file: one file only',
    ],
    ['a field over its limit', [['spec', 'x'.repeat(11)]], 'form field spec: longer than 10 bytes'],
  ] as [string, [string, string | File][], string][])('%s is a 400 naming it', async (_n, parts, message) => {
    const e = await rejection(
      receiveUpload(formRequest(parts), {
        fileField: 'file',
        maxFileBytes: 1024,
        fields: { spec: 10 },
        tmpDir: dir,
      }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toBe(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a cut-off body and a body that is not a form are 400s; nothing stays on disk', async () => {
    const whole = formRequest([['file', csv('y'.repeat(5000))]]);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    const raw = (contentType: string, body: BodyInit) =>
      new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body });
    const options = { fileField: 'file', maxFileBytes: 10_000, tmpDir: dir };
    const cut = raw(whole.headers.get('content-type') ?? '', bytes.slice(0, 3000));
    const e = await rejection(receiveUpload(cut, options));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^The multipart body cannot be read: Unexpected end of form/);
    const notForm = await rejection(receiveUpload(raw('application/json', '{}'), options));
    expect(notForm.status).toBe(400);
    expect(notForm.message).toBe('Send multipart/form-data.');
    const e2 = await rejection(receiveUpload(raw('multipart/form-data; charset=utf-8', 'x'), options));
    expect(e2.status).toBe(400);
    expect(e2.message).toMatch(/^The multipart body cannot be read: .*Boundary not found/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("the body's own error (a limit, a dropped connection) passes as it is, and nothing stays on disk", async () => {
    const whole = formRequest([['file', csv('z'.repeat(5000))]]);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    const dropped = new Error('connection reset');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 2000));
        controller.error(dropped);
      },
    });
    const req = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': whole.headers.get('content-type') ?? '' },
      body,
      duplex: 'half',
    } as RequestInit);
    const e = await receiveUpload(req, { fileField: 'file', maxFileBytes: 10_000, tmpDir: dir }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBe(dropped);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('uploads through the API leave no temporary file behind', () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const good = [
    'region;region_name;month;indicator;gender;value;flag',
    '05555;Jobcenter Upload;2024-01;INT;total;12;',
    '05555;Jobcenter Upload;2024-01;ELB;total;1.000;',
    '',
  ].join('\n');
  let saved: string | undefined;
  beforeEach(() => {
    // os.tmpdir() follows TMPDIR: the routes' temporary directories land in the test's own.
    saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  const post = (ctx: Awaited<ReturnType<typeof setup>>, path: string, parts: [string, string | File][]) => {
    const form = new FormData();
    for (const [name, value] of parts) form.append(name, value);
    return getJson(ctx, path, { method: 'POST', headers: auth, body: form });
  };

  it('POST /api/imports: imported, rejected, too large, without a file', async () => {
    const ctx = await setup({ env: { UPLOAD_MAX_BYTES: '4096' } });
    const ok = await post(ctx, '/api/imports', [['file', csv(good, 'Zahlen März.csv')]]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // The run log names the upload, never the temporary file.
    expect(importSummaryResponse.parse(ok.body).files[0]?.path).toBe('Zahlen März.csv');
    const runs = importsResponse.parse((await getJson(ctx, '/api/imports', { headers: auth })).body).runs;
    expect(runs[0]?.files.map((f) => f.path)).toEqual(['Zahlen März.csv']);
    expect(readdirSync(dir)).toEqual([]);

    const bad = await post(ctx, '/api/imports', [['file', csv(good.replace('2024-01;INT', '2024-13;INT'))]]);
    expect(bad.status).toBe(422);
    expect(readdirSync(dir)).toEqual([]);

    const big = await post(ctx, '/api/imports', [['file', csv('#'.repeat(5000))]]);
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: { code: 'payload_too_large' } });

    const none = await post(ctx, '/api/imports', [['note', 'no file']]);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ error: { message: expect.stringContaining('field "file"') } });

    const malformed = await getJson(ctx, '/api/imports', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'bad_request' } });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the import wizard: a preview and a background job', async () => {
    const ctx = await setup();
    const preview = await post(ctx, '/api/import-wizard/preview', [['file', csv(good)]]);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ file: 'daten.csv' });
    expect(readdirSync(dir)).toEqual([]);

    const started = await post(ctx, '/api/import-wizard/jobs', [['file', csv(good, 'Hintergrund.csv')]]);
    expect(started.status).toBe(202);
    const id = (started.body as { job: { id: string } }).job.id;
    let job: { state: string; file: string; finishedAt: string | null } = {
      state: 'running',
      file: '',
      finishedAt: null,
    };
    for (let i = 0; i < 200 && job.finishedAt === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = ((await getJson(ctx, `/api/import-wizard/jobs/${id}`)).body as { job: typeof job }).job;
    }
    expect(job).toMatchObject({ state: 'done', file: 'Hintergrund.csv' });
    // The job's clean-up runs right after it ends.
    for (let i = 0; i < 40 && readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir)).toEqual([]);

    const noFile = await post(ctx, '/api/import-wizard/jobs', [['spec', '{}']]);
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ error: { message: 'form field file: Required (a file)' } });
    expect(readdirSync(dir)).toEqual([]);
  });
});
