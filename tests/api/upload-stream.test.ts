/**
 * Uploads read as a stream (server/http/upload.ts): the file part lands in a private temporary
 * file, the fields asked for are returned, every bad form is a 4xx naming its reason, and nothing
 * is left on disk, whatever the outcome. Real multipart bodies (undici's FormData encoder), real
 * files in a directory of the test's own.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import { importSummaryResponse, importsResponse } from '../../server/http/responses.js';
import {
  limitDeclaredBody,
  receiveUpload,
  sweepUploads,
  UPLOAD_DIR_PREFIX,
} from '../../server/http/upload.js';
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
      { fileField: 'file', maxFileBytes: 1024, maxBodyBytes: 1 << 20, fields: { spec: 100 }, tmpDir: dir },
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
      maxBodyBytes: 1 << 20,
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
      maxBodyBytes: 1 << 20,
      tmpDir: dir,
    });
    expect(ok.file?.size).toBe(100);
    await ok.dispose();
    const e = await rejection(
      receiveUpload(formRequest([['file', csv('x'.repeat(101))]]), {
        fileField: 'file',
        maxFileBytes: 100,
        maxBodyBytes: 1 << 20,
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
        maxBodyBytes: 1 << 20,
        fields: { spec: 10 },
        tmpDir: dir,
      }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toBe(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a part of type application/octet-stream without a file name is a text field, as a form has it', async () => {
    const body = (name: string) =>
      [
        '--b0',
        `Content-Disposition: form-data; name="${name}"`,
        'Content-Type: application/octet-stream',
        '',
        '{"sheet":1}',
        '--b0--',
        '',
      ].join('\r\n');
    const req = (name: string) =>
      new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b0' },
        body: body(name),
      });
    const options = {
      fileField: 'file',
      maxFileBytes: 100,
      maxBodyBytes: 1000,
      fields: { spec: 20 },
      tmpDir: dir,
    };
    const spec = await receiveUpload(req('spec'), options);
    expect(spec.file).toBeNull();
    expect(spec.fields).toEqual({ spec: '{"sheet":1}' });
    await spec.dispose();
    const e = await rejection(receiveUpload(req('file'), options));
    expect(e.message).toBe('form field file: must be a file');
    const long = await rejection(receiveUpload(req('spec'), { ...options, fields: { spec: 5 } }));
    expect(long.message).toBe('form field spec: longer than 5 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a cut-off body and a body that is not a form are 400s; nothing stays on disk', async () => {
    const whole = formRequest([['file', csv('y'.repeat(5000))]]);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    const raw = (contentType: string, body: BodyInit) =>
      new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body });
    const options = { fileField: 'file', maxFileBytes: 10_000, maxBodyBytes: 1 << 20, tmpDir: dir };
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

  /** A multipart body whose first `cut` bytes arrive, then `then` happens to the stream. */
  async function streamed(
    cut: number,
    then: (c: ReadableStreamDefaultController<Uint8Array>) => void,
    parts: [string, string | File][] = [['file', csv('z'.repeat(5000))]],
  ) {
    const whole = formRequest(parts);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    const end = Math.min(cut, bytes.length);
    let at = 0;
    // Pulled chunk by chunk, as a socket delivers it: every byte before the cut reaches the parser.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= end) return then(controller);
        controller.enqueue(bytes.slice(at, Math.min(at + 500, end)));
        at += 500;
      },
    });
    return new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': whole.headers.get('content-type') ?? '' },
      body,
      duplex: 'half',
    } as RequestInit);
  }

  it('a body that breaks off in the file is a 400 "upload_interrupted"; nothing stays on disk', async () => {
    const req = await streamed(2000, (c) => c.error(new Error('connection reset')));
    const e = await rejection(
      receiveUpload(req, { fileField: 'file', maxFileBytes: 10_000, maxBodyBytes: 1 << 20, tmpDir: dir }),
    );
    expect(e.status).toBe(400);
    expect(e.code).toBe('upload_interrupted');
    expect(e.message).toBe('The upload broke off: connection reset.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a body without a length is counted as it streams: one over maxBodyBytes is a 413', async () => {
    const length = (await formRequest([['file', csv('z'.repeat(5000))]]).arrayBuffer()).byteLength;
    const ok = await receiveUpload(await streamed(Number.POSITIVE_INFINITY, (c) => c.close()), {
      fileField: 'file',
      maxFileBytes: 10_000,
      maxBodyBytes: length,
      tmpDir: dir,
    });
    expect(ok.file?.size).toBe(5000);
    await ok.dispose();
    const e = await rejection(
      receiveUpload(await streamed(Number.POSITIVE_INFINITY, (c) => c.close()), {
        fileField: 'file',
        maxFileBytes: 10_000,
        maxBodyBytes: length - 1,
        tmpDir: dir,
      }),
    );
    expect(e.status).toBe(413);
    expect(e.message).toBe(`The upload is larger than the limit of ${length - 1} bytes.`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a disk that refuses the file is a 503 "upload_storage", promptly, and nothing stays on disk', async () => {
    // 3 MB: the file stream's buffer fills, busboy waits on it, and the body on busboy.
    const big = csv('w'.repeat(3 << 20));
    const full = (after: number) => () => {
      let written = 0;
      return new Writable({
        write(chunk: Buffer, _enc, cb) {
          written += chunk.length;
          if (written > after) cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
          else setTimeout(cb, 1);
        },
      });
    };
    for (const after of [0, 1 << 20]) {
      const e = await rejection(
        receiveUpload(formRequest([['file', big]]), {
          fileField: 'file',
          maxFileBytes: 4 << 20,
          maxBodyBytes: 5 << 20,
          tmpDir: dir,
          openFile: full(after),
        }),
      );
      expect(e.status).toBe(503);
      expect(e.code).toBe('upload_storage');
      expect(e.message).toBe('The upload cannot be stored on the server for the import (ENOSPC).');
      expect(readdirSync(dir)).toEqual([]);
    }
    // No directory to be made (a read-only or missing TMPDIR): the same answer.
    const missing = await rejection(
      receiveUpload(formRequest([['file', csv('x')]]), {
        fileField: 'file',
        maxFileBytes: 10,
        maxBodyBytes: 1 << 20,
        tmpDir: join(dir, 'not-there'),
      }),
    );
    expect(missing.status).toBe(503);
    expect(missing.message).toMatch(/\(ENOENT\)\.$/);
  });

  it(`a form of ${100} parts is read, one more is a 400`, async () => {
    const parts = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`f${i}`, 'x']);
    const ok = await receiveUpload(formRequest(parts(100)), {
      fileField: 'file',
      maxFileBytes: 10,
      maxBodyBytes: 1 << 20,
      tmpDir: dir,
    });
    await ok.dispose();
    const e = await rejection(
      receiveUpload(formRequest(parts(101)), {
        fileField: 'file',
        maxFileBytes: 10,
        maxBodyBytes: 1 << 20,
        tmpDir: dir,
      }),
    );
    expect(e.message).toBe('The form has more than 100 parts.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a form that breaks off inside a part it reads past or as text is a 4xx, not a crash', async () => {
    // busboy ends the part being read with an error: without a listener on it, an uncaught
    // exception (the server process ended).
    const ignored: [string, string | File][] = [
      ['attachment', csv('a'.repeat(5000), 'anhang.csv')],
      ['file', csv('x')],
    ];
    const second: [string, string | File][] = [
      ['file', csv('x')],
      ['file', csv('b'.repeat(5000))],
    ];
    const options = { fileField: 'file', maxFileBytes: 10_000, maxBodyBytes: 1 << 20, tmpDir: dir };
    for (const parts of [ignored, second]) {
      const cutOff = await rejection(receiveUpload(await streamed(3000, (c) => c.close(), parts), options));
      expect(cutOff.message).toMatch(/^The multipart body cannot be read: Unexpected end of form/);
      const broken = await rejection(
        receiveUpload(await streamed(3000, (c) => c.error(new Error('reset')), parts), options),
      );
      expect(broken.code).toBe('upload_interrupted');
      const over = await rejection(
        receiveUpload(await streamed(Number.POSITIVE_INFINITY, (c) => c.close(), parts), {
          ...options,
          maxBodyBytes: 3000,
        }),
      );
      expect(over.status).toBe(413);
    }
    // Still here: the test process, like the server, lives on.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a disk that refuses the file while the client pauses is answered at once, not at its next chunk', async () => {
    // 1000 bytes of the form arrive, then nothing more (a paused client; the stream never ends).
    const paused = await streamed(1000, () => undefined);
    const e = await rejection(
      receiveUpload(paused, {
        fileField: 'file',
        maxFileBytes: 10_000,
        maxBodyBytes: 1 << 20,
        tmpDir: dir,
        openFile: () =>
          new Writable({
            write: (_c, _e, cb) =>
              cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })),
          }),
      }),
    );
    expect(e.code).toBe('upload_storage');
    expect(readdirSync(dir)).toEqual([]);
  }, 10_000);

  it('a writer that closes before the file is in it is a 503 too, not a wait for ever', async () => {
    const e = await rejection(
      receiveUpload(formRequest([['file', csv('w'.repeat(3 << 20))]]), {
        fileField: 'file',
        maxFileBytes: 4 << 20,
        maxBodyBytes: 5 << 20,
        tmpDir: dir,
        // Closed, without an error, instead of taking its first chunk.
        openFile: () => {
          const w: Writable = new Writable({ write: () => w.destroy() });
          return w;
        },
      }),
    );
    expect(e.code).toBe('upload_storage');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('over real HTTP with a Content-Length: a 6 MB file arrives whole; a declared length over the limit is a 413 at once', async () => {
    const data = new Uint8Array(6 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
    let reached = 0;
    const app = new Hono()
      .onError((e, c) => c.json({ code: (e as ApiError).code }, (e as ApiError).status))
      .post('/small', limitDeclaredBody(1000), async (c) => {
        reached++;
        await receiveUpload(c.req.raw, {
          fileField: 'file',
          maxFileBytes: 10,
          maxBodyBytes: 1000,
          tmpDir: dir,
        });
        return c.json({});
      })
      .post('/', async (c) => {
        const upload = await receiveUpload(c.req.raw, {
          fileField: 'file',
          maxFileBytes: 8 << 20,
          maxBodyBytes: 9 << 20,
          tmpDir: dir,
        });
        const stored = readFileSync(upload.file?.path ?? '');
        const dirMode = statSync(join(upload.file?.path ?? '', '..')).mode & 0o777;
        await upload.dispose();
        return c.json({
          size: upload.file?.size,
          sha256: createHash('sha256').update(stored).digest('hex'),
          dirMode,
        });
      });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    try {
      const form = formRequest([['file', new File([data], 'gross.bin')]]);
      const contentType = form.headers.get('content-type') ?? '';
      const body = new Uint8Array(await form.arrayBuffer());
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': String(body.length) },
        body,
      });
      expect(await res.json()).toEqual({
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        dirMode: 0o700,
      });
      const small = formRequest([['file', csv('s'.repeat(2000))]]);
      const smallBody = new Uint8Array(await small.arrayBuffer());
      const refused = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/small`, {
        method: 'POST',
        headers: {
          'content-type': small.headers.get('content-type') ?? '',
          'content-length': String(smallBody.length),
        },
        body: smallBody,
      });
      expect(refused.status).toBe(413);
      // Answered before the body was read: the client must not send its next request here.
      expect(refused.headers.get('connection')).toBe('close');
      expect(await refused.json()).toEqual({ code: 'payload_too_large' });
      expect(reached).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('sweepUploads', () => {
  it('removes upload directories older than the age given, and nothing else', async () => {
    const old = (Date.now() - 2 * 3600_000) / 1000;
    for (const name of [`${UPLOAD_DIR_PREFIX}old1`, `${UPLOAD_DIR_PREFIX}old2`, 'other-old']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'upload'), 'x');
      utimesSync(join(dir, name), old, old);
    }
    mkdirSync(join(dir, `${UPLOAD_DIR_PREFIX}fresh`));
    writeFileSync(join(dir, `${UPLOAD_DIR_PREFIX}file`), 'not a directory');
    utimesSync(join(dir, `${UPLOAD_DIR_PREFIX}file`), old, old);
    expect(await sweepUploads(3600_000, Date.now(), dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([
      'other-old',
      `${UPLOAD_DIR_PREFIX}file`,
      `${UPLOAD_DIR_PREFIX}fresh`,
    ]);
    expect(await sweepUploads(3600_000, Date.now(), join(dir, 'missing'))).toBe(0);
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
    for (let i = 0; i < 1200 && job.finishedAt === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = ((await getJson(ctx, `/api/import-wizard/jobs/${id}`)).body as { job: typeof job }).job;
    }
    expect(job).toMatchObject({ state: 'done', file: 'Hintergrund.csv' });
    // The job's clean-up runs right after it ends.
    for (let i = 0; i < 40 && readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir)).toEqual([]);

    // A file near the limit with a draft spec near its own (256 KB) is read, not refused as too large.
    const small = await setup({ env: { UPLOAD_MAX_BYTES: '4096' } });
    const bigSpec = await post(small, '/api/import-wizard/preview', [
      ['spec', `{${' '.repeat(200 * 1024)}`],
      ['file', csv(good.padEnd(4000, '#'))],
    ]);
    expect(bigSpec.status).toBe(400);
    expect(bigSpec.body).toMatchObject({ error: { message: 'form field spec: not valid JSON' } });

    const noFile = await post(ctx, '/api/import-wizard/jobs', [['spec', '{}']]);
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ error: { message: 'form field file: Required (a file)' } });
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
