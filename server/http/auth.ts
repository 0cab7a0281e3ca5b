/**
 * Constant-time comparison of the break-glass ADMIN_TOKEN, on SHA-256 digests (equal length
 * whatever the input, so neither content nor length leaks through timing). The role checks are
 * in server/auth/middleware.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when `given` equals `expected`, in time independent of where they differ. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
