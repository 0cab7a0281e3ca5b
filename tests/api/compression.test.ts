/**
 * JSON answers above the threshold are compressed by Accept-Encoding (brotli preferred, gzip
 * else, identity without one): the cached ones (goals) and the computed ones (month table) alike,
 * with the same JSON after decoding, Vary set, and small answers left alone.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES } from '../../server/goals/answer.js';
import { setup } from './fixture.js';

const decoders: Record<string, (b: Buffer) => Buffer> = {
  br: brotliDecompressSync,
  gzip: gunzipSync,
  none: (b) => b,
};

describe('JSON compression', () => {
  it.each([
    ['/api/goals', 'gzip, deflate, br, zstd', 'br'],
    ['/api/goals', 'gzip', 'gzip'],
    ['/api/goals', 'br;q=0, gzip;q=0.5', 'gzip'],
    ['/api/goals', undefined, 'none'],
    ['/api/months', 'gzip, deflate, br', 'br'],
    ['/api/months', 'gzip', 'gzip'],
    ['/api/months', 'identity', 'none'],
  ])('%s with Accept-Encoding %s → %s', async (path, accept, expected) => {
    const ctx = await setup();
    const plain = await ctx.app.request(path);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(COMPRESS_MIN_BYTES);
    // Twice: the cached answers compress once and keep the bytes; the second must be the same.
    for (let i = 0; i < 2; i++) {
      const res = await ctx.app.request(path, accept ? { headers: { 'Accept-Encoding': accept } } : {});
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding') ?? 'none').toBe(expected);
      expect(res.headers.get('vary')).toContain('Accept-Encoding');
      const body = Buffer.from(await res.arrayBuffer());
      const length = res.headers.get('content-length');
      if (length !== null || expected !== 'none') expect(Number(length)).toBe(body.byteLength);
      if (expected !== 'none') expect(body.byteLength).toBeLessThan(text.length / 2);
      expect(JSON.parse(decoders[expected]?.(body).toString() ?? '')).toEqual(JSON.parse(text));
    }
  });

  it('leaves small answers uncompressed', async () => {
    const ctx = await setup();
    const res = await ctx.app.request('/api/version', { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect((await res.text()).length).toBeLessThan(COMPRESS_MIN_BYTES);
  });
});
