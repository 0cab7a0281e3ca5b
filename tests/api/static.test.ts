import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PAGE_SHELLS, SHELL_DIR } from '../../core/page-shells.js';
import { precompress } from '../../scripts/compress-web.js';
import { createApp } from '../../server/app.js';
import { setup } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'zm-web-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Zielmonitor</title><div id="root"></div>');
writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
const BIG = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `Wort ${i % 37}`))};\n`;
writeFileSync(join(dir, 'assets', 'chunk-big.js'), BIG);
precompress(dir);

/** A build with page shells (core/page-shells.ts): each names its file in its root. */
const withShells = mkdtempSync(join(tmpdir(), 'zm-web-shells-'));
mkdirSync(join(withShells, SHELL_DIR));
writeFileSync(join(withShells, 'index.html'), '<!doctype html><div id="root"></div>');
for (const s of PAGE_SHELLS)
  writeFileSync(
    join(withShells, SHELL_DIR, s.file),
    `<!doctype html><div id="root"><main>${s.file} ${'Shell '.repeat(200)}</main></div>`,
  );
precompress(withShells);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(withShells, { recursive: true, force: true });
});

async function app(root = dir) {
  const ctx = await setup();
  // serve-static takes a root relative to the working directory.
  return createApp(ctx.deps, { webRoot: relative(process.cwd(), root) });
}

describe('the built dashboard', () => {
  it('serves index.html without caching and hashed assets for a year', async () => {
    const a = await app();
    const index = await a.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('Zielmonitor');
    const asset = await a.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('ignores Range headers: the whole file with 200, never a 500 for a range past the end', async () => {
    const a = await app();
    const whole = await (await a.request('/assets/index-abc123.js')).text();
    for (const range of [
      'bytes=20000-30000',
      'bytes=100-50',
      'bytes=-10',
      'bytes=0-0',
      'bytes=abc',
      'bytes=14-',
    ]) {
      for (const path of ['/assets/index-abc123.js', '/', '/wall']) {
        const res = await a.request(path, { headers: { Range: range } });
        expect(res.status, `${path} ${range}`).toBe(200);
        expect(res.headers.get('content-range'), `${path} ${range}`).toBeNull();
        if (path.startsWith('/assets/')) expect(await res.text()).toBe(whole);
      }
    }
  });

  it('answers client routes with index.html, but not missing assets or API paths', async () => {
    const a = await app();
    for (const path of ['/wall', '/ziel/K2-female', '/monatswerte?gender=total']) {
      const res = await a.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
    expect((await a.request('/assets/missing-123.js')).status).toBe(404);
    const api = await a.request('/api/unknown');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await a.request('/../../etc/passwd')).status).not.toBe(500);
  });

  it('sends the precompressed copy the browser accepts, identity otherwise, always with Vary', async () => {
    const a = await app();
    const cases: [string | null, string | null, (b: Buffer) => Buffer][] = [
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
      ['gzip, deflate', 'gzip', gunzipSync],
      [null, null, (b) => b],
    ];
    for (const [accept, encoding, decode] of cases) {
      const res = await a.request(
        '/assets/chunk-big.js',
        accept ? { headers: { 'Accept-Encoding': accept } } : {},
      );
      expect(res.status, String(accept)).toBe(200);
      expect(res.headers.get('content-encoding'), String(accept)).toBe(encoding);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(res.headers.get('vary')).toContain('Accept-Encoding');
      const body = Buffer.from(await res.arrayBuffer());
      if (encoding !== null) expect(body.byteLength).toBeLessThan(BIG.length / 3);
      expect(decode(body).toString()).toBe(BIG);
    }
  });

  it('answers a page with its shell (precompressed, never cached), any other client route with index.html', async () => {
    const a = await app(withShells);
    const cases: [string, string][] = [
      ['/', 'overview.html'],
      ['/?region=01001&year=2024', 'overview.html'],
      ['/monate', 'monate.html'],
      ['/monate?from=2024-04&to=2024-08', 'monate.html'],
      ['/ziel/K2-female', 'ziel.html'],
      ['/importe', 'importe.html'],
      ['/hinweise', 'hinweise.html'],
      ['/verwaltung', 'verwaltung.html'],
    ];
    for (const [path, file] of cases) {
      const res = await a.request(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('content-encoding'), path).toBe('br');
      expect(res.headers.get('vary'), path).toContain('Accept-Encoding');
      expect(brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString(), path).toContain(
        `<main>${file} `,
      );
    }
    for (const path of ['/wall', '/monate/', '/ziel/a/b', '/unbekannt', '/shells/monate.html']) {
      const res = await a.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe('<!doctype html><div id="root"></div>');
    }
    // A build without shells (the fixture above): every page gets index.html.
    const bare = await app();
    for (const path of ['/', '/monate', '/ziel/K2-female'])
      expect(await (await bare.request(path)).text(), path).toContain('<div id="root"></div>');
  });
});
