/**
 * The answer to a request node's parser refuses (server/http/client-error.ts), by node's error
 * code: the status node itself would answer with, the API's error shape, a complete HTTP/1.1
 * message. The socket side is tested against the real server in tests/reliability/client-error.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { isRefusable, refusalOf, refusalResponse } from '../../server/http/client-error.js';
import { errorBodySchema } from '../../server/http/errors.js';

const parseError = (code: string, reason: string) =>
  Object.assign(new Error(`Parse Error: ${reason}`), { code, reason });

describe('refusalOf / refusalResponse', () => {
  test.each([
    [
      parseError('HPE_INVALID_METHOD', 'Invalid method encountered'),
      'HTTP/1.1 400 Bad Request',
      'bad_request',
    ],
    [
      parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char'),
      'HTTP/1.1 400 Bad Request',
      'bad_request',
    ],
    [
      parseError('HPE_HEADER_OVERFLOW', 'Header overflow'),
      'HTTP/1.1 431 Request Header Fields Too Large',
      'headers_too_large',
    ],
    [
      parseError('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'Chunk extensions overflow'),
      'HTTP/1.1 413 Payload Too Large',
      'payload_too_large',
    ],
    [
      Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
      'HTTP/1.1 408 Request Timeout',
      'request_timeout',
    ],
    [new Error('something else'), 'HTTP/1.1 400 Bad Request', 'bad_request'],
  ])('%s → %s', (err, statusLine, code) => {
    const text = refusalResponse(refusalOf(err), new Date('2026-12-03T10:00:00Z'));
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const lines = head.split('\r\n');
    expect(lines[0]).toBe(statusLine);
    expect(lines).toContain('Content-Type: application/json; charset=utf-8');
    expect(lines).toContain('Connection: close');
    expect(lines).toContain('Date: Thu, 03 Dec 2026 10:00:00 GMT');
    expect(lines).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    const parsed = errorBodySchema.strict().parse(JSON.parse(body));
    expect(parsed.error.code).toBe(code);
    if (code === 'bad_request')
      expect(parsed.error.message).toContain(err.message.replace('Parse Error: ', ''));
  });
});

describe('which socket errors are refusals', () => {
  test.each([
    ['HPE_INVALID_METHOD', true],
    ['HPE_HEADER_OVERFLOW', true],
    ['ERR_HTTP_REQUEST_TIMEOUT', true],
    // A client gone while its answer was being written: no "malformed request" in the log.
    ['EPIPE', false],
    ['ECONNRESET', false],
    ['ETIMEDOUT', false],
    [undefined, false],
  ])('%s → %s', (code, expected) => {
    expect(isRefusable(Object.assign(new Error('x'), { code }))).toBe(expected);
  });
});
