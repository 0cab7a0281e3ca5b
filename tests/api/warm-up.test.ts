/**
 * The request path run before the server listens (server/http/warm-up.ts): one keep-alive
 * connection to a private loopback server, each request answered before the next, the browsers'
 * encodings, the private server closed afterwards; a failure or an answer that never comes only
 * ends the warm-up. With the app's own listener (fast path in front of Hono) every answer is the
 * cached 200 a first user would get, and the fast path's log lines go through the logger.
 */

import type { RequestListener } from 'node:http';
import { connect } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { withFastPath } from '../../server/http/fast-path.js';
import { warmUp } from '../../server/http/warm-up.js';
import { collectingLogger } from '../helpers/log-lines.js';
import { REGION_A, REGION_B, setup } from './fixture.js';

interface Seen {
  url: string;
  encoding: string | undefined;
  remotePort: number | undefined;
  localPort: number | undefined;
}

/** A listener answering every request with `status` and a JSON body of its URL. */
function recording(status = 200): { listener: RequestListener; seen: Seen[] } {
  const seen: Seen[] = [];
  const listener: RequestListener = (req, res) => {
    seen.push({
      url: req.url ?? '',
      encoding: req.headers['accept-encoding'],
      remotePort: req.socket.remotePort,
      localPort: req.socket.localPort,
    });
    const body = JSON.stringify({ url: req.url });
    const code = req.url?.includes('missing') ? 404 : status;
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  return { listener, seen };
}

/** True when a connection to the port is refused (nothing listens there any more). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('warmUp', () => {
  it('sends the paths in order over one connection with the browsers’ encodings, then closes its server', async () => {
    const { listener, seen } = recording();
    const paths = Array.from({ length: 12 }, (_, i) => `/api/goals?region=${i}`);
    const result = await warmUp(listener, paths);
    expect(result).toMatchObject({ requests: 12, ok: 12, failed: null });
    expect(seen.map((s) => s.url)).toEqual(paths);
    expect(new Set(seen.map((s) => s.remotePort)).size).toBe(1);
    expect(seen.slice(0, 3).map((s) => s.encoding)).toEqual([
      'gzip, deflate, br, zstd',
      'br, gzip',
      'gzip, deflate, br, zstd',
    ]);
    expect(await refused(seen[0]?.localPort ?? 0)).toBe(true);
  });

  it('reads answers larger than one socket read', async () => {
    const big = 'x'.repeat(300_000);
    const seen: string[] = [];
    const result = await warmUp(
      (req, res) => {
        seen.push(req.url ?? '');
        const body = req.url === '/big' ? big : 'klein';
        res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      ['/big', '/small', '/big', '/small'],
    );
    expect(result).toMatchObject({ requests: 4, ok: 4, failed: null });
    expect(seen).toEqual(['/big', '/small', '/big', '/small']);
  });

  it('answers only its own connection: another local client is closed unanswered', async () => {
    const seen: string[] = [];
    let foreign: Promise<string> | null = null;
    const result = await warmUp(
      (req, res) => {
        seen.push(req.url ?? '');
        const port = req.socket.localPort ?? 0;
        // While the warm-up runs, another process on the machine finds its port and asks.
        foreign ??= new Promise<string>((resolve) => {
          const s = connect(port, '127.0.0.1', () =>
            s.write('GET /api/goals?region=fremd HTTP/1.1\r\nHost: x\r\n\r\n'),
          );
          let got = '';
          s.on('data', (c: Buffer) => {
            got += String(c);
          });
          s.on('error', () => {});
          s.on('close', () => resolve(got));
        });
        void foreign.then(() => {
          res.writeHead(200, { 'content-length': 2 });
          res.end('ok');
        });
      },
      ['/a', '/b'],
    );
    expect(await foreign).toBe('');
    expect(seen).toEqual(['/a', '/b']);
    expect(result).toMatchObject({ requests: 2, ok: 2, failed: null });
  });

  it('counts only 200 answers as ok, and goes on after the others', async () => {
    const { listener, seen } = recording();
    const result = await warmUp(listener, ['/a', '/missing', '/b']);
    expect(result).toMatchObject({ requests: 3, ok: 2, failed: null });
    expect(seen).toHaveLength(3);
  });

  it('stops at an answer without Content-Length, and says why', async () => {
    let port = 0;
    const result = await warmUp(
      (req, res) => {
        port = req.socket.localPort ?? 0;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('chunked');
        res.end();
      },
      ['/a', '/b'],
    );
    expect(result).toMatchObject({ requests: 1, ok: 0 });
    expect(result.failed).toContain('without Content-Length');
    expect(await refused(port)).toBe(true);
  });

  it('gives up on an answer that never comes after its timeout', async () => {
    let port = 0;
    const result = await warmUp(
      (req) => {
        port = req.socket.localPort ?? 0;
      },
      ['/a', '/b'],
      { timeoutMs: 300 },
    );
    expect(result).toMatchObject({ requests: 1, ok: 0, failed: 'warm-up: timed out' });
    expect(await refused(port)).toBe(true);
  });

  it('warms the app’s own path: cached 200s from the fast path, logged by its logger', async () => {
    const ctx = await setup();
    const { logger, lines } = collectingLogger();
    const handedOn: string[] = [];
    const hono = getRequestListener(ctx.app.fetch);
    const listener = withFastPath(ctx.deps, logger, (req, res) => {
      handedOn.push(req.url ?? '');
      void hono(req, res);
    });
    const paths = [REGION_A, REGION_B].flatMap((r) => [
      `/api/goals?region=${r}`,
      `/api/comparison?region=${r}`,
    ]);
    const result = await warmUp(listener, [...paths, ...paths]);
    expect(result).toMatchObject({ requests: 8, ok: 8, failed: null });
    // Nothing went to Hono: the fast path answered every request, and logged each.
    expect(handedOn).toEqual([]);
    expect(lines.filter((l) => l.msg === 'request').map((l) => [l.path, l.status])).toEqual(
      [...paths, ...paths].map((p) => [p.slice(0, p.indexOf('?')), 200]),
    );
  });
});
