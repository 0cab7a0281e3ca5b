/**
 * Requests node's HTTP parser refuses before the app sees them (a garbage request line, a header
 * with a NUL, headers over node's 16 KB limit), sent over raw sockets to the real server process:
 * each gets a complete HTTP/1.1 answer with the right status, `Connection: close`, a JSON body in
 * the API's error shape (`{ error: { code, message } }`) whose length Content-Length gives, and
 * the socket is closed; the server logs one warning per refused request and answers on afterwards.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../server/http/errors.js';
import { startServer, type TestServer } from '../helpers/server.js';

interface RawAnswer {
  statusLine: string;
  headers: Map<string, string>;
  body: Buffer;
}

/** Writes `request` on a fresh connection and reads until the server closes it. */
function rawExchange(port: number, request: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    // 'close' only comes when the server closed its side (the client never ends first).
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        reject(new Error(`no complete head in ${JSON.stringify(all.toString('latin1'))}`));
        return;
      }
      const [statusLine = '', ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      resolve({ statusLine, headers, body: all.subarray(end + 4) });
    });
    socket.on('connect', () => socket.write(request));
  });
}

interface Line {
  level?: number;
  msg?: string;
  status?: number;
  code?: string;
  stack?: unknown;
  err?: unknown;
}

const jsonLines = (logs: readonly string[]): Line[] =>
  logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

const REFUSED = 'malformed request refused';

describe('requests the HTTP parser refuses (reliability)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const cases: { name: string; request: string; status: string; code: string; nodeCode: string }[] = [
    {
      name: 'a garbage request line',
      request: 'this is not http\r\n\r\n',
      status: 'HTTP/1.1 400 Bad Request',
      code: 'bad_request',
      nodeCode: 'HPE_INVALID_METHOD',
    },
    {
      name: 'a header value with a NUL',
      request: 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0000b\r\n\r\n',
      status: 'HTTP/1.1 400 Bad Request',
      code: 'bad_request',
      nodeCode: 'HPE_INVALID_HEADER_TOKEN',
    },
    {
      name: 'a 20 KB header (over node’s 16 KB limit)',
      request: `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      status: 'HTTP/1.1 431 Request Header Fields Too Large',
      code: 'headers_too_large',
      nodeCode: 'HPE_HEADER_OVERFLOW',
    },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with ${c.status.slice(9)}, a JSON reason and Connection: close`, async () => {
      const before = jsonLines(server.logs).filter((l) => l.msg === REFUSED).length;
      const answer = await rawExchange(server.port, c.request);
      console.log(
        `${c.name}: ${answer.statusLine} | content-type: ${answer.headers.get('content-type')} | body ${JSON.stringify(answer.body.toString('utf8'))}`,
      );
      expect(answer.statusLine).toBe(c.status);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('connection')).toBe('close');
      expect(Number(answer.headers.get('content-length'))).toBe(answer.body.byteLength);
      // The API's error shape, and nothing else in it.
      const body = errorBodySchema.strict().parse(JSON.parse(answer.body.toString('utf8')));
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(body.error.details).toBeUndefined();
      // One warning line for it, without a stack.
      await expect
        .poll(() => jsonLines(server.logs).filter((l) => l.msg === REFUSED).length, { timeout: 10_000 })
        .toBe(before + 1);
      const line = jsonLines(server.logs)
        .filter((l) => l.msg === REFUSED)
        .at(-1);
      expect(line).toMatchObject({ level: 40, status: Number(c.status.slice(9, 12)), code: c.nodeCode });
      expect(line?.stack).toBeUndefined();
      expect(line?.err).toBeUndefined();
    });
  }

  it('still answers well-formed requests afterwards', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
  });
});
