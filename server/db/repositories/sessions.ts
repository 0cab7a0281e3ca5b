/** Browser sessions (only the hash of the cookie is stored) and OIDC sign-ins in progress. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface SessionInfo {
  id: number;
  userId: number;
  user: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  address: string | null;
  userAgent: string | null;
}

export async function createSession(
  db: Kysely<Database>,
  input: {
    tokenHash: string;
    userId: number;
    expiresAt: string;
    address: string | null;
    userAgent: string | null;
  },
  now: Date,
): Promise<number> {
  const row = await db
    .insertInto('sessions')
    .values({
      token_hash: input.tokenHash,
      user_id: input.userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: input.expiresAt,
      revoked_at: null,
      address: input.address,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Sessions that are neither revoked nor past their absolute end, newest first. */
export async function listActiveSessions(db: Kysely<Database>, now: Date): Promise<SessionInfo[]> {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      'u.name as user',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      's.address',
      's.user_agent',
    ])
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now.toISOString())
    .orderBy('s.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    user: r.user,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    address: r.address,
    userAgent: r.user_agent,
  }));
}

// ---------------------------------------------------------------------------------------------
// OIDC sign-ins in progress (state, nonce, PKCE verifier), kept for 10 minutes

export const FLOW_TTL_MS = 10 * 60_000;

export async function saveLoginFlow(
  db: Kysely<Database>,
  flow: { state: string; codeVerifier: string; nonce: string; returnTo: string; browserHash: string },
  now: Date,
): Promise<void> {
  await db
    .deleteFrom('login_flows')
    .where('created_at', '<', new Date(now.getTime() - FLOW_TTL_MS).toISOString())
    .execute();
  await db
    .insertInto('login_flows')
    .values({
      state: flow.state,
      code_verifier: flow.codeVerifier,
      nonce: flow.nonce,
      return_to: flow.returnTo,
      created_at: now.toISOString(),
      browser_hash: flow.browserHash,
    })
    .execute();
}

/**
 * The flow of this state, removed in one statement (a state is good for one callback only, also
 * when two instances get it at once); undefined when unknown or old.
 */
export async function takeLoginFlow(db: Kysely<Database>, state: string, now: Date) {
  const row = await db.deleteFrom('login_flows').where('state', '=', state).returningAll().executeTakeFirst();
  if (!row) return undefined;
  if (Date.parse(row.created_at) < now.getTime() - FLOW_TTL_MS) return undefined;
  return {
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    returnTo: row.return_to,
    browserHash: row.browser_hash,
  };
}
