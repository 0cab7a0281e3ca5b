/**
 * The one error path of the API: every failure leaves as `{ error: { code, message } }`.
 * 4xx are the caller's problem and are not logged as errors; 5xx are logged with context.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../core/error-codes.js';
import { DatabaseBusyError, isBusyError } from '../db/busy.js';
import { isUnavailableError } from '../db/unavailable.js';
import { DomainError } from '../domain/errors.js';
import { HTTP_STATUS, type HttpErrorStatus, httpStatusOf } from '../errors.js';
import type { AppEnv } from './env.js';

export const errorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Turns a zod error into one sentence that names each bad parameter. */
export function describeZodError(
  where: string,
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return `Invalid ${where}: ${parts.join('; ')}`;
}

function errorJson(c: Context, status: HttpErrorStatus, code: ErrorCode, message: string, details?: unknown) {
  const body: ErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
  return c.json(body, status);
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof DatabaseBusyError || isBusyError(err)) {
    // An import (the import worker or another process) holds the write lock: try again shortly.
    const retry = err instanceof DatabaseBusyError ? err.retryAfterSeconds : 5;
    c.header('Retry-After', String(retry));
    c.var.logger?.warn({ path: c.req.path, method: c.req.method }, 'database busy: answered 503');
    return errorJson(
      c,
      HTTP_STATUS.database_busy,
      'database_busy',
      err instanceof DatabaseBusyError ? err.message : new DatabaseBusyError(retry).message,
    );
  }
  if (isUnavailableError(err)) {
    c.header('Retry-After', '5');
    c.var.logger?.error(
      { err, path: c.req.path, method: c.req.method },
      'database unreachable: answered 503',
    );
    return errorJson(
      c,
      HTTP_STATUS.database_unavailable,
      'database_unavailable',
      'Die Datenbank ist gerade nicht erreichbar. Bitte in einigen Sekunden erneut versuchen.',
    );
  }
  if (err instanceof DomainError) {
    // A service's domain error or a route's ApiError: the code decides the status.
    const status = httpStatusOf(err);
    // Previews refused while every place is taken are load shed on purpose: a warning without a
    // stack. Other 5xx (storage full, identity provider down) are faults for IT to see.
    if (err.code === 'preview_busy') c.var.logger?.warn({ code: err.code, path: c.req.path }, err.message);
    else if (status >= 500) c.var.logger?.error({ err, path: c.req.path }, err.message);
    return errorJson(c, status, err.code, err.message, err.details);
  }
  if (err instanceof z.ZodError) {
    return errorJson(c, 400, 'bad_request', describeZodError('input', err));
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. a malformed JSON body in a validator).
    const status = err.status === 413 ? 413 : err.status === 401 ? 401 : err.status === 403 ? 403 : 400;
    return errorJson(
      c,
      status,
      status === 413 ? 'payload_too_large' : 'bad_request',
      err.message || 'Bad request',
    );
  }
  const logger = c.var.logger;
  logger?.error(
    { err, method: c.req.method, path: c.req.path, requestId: c.var.requestId },
    'unhandled error while answering a request',
  );
  return errorJson(c, 500, 'internal', 'Internal server error');
};

/**
 * No route answered: 405 with Allow when the path exists for other methods (POST /api/goals),
 * else 404.
 */
export function apiNotFound(allowed: (path: string) => string[]): NotFoundHandler<AppEnv> {
  return (c) => {
    const methods = c.req.path.startsWith('/api/') ? allowed(c.req.path) : [];
    if (methods.length > 0 && !methods.includes(c.req.method)) {
      c.header('Allow', methods.join(', '));
      return errorJson(
        c,
        405,
        'method_not_allowed',
        `${c.req.method} is not answered at ${c.req.path} (it answers ${methods.join(', ')})`,
      );
    }
    return errorJson(c, 404, 'not_found', `No such endpoint: ${c.req.method} ${c.req.path}`);
  };
}
