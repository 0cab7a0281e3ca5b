/**
 * Revalidation of the built dashboard (server/http/static.ts) over real sockets, with the real
 * build (dist/web: its page shells, index.html and hashed assets with their .br and .gz copies):
 * every static answer carries a strong ETag, the same on every request, one per encoding; an
 * If-None-Match naming it (weak comparison, RFC 9110 13.1.2) is answered 304 without a body and
 * with the caching headers (and the Content-Type) of the 200; any other tag gets the whole file. HEAD answers as GET
 * without a body.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../server/app.js';
import { rawRequest } from '../helpers/raw-http.js';
import { assertWebBuilt, ROOT } from '../helpers/server.js';
import { setup } from './fixture.js';

const send = rawRequest;

const ENCODINGS = {
  br: { 'accept-encoding': 'gzip, deflate, br, zstd' },
  gzip: { 'accept-encoding': 'gzip, deflate' },
  identity: {},
} as const;

describe('ETags and 304 for the built dashboard', () => {
  const WEB = path.join(ROOT, 'dist/web');
  let server: Server;
  let base: string;
  /** A JavaScript asset of the build (with .br and .gz copies). */
  let asset: string;
  /** Paths answered by a shell, by index.html (SPA fallback), and by a file of its own. */
  let paths: string[];

  beforeAll(async () => {
    assertWebBuilt();
    const js = readdirSync(path.join(WEB, 'assets')).find((f) => f.endsWith('.js'));
    if (js === undefined) throw new Error('dist/web/assets holds no .js file: run `npx vite build`');
    asset = `/assets/${js}`;
    paths = ['/', '/ziel/K2-female', '/monate', '/wall', '/index.html', asset];
    const ctx = await setup();
    // serve-static takes a root relative to the working directory, as server/main.ts gives it.
    const app = createApp(ctx.deps, { webRoot: path.relative(process.cwd(), WEB) });
    server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a strong ETag on every static answer: the same on each request, different per encoding', async () => {
    for (const p of paths) {
      const tags = new Map<string, string>();
      for (const [name, headers] of Object.entries(ENCODINGS)) {
        const first = await send(base, p, headers);
        const second = await send(base, p, headers);
        console.log(`${p} (${name}): ${first.status} etag ${first.headers.etag}`);
        expect(first.status, `${p} ${name}`).toBe(200);
        expect(first.headers['content-encoding'], `${p} ${name}`).toBe(
          name === 'identity' ? undefined : name,
        );
        expect(first.headers.etag, `${p} ${name}`).toMatch(/^"[\w-]+"$/);
        expect(second.headers.etag, `${p} ${name}`).toBe(first.headers.etag);
        expect(second.body.equals(first.body), `${p} ${name}`).toBe(true);
        tags.set(name, String(first.headers.etag));
      }
      expect(new Set(tags.values()).size, `${p}: ${[...tags.values()].join(' ')}`).toBe(3);
    }
  });

  test('If-None-Match naming the ETag: 304 without a body, with ETag, Vary, Cache-Control and Content-Type', async () => {
    for (const p of paths) {
      for (const [name, headers] of Object.entries(ENCODINGS)) {
        const full = await send(base, p, headers);
        const etag = String(full.headers.etag);
        const weak = `W/${etag}`;
        for (const ifNoneMatch of [etag, weak, `"other", ${weak}`, '*']) {
          const res = await send(base, p, { ...headers, 'if-none-match': ifNoneMatch });
          expect(res.status, `${p} ${name} ${ifNoneMatch}`).toBe(304);
          expect(res.body.byteLength, `${p} ${name} ${ifNoneMatch}`).toBe(0);
          expect(res.headers.etag).toBe(etag);
          expect(res.headers.vary).toBe(full.headers.vary);
          expect(res.headers['cache-control']).toBe(full.headers['cache-control']);
          // The page's own type, not the adapter's text/plain for an empty answer.
          expect(res.headers['content-type']).toBe(full.headers['content-type']);
          expect(res.headers['content-encoding']).toBeUndefined();
          expect(res.headers['content-length']).toBeUndefined();
        }
      }
    }
    expect((await send(base, '/')).headers['cache-control']).toBe('no-cache');
    expect((await send(base, asset)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  test('any other tag gets the whole file with 200, the tag of another encoding too', async () => {
    for (const p of paths) {
      const br = await send(base, p, ENCODINGS.br);
      const gzip = await send(base, p, ENCODINGS.gzip);
      expect(br.headers.etag, p).toMatch(/^"[\w-]+"$/);
      for (const ifNoneMatch of ['"nope"', 'W/"nope"', String(gzip.headers.etag), '""']) {
        const res = await send(base, p, { ...ENCODINGS.br, 'if-none-match': ifNoneMatch });
        expect(res.status, `${p} ${ifNoneMatch}`).toBe(200);
        expect(res.headers.etag).toBe(br.headers.etag);
        expect(res.body.equals(br.body), `${p} ${ifNoneMatch}`).toBe(true);
      }
    }
  });

  test('HEAD answers as GET without a body, 304 included; Range is still ignored; a missing asset is 404', async () => {
    for (const p of paths) {
      for (const headers of Object.values(ENCODINGS)) {
        const get = await send(base, p, headers);
        const head = await send(base, p, headers, 'HEAD');
        expect(head.status, p).toBe(200);
        expect(head.body.byteLength, p).toBe(0);
        for (const h of [
          'etag',
          'content-type',
          'content-encoding',
          'content-length',
          'vary',
          'cache-control',
        ])
          expect(head.headers[h], `${p} ${h}`).toBe(get.headers[h]);
        const notModified = await send(
          base,
          p,
          { ...headers, 'if-none-match': String(get.headers.etag) },
          'HEAD',
        );
        expect(notModified.status, p).toBe(304);
        expect(notModified.headers.etag, p).toBe(get.headers.etag);
        const ranged = await send(base, p, { ...headers, range: 'bytes=0-9' });
        expect(ranged.status, p).toBe(200);
        expect(ranged.body.equals(get.body), p).toBe(true);
        expect(ranged.headers.etag, p).toBe(get.headers.etag);
      }
    }
    const missing = await send(base, '/assets/missing-123.js', { 'if-none-match': '*' });
    expect(missing.status).toBe(404);
  });

  test('a file rewritten under the running server (a new build) gets a new tag; its old one no longer matches', async () => {
    // A copy of the build, so the rewrite touches no file the other tests read.
    const root = mkdtempSync(path.join(tmpdir(), 'zielmonitor-etag-'));
    cpSync(WEB, root, { recursive: true });
    const ctx = await setup();
    const app = createApp(ctx.deps, { webRoot: path.relative(process.cwd(), root) });
    const copy = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => copy.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(copy.address() as AddressInfo).port}`;
    try {
      const before = await send(at, asset);
      expect(before.status).toBe(200);
      const file = path.join(root, asset);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n// rebuilt\n`);
      const after = await send(at, asset, { 'if-none-match': String(before.headers.etag) });
      expect(after.status).toBe(200);
      expect(after.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.body.toString('utf8').endsWith('// rebuilt\n')).toBe(true);
      // The new tag is kept while the file stays as it is.
      expect((await send(at, asset, { 'if-none-match': String(after.headers.etag) })).status).toBe(304);
    } finally {
      copy.closeAllConnections();
      await new Promise<void>((resolve) => copy.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
