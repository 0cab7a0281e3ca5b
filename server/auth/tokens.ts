/** Issuing personal API tokens (admin page and `npm run user -- token create`). */
import type { Kysely } from 'kysely';
import { type ApiTokenInfo, createApiToken, findUserByName, upsertUser } from '../db/repositories/users.js';
import type { Database, Role } from '../db/schema.js';
import { newApiToken, sha256Hex } from './secrets.js';

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  token: string;
  info: ApiTokenInfo;
}

/**
 * A new token for the user of this name (created as a local user when there is none). Only its
 * SHA-256 is stored.
 */
export async function issueToken(
  db: Kysely<Database>,
  input: { user: string; role: Role; name: string; expiresInDays: number | null; by: string },
  now: Date,
): Promise<IssuedToken> {
  const user =
    (await findUserByName(db, input.user)) ??
    (await upsertUser(
      db,
      { externalId: `local:${input.user}`, name: input.user, email: null, source: 'local', mappedRole: null },
      now,
    ));
  const token = newApiToken();
  const expiresAt =
    input.expiresInDays === null
      ? null
      : new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString();
  const info = await createApiToken(
    db,
    {
      tokenHash: sha256Hex(token),
      userId: user.id,
      name: input.name,
      role: input.role,
      expiresAt,
      by: input.by,
    },
    now,
  );
  return { token, info };
}
