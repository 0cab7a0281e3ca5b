/** Test principals: personal tokens of each role (and expired, revoked ones) on a fixture database. */

import { newApiToken, randomSecret, sha256Hex } from '../../server/auth/secrets.js';
import { issueToken } from '../../server/auth/tokens.js';
import { revokeCredential } from '../../server/db/repositories/credentials.js';
import { createSession } from '../../server/db/repositories/sessions.js';
import { createApiToken, upsertUser } from '../../server/db/repositories/users.js';
import type { Role } from '../../server/db/schema.js';
import type { TestContext } from '../api/fixture.js';

export interface TestToken {
  token: string;
  userId: number;
  tokenId: number;
}

export async function tokenFor(ctx: TestContext, user: string, role: Role): Promise<TestToken> {
  const issued = await issueToken(
    ctx.db.db,
    { user, role, name: 'Test', expiresInDays: 30, by: 'test' },
    ctx.deps.clock(),
  );
  return { token: issued.token, userId: issued.info.userId, tokenId: issued.info.id };
}

export async function expiredToken(ctx: TestContext, role: Role): Promise<string> {
  const now = ctx.deps.clock();
  const user = await upsertUser(
    ctx.db.db,
    { externalId: 'local:ehemalig', name: 'ehemalig', email: null, source: 'local', mappedRole: null },
    now,
  );
  const token = newApiToken();
  await createApiToken(
    ctx.db.db,
    {
      tokenHash: sha256Hex(token),
      userId: user.id,
      name: 'abgelaufen',
      role,
      expiresAt: new Date(now.getTime() - 1000).toISOString(),
      by: 'test',
    },
    now,
  );
  return token;
}

export async function revokedToken(ctx: TestContext, role: Role): Promise<string> {
  const t = await tokenFor(ctx, 'widerrufen', role);
  await revokeCredential(ctx.db.db, 'token', t.tokenId, ctx.deps.clock());
  return t.token;
}

/** A browser session of a new user with this role; returns the cookie value. */
export async function sessionFor(
  ctx: TestContext,
  name: string,
  role: Role | null,
  times: { createdAt?: Date; lastSeenAt?: Date; expiresAt?: Date } = {},
): Promise<{ cookie: string; userId: number; sessionId: number }> {
  const now = ctx.deps.clock();
  const user = await upsertUser(
    ctx.db.db,
    { externalId: `oidc:test|${name}`, name, email: null, source: 'oidc', mappedRole: role },
    times.lastSeenAt ?? now,
  );
  const cookie = randomSecret();
  const sessionId = await createSession(
    ctx.db.db,
    {
      tokenHash: sha256Hex(cookie),
      userId: user.id,
      expiresAt: (times.expiresAt ?? new Date(now.getTime() + 3_600_000)).toISOString(),
      address: null,
      userAgent: null,
    },
    times.lastSeenAt ?? now,
  );
  return { cookie, userId: user.id, sessionId };
}
