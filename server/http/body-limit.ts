import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';
import type { AppEnv } from './env.js';

/** The one 413 of a body, file or upload over its limit. */
export function payloadTooLarge(what: string, maxBytes: number): ApiError {
  return new ApiError(413, 'payload_too_large', `${what} is larger than the limit of ${maxBytes} bytes.`);
}

/** Refuses bodies over `maxBytes` with 413 through the one error path (checked while streaming). */
export function limitBody(maxBytes: number, what = 'Request body'): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(what, maxBytes);
    },
  });
}
