/**
 * Answers to requests node's HTTP parser refuses before any request listener runs: a malformed
 * request line, an invalid header, headers over node's size limit, a request that did not arrive
 * in time. Without a 'clientError' listener node writes only a status line ("400 Bad Request",
 * "431 …") and closes; here the client gets the API's error shape with the reason
 * (`{ error: { code, message } }`, as server/http/errors.ts answers every other failure), and the
 * log one warning line per refused request.
 */
import { maxHeaderSize, type Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../core/error-codes.js';
import { HTTP_STATUS } from '../errors.js';
import type { Logger } from '../logger.js';
import { SECURITY_HEADERS } from './envelope.js';
import type { ErrorBody } from './errors.js';

/** What a refused request is answered with. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

const refused = (code: ErrorCode, message: string): Refusal => ({ code, message });

/** node's parse and timeout errors (llhttp adds `reason`, its text without "Parse Error: "). */
type ClientError = Error & { code?: string; reason?: unknown };

/** Whether node refused the request (llhttp's HPE_ codes, the request timeout), not the socket. */
export function isRefusable(err: ClientError): boolean {
  return err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || (err.code?.startsWith('HPE_') ?? false);
}

/** The answer to a refused request, by node's error code: the statuses node itself answers with. */
export function refusalOf(err: ClientError): Refusal {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return refused(
        'headers_too_large',
        `Request headers are larger than the ${maxHeaderSize} bytes this server accepts`,
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return refused('payload_too_large', 'Chunk extensions are larger than this server accepts');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refused('request_timeout', 'The request did not arrive completely in time');
    default: {
      // llhttp's reasons are fixed texts ("Invalid method encountered"), never the request's bytes.
      const reason = typeof err.reason === 'string' ? err.reason : err.message;
      return refused('bad_request', `Malformed HTTP request: ${reason}`);
    }
  }
}

/** The complete HTTP/1.1 answer to a refused request; the connection is closed after it. */
export function refusalResponse(refusal: Refusal, now = new Date()): string {
  const status = HTTP_STATUS[refusal.code];
  const body: ErrorBody = { error: { code: refusal.code, message: refusal.message } };
  const json = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    `Date: ${now.toUTCString()}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${head.join('\r\n')}\r\n\r\n${json}`;
}

/**
 * Whether an earlier request's answer on this connection has begun: then a second status line
 * would corrupt it. node's own check (socketOnError in lib/_http_server.js); `_httpMessage` is
 * its internal, read without trusting its type.
 */
function answerStarted(socket: Duplex): boolean {
  const current: unknown = Reflect.get(socket, '_httpMessage');
  return current instanceof ServerResponse && current.headersSent;
}

/**
 * Answers what node's parser refuses on `server` (see the module comment), logged as one warning
 * line without a stack. A connection that can no longer be written to is closed without an
 * answer; a socket error that is no refusal (a reset, EPIPE) is neither answered nor logged.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (err: ClientError, socket: Duplex) => {
    // Only what the parser refused, or a request that timed out, is answered and logged; a reset,
    // or a write error (EPIPE) on a connection whose answer is under way, is a client gone.
    if (!isRefusable(err)) {
      socket.destroy();
      return;
    }
    const refusal = refusalOf(err);
    const answered = socket.writable && !answerStarted(socket);
    logger.warn(
      { status: HTTP_STATUS[refusal.code], code: err.code, reason: refusal.message, answered },
      'malformed request refused',
    );
    if (!answered) {
      socket.destroy();
      return;
    }
    // Closed once the answer is written: the server's sockets are half-open, and a client that
    // never closes its side would otherwise hold this one.
    socket.end(refusalResponse(refusal), () => socket.destroy());
  });
}
