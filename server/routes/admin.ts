/**
 * The admin API behind /verwaltung (role admin): users and their roles, role mappings, personal
 * tokens, browser sessions, and the audit log (JSON or CSV).
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ONE_LINE_RE } from '../../core/text.js';
import { actorName, audit } from '../auth/audit.js';
import { requireRole } from '../auth/middleware.js';
import { recomputeMappedRoles } from '../auth/role-map.js';
import { roleSchema } from '../auth/roles.js';
import type { Auth } from '../auth/service.js';
import { issueToken } from '../auth/tokens.js';
import { listAudit } from '../db/repositories/audit.js';
import { type CredentialKind, revokeCredential } from '../db/repositories/credentials.js';
import { listActiveSessions } from '../db/repositories/sessions.js';
import {
  deleteRoleMapping,
  listApiTokens,
  listRoleMappings,
  listUsers,
  setRoleMapping,
  toUserInfo,
  updateUser,
} from '../db/repositories/users.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { fromNotAfterTo, idParamOf } from '../http/schemas.js';
import { validate } from '../http/validate.js';
import { auditToCsv } from './admin-csv.js';

/** Admin bodies are small; the limit only stops floods. */
const BODY_LIMIT = 64 * 1024;
/** A calendar day: the shape, and a day that exists (2024-13-45 and 2023-02-29 are refused). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'must be a day of the calendar');
export const idParam = idParamOf('an id');
const name = z.string().trim().min(1).max(200).regex(ONE_LINE_RE, 'must not contain control characters');

export const userPatchBody = z
  .object({
    role: roleSchema.nullable().optional().describe('Role set by hand; null: from the mappings'),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, 'must set role or disabled')
  .describe("Change a user's role or disable the user");
export const roleMappingBody = z.object({
  kind: z.enum(['user', 'group']),
  value: name.describe("A user name, a group/claim value, or '*' for everyone signed in"),
  role: roleSchema,
});
export const tokenBody = z.object({
  user: name.describe('User name (created as a local user when unknown)'),
  userId: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('The user by id: needed when two people share the name'),
  name: name.describe('What the token is for, e.g. "Import-Skript"'),
  role: roleSchema,
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .optional()
    .describe('Unset: 90 days; null: never'),
});
export const auditQuery = z
  .object({
    // No control characters: no actor name holds one, and PostgreSQL refuses NUL in text (→ 500).
    actor: z.string().max(200).regex(ONE_LINE_RE, 'must not contain control characters').optional(),
    action: z
      .string()
      .regex(/^[a-z_.]{1,64}$/, 'must be an action such as comment.create or comment')
      .optional(),
    from: day.optional(),
    to: day.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 1 to 10000')
      .transform(Number)
      .pipe(z.number().int().min(1).max(10_000))
      .optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .refine(...fromNotAfterTo);

/** The answer when there is no active token or session with the id to revoke. */
const NOT_ACTIVE: Record<CredentialKind, (id: number) => ApiError> = {
  token: (id) => new ApiError(404, 'token_not_found', `No active token with id ${id}`),
  session: (id) => new ApiError(404, 'session_not_found', `No active session with id ${id}`),
};

export function adminRoutes(deps: AppDeps, auth: Auth) {
  const admin = requireRole(deps, 'admin');
  const db = deps.db.db;
  /** Ends a token or a session now (404 when there is no active one with that id), audited. */
  const revoke = async (c: Context<AppEnv>, kind: CredentialKind, id: number) => {
    if (!(await revokeCredential(db, kind, id, deps.clock()))) throw NOT_ACTIVE[kind](id);
    await audit(deps, auth, c, `${kind}.revoke`, `${kind} ${id}`);
    return id;
  };
  return new Hono<AppEnv>()
    .use('*', admin)
    .get('/users', async (c) => c.json({ users: await listUsers(db) }))
    .patch(
      '/users/:id',
      limitBody(BODY_LIMIT),
      validate('param', idParam),
      validate('json', userPatchBody),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const user = await updateUser(db, id, body);
        if (!user) throw new ApiError(404, 'user_not_found', `No user with id ${id}`);
        await audit(deps, auth, c, 'user.update', user.name, { id, ...body });
        return c.json({ user: toUserInfo(user) });
      },
    )
    .get('/role-mappings', async (c) => c.json({ mappings: await listRoleMappings(db) }))
    .put('/role-mappings', limitBody(BODY_LIMIT), validate('json', roleMappingBody), async (c) => {
      const body = c.req.valid('json');
      // One transaction: no mapping change without everyone's role worked out again.
      const { mapping, changed } = await db.transaction().execute(async (trx) => ({
        mapping: await setRoleMapping(trx, { ...body, by: actorName(c, null) ?? 'admin' }, deps.clock()),
        changed: await recomputeMappedRoles(trx, auth.roleMap),
      }));
      await audit(deps, auth, c, 'user.role_mapping', `${body.kind} ${body.value}`, {
        role: body.role,
        usersChanged: changed,
      });
      return c.json({ mapping });
    })
    .delete('/role-mappings/:id', validate('param', idParam), async (c) => {
      const { id } = c.req.valid('param');
      const changed = await db
        .transaction()
        .execute(async (trx) =>
          (await deleteRoleMapping(trx, id)) ? recomputeMappedRoles(trx, auth.roleMap) : null,
        );
      if (changed === null) throw new ApiError(404, 'mapping_not_found', `No mapping ${id}`);
      await audit(deps, auth, c, 'user.role_mapping_delete', `mapping ${id}`, { usersChanged: changed });
      return c.json({ deleted: id });
    })
    .get('/tokens', async (c) => c.json({ tokens: await listApiTokens(db) }))
    .post('/tokens', limitBody(BODY_LIMIT), validate('json', tokenBody), async (c) => {
      const body = c.req.valid('json');
      const issued = await issueToken(
        db,
        {
          user: body.user,
          ...(body.userId !== undefined ? { userId: body.userId } : {}),
          role: body.role,
          name: body.name,
          expiresInDays: body.expiresInDays === undefined ? 90 : body.expiresInDays,
          by: actorName(c, null) ?? 'admin',
        },
        deps.clock(),
      );
      await audit(deps, auth, c, 'token.create', `token ${issued.info.id}`, {
        user: issued.info.user,
        name: issued.info.name,
        role: issued.info.role,
        expiresAt: issued.info.expiresAt,
      });
      return c.json({ token: issued.token, info: issued.info }, 201);
    })
    .delete('/tokens/:id', validate('param', idParam), async (c) =>
      c.json({ revoked: await revoke(c, 'token', c.req.valid('param').id) }),
    )
    .get('/sessions', async (c) => c.json({ sessions: await listActiveSessions(db, deps.clock()) }))
    .delete('/sessions/:id', validate('param', idParam), async (c) =>
      c.json({ revoked: await revoke(c, 'session', c.req.valid('param').id) }),
    )
    .get('/audit', validate('query', auditQuery), async (c) => {
      const q = c.req.valid('query');
      const entries = await listAudit(db, {
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        limit: q.limit ?? (q.format === 'csv' ? 10_000 : 200),
      });
      if (q.format === 'csv') {
        return c.body(auditToCsv(entries), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': 'attachment; filename="zielmonitor-protokoll.csv"',
        });
      }
      return c.json({ entries });
    });
}
