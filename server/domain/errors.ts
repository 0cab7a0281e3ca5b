/**
 * What a service reports when it cannot answer: a domain error with a stable code from the one
 * registry (core/error-codes.ts). Services, repositories and the ETL throw it; they know nothing
 * of HTTP. The API's error handler maps the code to a status (server/errors.ts) and answers
 * `{ error: { code, message } }`.
 */
import type { ErrorCode } from '../../core/error-codes.js';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Machine-readable facts for API clients (e.g. the rows of a rejected file). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
