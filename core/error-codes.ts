/**
 * Every error code the API answers with (`{ error: { code, message } }`). The codes are stable:
 * the web shows a German text per code (web/lib/error-text.ts), the server fixes one HTTP status
 * per code (server/errors.ts). The `message` beside the code is for logs and API clients.
 */
export const ERROR_CODES = [
  // the request itself
  'bad_request',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'headers_too_large',
  'request_timeout',
  'export_too_large',
  'upload_interrupted',
  // who is asking
  'unauthorized',
  'invalid_token',
  'forbidden',
  'csrf',
  'too_many_failures',
  'sign_in_failed',
  'oidc_disabled',
  'oidc_unavailable',
  // what was asked for
  'no_data',
  'region_not_found',
  'goal_not_found',
  'indicator_not_found',
  'jobcenter_not_found',
  'comment_not_found',
  'mapping_not_found',
  'mute_not_found',
  'recipient_not_found',
  'user_not_found',
  'token_not_found',
  'session_not_found',
  'job_not_found',
  // writes
  'invalid_target',
  'mapping_name_taken',
  'recipient_exists',
  'file_rejected',
  'import_busy',
  'database_busy',
  'database_unavailable',
  'preview_busy',
  // the server
  'upload_storage',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(s: string): s is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(s);
}
