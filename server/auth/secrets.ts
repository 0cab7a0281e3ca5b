/** Random secrets (session cookies, personal tokens) and the hashes they are stored as. */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of personal API tokens, so that they are recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'zm_';

/** 256 random bits, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${randomSecret()}`;
}

/** SHA-256 in hex: what the database keeps instead of a token or session id. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
