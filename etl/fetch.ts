/**
 * Downloads a source URL with a timeout (AbortSignal), a size limit (reading stops past
 * maxBytes) and retries with exponential backoff for network errors, timeouts, 429 and 5xx.
 */

import { redactUrl, redactUrlsIn } from '../core/redact.js';
import type { Logger } from '../server/logger.js';
import type { FetchOptions } from './types.js';

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  timeoutMs: 30_000,
  maxBytes: 50 * 1024 * 1024,
  retries: 3,
};

export class FetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** fetch() refuses URLs with user info: `user:pass@` becomes a Basic Authorization header. */
function withBasicAuth(url: string, signal: AbortSignal): [string, RequestInit] {
  const init: RequestInit = { signal, redirect: 'follow' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [url, init];
  }
  if (u.username === '' && u.password === '') return [url, init];
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const token = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  return [u.href, { ...init, headers: { authorization: `Basic ${token}` } }];
}

async function fetchOnce(url: string, opts: FetchOptions): Promise<Uint8Array> {
  let res: Response;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    res = await fetch(...withBasicAuth(url, signal));
  } catch (e) {
    const timedOut = signal.aborted;
    throw new FetchError(
      timedOut
        ? `keine Antwort innerhalb von ${opts.timeoutMs} ms`
        : `Verbindung fehlgeschlagen: ${redactUrlsIn(e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e))}`,
      true,
    );
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchError(
      `HTTP ${res.status} ${res.statusText}`.trim(),
      res.status === 429 || res.status >= 500,
    );
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchError(
      `Datei zu groß: ${formatBytes(declared)} (Grenze FETCH_MAX_BYTES ${formatBytes(opts.maxBytes)})`,
      false,
    );
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > opts.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FetchError(
          `Datei zu groß: mehr als ${formatBytes(opts.maxBytes)} (Grenze FETCH_MAX_BYTES)`,
          false,
        );
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof FetchError) throw e;
    throw new FetchError(
      signal.aborted
        ? `Download nicht innerhalb von ${opts.timeoutMs} ms abgeschlossen`
        : `Download abgebrochen: ${redactUrlsIn(e instanceof Error ? e.message : String(e))}`,
      true,
    );
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Fetches `url`; after `retries` failed retries throws a FetchError naming the last cause. */
export async function fetchWithRetry(
  url: string,
  opts: FetchOptions,
  logger: Logger,
  backoffBaseMs = 500,
): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, opts);
    } catch (e) {
      const err = e instanceof FetchError ? e : new FetchError(String(e), false);
      if (!err.retryable || attempt >= opts.retries) {
        const tries = attempt + 1;
        throw new FetchError(
          `Download von ${redactUrl(url)} fehlgeschlagen${tries > 1 ? ` (nach ${tries} Versuchen)` : ''}: ${err.message}`,
          false,
        );
      }
      const delay = backoffBaseMs * 2 ** attempt;
      logger.warn(
        { url: redactUrl(url), attempt: attempt + 1, delayMs: delay, err: redactUrlsIn(err.message) },
        'download failed, retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** A file name safe to store: the URL's last path segment, reduced to [A-Za-z0-9._-]. */
export function safeNameFromUrl(url: string): string {
  let base = 'download';
  try {
    const segs = new URL(url).pathname.split('/').filter(Boolean);
    const last = segs[segs.length - 1];
    if (last) base = decodeURIComponent(last);
  } catch {
    // keep the default
  }
  return safeFileName(base);
}

export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\\/]/g, '_')
    // German letters stay ("Übersicht März.csv"); anything else that could confuse a shell or a
    // file system (separators, control characters, quotes, spaces) becomes '_'.
    .replace(/[^A-Za-z0-9äöüÄÖÜß._-]+/g, '_')
    .replace(/^[.]+/, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 120);
  return cleaned === '' ? 'download' : cleaned;
}
