/**
 * Compression of JSON answers above a threshold, by the client's Accept-Encoding (brotli, else
 * gzip). Cached answers (`cachedJson`) are held compressed (server/goals/answer.ts); other
 * JSON answers are compressed as they go out (the envelope calls `compressJsonResponse`).
 */
import type { Context } from 'hono';
import { COMPRESS_MIN_BYTES, compressBody, type Encoding } from '../goals/answer.js';
import { type AppEnv, requestHeader } from './env.js';

/** The best encoding the client accepts (q > 0): brotli, else gzip, else none. */
export function chooseEncoding(c: Context<AppEnv>): Encoding | null {
  return encodingFor(requestHeader(c, 'accept-encoding'));
}

/** The same, from the Accept-Encoding header's value. */
export function encodingFor(header: string | undefined): Encoding | null {
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
