/**
 * The two sign-in credentials, a browser session (its cookie) and a personal API token: only the
 * hash of the secret is stored; a sign-in finds the credential by that hash with its owner, marks
 * its last use (at most once a minute, so that reads stay cheap), and revoking stamps it once.
 */
import type { Kysely } from 'kysely';
import { isBusyError } from '../busy.js';
import type { Database } from '../schema.js';
import { stampOnce, touchEveryMinute } from './stamps.js';

export type CredentialKind = 'session' | 'token';

/** What a sign-in reads of the credential's owner (users as u). */
const OWNER = ['u.name as user_name', 'u.disabled as user_disabled'] as const;

/** The session with this hash and its owner (revoked and expired ones too: the caller decides). */
export async function findSession(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select([...OWNER, 'u.role as user_role', 'u.mapped_role as user_mapped_role'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** The token with this hash and its owner (revoked and expired ones too: the caller decides). */
export async function findApiToken(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('t')
    .select([
      ...OWNER,
      'u.role as user_role',
      'u.mapped_role as user_mapped_role',
      'u.source as user_source',
      'u.last_seen_at as user_last_seen_at',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/**
 * Last use (a session's idle timeout counts from it), written when empty or over a minute old.
 * `lastSeen` is the value read with the credential: when it is recent, nothing is written, so a
 * signed-in person's reads take no write lock. A database busy with an import leaves the stamp for
 * a later request: a person's reading must not fail (503) because of an import, and an idle
 * window of SESSION_IDLE_MINUTES is not shortened noticeably by one import's duration.
 */
export async function touchCredential(
  db: Kysely<Database>,
  kind: CredentialKind,
  id: number,
  now: Date,
  lastSeen: string | null,
): Promise<void> {
  const seen =
    kind === 'session'
      ? ({ table: 'sessions', column: 'last_seen_at' } as const)
      : ({ table: 'api_tokens', column: 'last_used_at' } as const);
  try {
    await touchEveryMinute(db, seen, id, now, lastSeen);
  } catch (e) {
    if (!isBusyError(e)) throw e;
  }
}

/** Revokes the credential now; false: no such one, or revoked before. */
export function revokeCredential(db: Kysely<Database>, kind: CredentialKind, id: number, now: Date) {
  return stampOnce(
    db,
    { table: kind === 'session' ? 'sessions' : 'api_tokens', column: 'revoked_at' },
    id,
    now,
  );
}
