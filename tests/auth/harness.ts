/**
 * The API fixture (tests/api/fixture.ts) behind a real HTTP server on 127.0.0.1 and a free port,
 * for what needs sockets: client addresses (proxy header), cookies across redirects (OIDC).
 */
import { createServer, type RequestListener, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { setup, type TestContext } from '../api/fixture.js';

export interface HttpApp extends TestContext {
  url: string;
  close(): Promise<void>;
}

/**
 * The fixture app on a real socket; PUBLIC_URL is its own address. `env` may add more, also as a
 * function of the address (e.g. an OpenID provider that must know the callback URL first).
 */
export async function startHttpApp(
  env: Record<string, string> | ((url: string) => Promise<Record<string, string>>) = {},
  now?: string,
): Promise<HttpApp> {
  let handler: RequestListener | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const extra = typeof env === 'function' ? await env(url) : env;
  const ctx = await setup({ env: { PUBLIC_URL: url, ...extra }, ...(now ? { now } : {}) });
  handler = getRequestListener(ctx.app.fetch);
  return {
    ...ctx,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request from a chosen local address (127.0.0.2 is loopback too, but another client). */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** A minimal cookie jar per host:port (enough for the provider's and the app's cookies). */
export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  header(url: string): string {
    const cookies = this.jar.get(new URL(url).host);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  get(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }
}

/** fetch with the jar's cookies, not following redirects (each hop is checked by the caller). */
export async function jarFetch(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

/**
 * Follows redirects by hand from `url` until one points at `stopAt` (returned unvisited) or a
 * page answers 200 (returned with its body).
 */
export async function follow(
  jar: CookieJar,
  url: string,
  stopAt: string,
  init: RequestInit = {},
): Promise<{ url: string; res: Response | null }> {
  let current = url;
  let options = init;
  for (let hop = 0; hop < 15; hop++) {
    if (current.startsWith(stopAt)) return { url: current, res: null };
    const res = await jarFetch(jar, current, options);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).href;
      options = {};
      continue;
    }
    return { url: current, res };
  }
  throw new Error(`too many redirects from ${url}`);
}
