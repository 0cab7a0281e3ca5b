/** Issuing personal API tokens (admin page and `npm run user -- token create`). */
import type { Kysely } from 'kysely';
import {
  type ApiTokenInfo,
  createApiToken,
  findUsersByName,
  getUser,
  upsertUser,
} from '../db/repositories/users.js';
import type { Database, Role } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newApiToken, sha256Hex } from './secrets.js';

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  token: string;
  info: ApiTokenInfo;
}

/** The owner of a new token: by id, else the one user of that name (two of one name: refused). */
async function tokenOwner(db: Kysely<Database>, input: { user: string; userId?: number | undefined }) {
  if (input.userId !== undefined) {
    const byId = await getUser(db, input.userId);
    if (!byId) throw new ApiError(404, 'user_not_found', `Unknown user: ${input.userId}`);
    return byId;
  }
  const named = await findUsersByName(db, input.user);
  if (named.length > 1) {
    throw new ApiError(
      400,
      'bad_request',
      `${named.length} people are named '${input.user}' (ids ${named.map((u) => u.id).join(', ')}): give userId.`,
    );
  }
  return named[0];
}

/**
 * A new token for the user of this id, or of this name (created as a local user when there is
 * none). Only its SHA-256 is stored.
 */
export async function issueToken(
  db: Kysely<Database>,
  input: {
    user: string;
    userId?: number;
    role: Role;
    name: string;
    expiresInDays: number | null;
    by: string;
  },
  now: Date,
): Promise<IssuedToken> {
  const user =
    (await tokenOwner(db, input)) ??
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
