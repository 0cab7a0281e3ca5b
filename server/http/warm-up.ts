/**
 * The request path run before the server listens, so that the first users after a start do not
 * pay for code that runs for the first time (V8 interprets a function until it has run often
 * enough to be compiled; node's HTTP parser and stream code, the fast path and its answer building
 * are all cold in a fresh process). docs/benchmarks.md, "Issue 13, fourteenth round".
 *
 * The listener the server will use answers the warm-up's requests on a private server on the
 * loopback interface (port 0), which closes before the real one listens. It answers only the
 * warm-up's own connection (another local process that finds the port has its connection closed
 * unanswered), so no other request meets it or is kept out of the log.
 *
 * The client is a plain TCP socket writing HTTP/1.1 requests by hand, one after the other on one
 * keep-alive connection as a browser does: node's own HTTP client in the same process would teach
 * V8 a second shape on code the server shares with it (OutgoingMessage, the HTTP parser), which
 * cost the cached answers 5–10 % of their throughput when this was tried with it (sixth round).
 *
 * Only answers already in memory are asked for (the goals and comparisons of a few regions, read
 * before listening), with the encodings browsers accept, so the warm-up computes nothing and keeps
 * nothing beyond what those regions' first requests would have kept.
 */
import { createServer, type RequestListener } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What browsers and curl send; both get the stored brotli bytes, nothing is encoded anew. */
const ENCODINGS = ['gzip, deflate, br, zstd', 'br, gzip'] as const;

/** The longest the warm-up may take (it takes about 0.1 s): the start goes on without it after that. */
const WARM_UP_TIMEOUT_MS = 2000;

export interface WarmUpResult {
  requests: number;
  /** Answers with status 200 (the rest, e.g. a region without data, still ran the code). */
  ok: number;
  ms: number;
  /** Why it ended before the last path (a timeout, a closed connection); null when it did not. */
  failed: string | null;
}

/**
 * Sends `paths` in turn (each answered before the next is sent) to `listener` on a private
 * loopback server and closes it. Never throws: a failure or a timeout only means a colder start.
 * (After a timeout, the request still being answered may finish later and write its log line.)
 */
export async function warmUp(
  listener: RequestListener,
  paths: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<WarmUpResult> {
  const started = performance.now();
  // The local port of the warm-up's own connection, once it is open.
  let own: number | undefined;
  const server = createServer((req, res) => {
    if (own === undefined || req.socket.remotePort !== own) {
      req.socket.destroy();
      return;
    }
    listener(req, res);
  });
  let requests = 0;
  let ok = 0;
  let failed: string | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('warm-up: no port');
    const socket = connect(address.port, '127.0.0.1');
    socket.setNoDelay(true);
    const reader = responses(socket);
    // An answer that never comes ends the warm-up, not the start.
    const timer = setTimeout(
      () => socket.destroy(new Error('warm-up: timed out')),
      options.timeoutMs ?? WARM_UP_TIMEOUT_MS,
    );
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      own = socket.localPort;
      for (const path of paths) {
        const encoding = ENCODINGS[requests % ENCODINGS.length];
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${address.port}\r\nAccept-Encoding: ${encoding}\r\n\r\n`,
        );
        requests++;
        if ((await reader.next()) === 200) ok++;
      }
    } finally {
      clearTimeout(timer);
      socket.destroy();
    }
  } catch (e) {
    // A colder start, nothing worse: the real server still starts.
    failed = e instanceof Error ? e.message : String(e);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { requests, ok, ms: performance.now() - started, failed };
}

/**
 * Reads the answers from `socket` one at a time: each has a Content-Length (every answer of the
 * fast path, and Hono's JSON answers, carry one) and a body of that length (the warm-up sends
 * neither HEAD nor If-None-Match, so no answer comes without its body). Resolves to the status;
 * rejects when the connection ends or an answer has no length.
 */
function responses(socket: Socket): { next(): Promise<number> } {
  let buffered: Buffer = Buffer.alloc(0);
  let waiting: { resolve(status: number): void; reject(e: Error): void } | null = null;
  let failure: Error | null = null;

  function settle(): void {
    if (waiting === null) return;
    if (failure !== null) {
      waiting.reject(failure);
      waiting = null;
      return;
    }
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      failure = new Error(`warm-up: an answer without Content-Length (${status})`);
      settle();
      return;
    }
    const total = end + 4 + Number(length);
    if (buffered.byteLength < total) return;
    buffered = buffered.subarray(total);
    const w = waiting;
    waiting = null;
    w.resolve(status);
  }

  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.byteLength === 0 ? chunk : Buffer.concat([buffered, chunk]);
    settle();
  });
  socket.on('error', (e) => {
    failure = e;
    settle();
  });
  socket.on('close', () => {
    failure ??= new Error('warm-up: connection closed');
    settle();
  });
  return {
    next: () =>
      new Promise<number>((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      }),
  };
}
