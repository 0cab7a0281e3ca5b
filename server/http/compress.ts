/**
 * Compression of JSON answers above a threshold, by the client's Accept-Encoding (brotli, else
 * gzip). Cached answers (`cachedJson`) compress once per cached result and keep the bytes; other
 * JSON answers are compressed as they go out (the envelope calls `compressJsonResponse`).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { type AppEnv, requestHeader } from './env.js';

/** Smaller answers go out as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/** The best encoding the client accepts (q > 0): brotli, else gzip, else none. */
export function chooseEncoding(c: Context<AppEnv>): Encoding | null {
  const header = requestHeader(c, 'accept-encoding');
  if (header === undefined || header === '') return null;
  let gzip = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (name === 'br') return 'br';
    if (name === 'gzip' || name === '*') gzip = true;
  }
  return gzip ? 'gzip' : null;
}

/**
 * Compresses `body` with settings for small per-answer work: brotli quality 5 with a window no
 * larger than the body, gzip level 6 with a small window and memory level. The encoder's memory
 * follows its window and hash sizes, and every call allocates it anew: with the defaults
 * (4 MB brotli window, 256 KB deflate state) compressing thousands of answers left the server's
 * resident memory 80–100 MB higher (measured with bench/api.ts's RSS scenario).
 */
export function compressBody(body: Uint8Array, encoding: Encoding): Uint8Array<ArrayBuffer> {
  const window = Math.min(22, Math.max(16, Math.ceil(Math.log2(body.byteLength + 1))));
  const out =
    encoding === 'br'
      ? brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 5,
            [constants.BROTLI_PARAM_LGWIN]: window,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        })
      : gzipSync(body, { level: 6, windowBits: Math.min(15, window), memLevel: 7 });
  // A copy of exactly the compressed size: zlib's output is a view into its 16 KB output chunk,
  // and a cached view would keep the whole chunk alive (16 KB per cached answer of 1 KB).
  return new Uint8Array(out);
}

/**
 * Compresses `c.res` in place when it is JSON of at least COMPRESS_MIN_BYTES, not yet encoded,
 * and the client accepts an encoding; marks it `Vary: Accept-Encoding` either way.
 */
export async function compressJson(c: Context<AppEnv>): Promise<void> {
  const res = c.res;
  if (res.status !== 200 || res.body === null || res.headers.has('content-encoding')) return;
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  if (length < COMPRESS_MIN_BYTES) return;
  const vary = res.headers.get('vary');
  const varyValue = vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding';
  const encoding = chooseEncoding(c);
  if (encoding === null) {
    res.headers.set('vary', varyValue);
    return;
  }
  const raw = new Uint8Array(await res.arrayBuffer());
  const body = raw.byteLength < COMPRESS_MIN_BYTES ? raw : compressBody(raw, encoding);
  // Hono copies the old response's headers onto the new one: set the changed ones afterwards.
  c.res = new Response(body, res);
  c.res.headers.set('vary', varyValue);
  c.res.headers.set('content-length', String(body.byteLength));
  if (body !== raw) c.res.headers.set('content-encoding', encoding);
}
