/**
 * Bearer-token guard for every write. The token is compared in constant time on SHA-256 digests
 * (equal length whatever the input, so neither content nor length leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { AppEnv } from './env.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function requireAdmin(adminToken: string | null): MiddlewareHandler<AppEnv> {
  const expected = adminToken === null ? null : digest(adminToken);
  return async (c, next) => {
    if (expected === null) {
      throw new ApiError(
        403,
        'writes_disabled',
        'Writes are disabled: no ADMIN_TOKEN is configured on the server.',
      );
    }
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      c.header('WWW-Authenticate', 'Bearer realm="zielmonitor"');
      throw new ApiError(
        401,
        'unauthorized',
        'Authorization header missing: send "Authorization: Bearer <token>".',
      );
    }
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const given = match?.[1]?.trim() ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      throw new ApiError(403, 'forbidden', 'The admin token is not valid.');
    }
    await next();
  };
}
