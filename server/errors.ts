/**
 * The HTTP side of errors, in one place: the status of every error code, and `ApiError` for the
 * failures found at the HTTP edge (routes, auth, request checks). Services throw `DomainError`
 * (server/domain/errors.ts) and never import this module (the layer test forbids it); the
 * error handler (server/http/errors.ts) maps both to `{ error: { code, message } }`.
 */
import type { ErrorCode } from '../core/error-codes.js';
import { DomainError } from './domain/errors.js';

export type HttpErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 422 | 429 | 431 | 500 | 503;

/** The HTTP status of each error code. */
export const HTTP_STATUS = {
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  headers_too_large: 431,
  request_timeout: 408,
  export_too_large: 422,
  upload_interrupted: 400,
  unauthorized: 401,
  invalid_token: 401,
  forbidden: 403,
  csrf: 403,
  too_many_failures: 429,
  sign_in_failed: 400,
  oidc_disabled: 404,
  oidc_unavailable: 503,
  no_data: 404,
  region_not_found: 404,
  goal_not_found: 404,
  indicator_not_found: 404,
  jobcenter_not_found: 404,
  comment_not_found: 404,
  mapping_not_found: 404,
  mute_not_found: 404,
  recipient_not_found: 404,
  user_not_found: 404,
  token_not_found: 404,
  session_not_found: 404,
  job_not_found: 404,
  invalid_target: 422,
  mapping_name_taken: 409,
  recipient_exists: 409,
  file_rejected: 422,
  import_busy: 409,
  database_busy: 503,
  database_unavailable: 503,
  preview_busy: 503,
  upload_storage: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, HttpErrorStatus>;

/**
 * A failure found at the HTTP edge. The status is written at the throw site for the reader and
 * checked by the compiler against `HTTP_STATUS` (`new ApiError(404, 'csrf', …)` does not compile).
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends DomainError {
  constructor(
    readonly status: (typeof HTTP_STATUS)[C],
    override readonly code: C,
    message: string,
    details?: unknown,
  ) {
    super(code, message, details);
    this.name = 'ApiError';
  }
}

/** The status an error answers with. */
export function httpStatusOf(err: DomainError): HttpErrorStatus {
  return HTTP_STATUS[err.code];
}
