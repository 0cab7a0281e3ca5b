/** People, their role mappings and personal API tokens. */
import type { Kysely } from 'kysely';
import type { Database, Role, User, UserSource } from '../schema.js';

export interface UserInfo {
  id: number;
  name: string;
  email: string | null;
  source: UserSource;
  /** Role set by an admin (null: from the mappings). */
  role: Role | null;
  /** Role from the mappings at the last sign-in. */
  mappedRole: Role | null;
  disabled: boolean;
  createdAt: string;
  lastSeenAt: string | null;
}

export function toUserInfo(u: User): UserInfo {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    source: u.source,
    role: u.role,
    mappedRole: u.mapped_role,
    disabled: u.disabled === 1,
    createdAt: u.created_at,
    lastSeenAt: u.last_seen_at,
  };
}

export async function getUser(db: Kysely<Database>, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every user of this display name (names are not unique: two people may share one). */
export async function findUsersByName(db: Kysely<Database>, name: string): Promise<User[]> {
  return db.selectFrom('users').selectAll().where('name', '=', name).orderBy('id').execute();
}

export async function findUserByExternalId(
  db: Kysely<Database>,
  externalId: string,
): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>): Promise<UserInfo[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toUserInfo);
}

/**
 * The user with this external id, created or updated (name, e-mail, mapped role, last seen).
 * Used at every sign-in, so a renamed person or a changed group shows at once.
 */
export async function upsertUser(
  db: Kysely<Database>,
  input: {
    externalId: string;
    name: string;
    email: string | null;
    source: UserSource;
    mappedRole: Role | null;
    /** JSON user names and groups of an OIDC sign-in (kept as they are when not given). */
    claims?: string;
  },
  now: Date,
): Promise<User> {
  const at = now.toISOString();
  await db
    .insertInto('users')
    .values({
      external_id: input.externalId,
      name: input.name,
      email: input.email,
      source: input.source,
      mapped_role: input.mappedRole,
      claims: input.claims ?? null,
      role: null,
      disabled: 0,
      created_at: at,
      last_seen_at: at,
    })
    .onConflict((oc) =>
      oc.column('external_id').doUpdateSet({
        name: input.name,
        email: input.email,
        mapped_role: input.mappedRole,
        ...(input.claims !== undefined ? { claims: input.claims } : {}),
        last_seen_at: at,
      }),
    )
    .execute();
  return db
    .selectFrom('users')
    .selectAll()
    .where('external_id', '=', input.externalId)
    .executeTakeFirstOrThrow();
}

/** A new display name (a person the identity provider sent no usable name for). */
export async function renameUser(db: Kysely<Database>, id: number, name: string): Promise<User | undefined> {
  await db.updateTable('users').set({ name }).where('id', '=', id).execute();
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sets the role an admin chose (null: back to the mappings) and the disabled flag. */
export async function updateUser(
  db: Kysely<Database>,
  id: number,
  patch: { role?: Role | null; disabled?: boolean },
): Promise<User | undefined> {
  const set: { role?: Role | null; disabled?: number } = {};
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  if (Object.keys(set).length > 0) await db.updateTable('users').set(set).where('id', '=', id).execute();
  return getUser(db, id);
}

// ---------------------------------------------------------------------------------------------
// Role mappings (admin page)

export interface RoleMappingInfo {
  id: number;
  kind: 'user' | 'group';
  value: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
}

export async function listRoleMappings(db: Kysely<Database>): Promise<RoleMappingInfo[]> {
  const rows = await db.selectFrom('role_mappings').selectAll().orderBy('kind').orderBy('value').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    value: r.value,
    role: r.role,
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

export async function setRoleMapping(
  db: Kysely<Database>,
  input: { kind: 'user' | 'group'; value: string; role: Role; by: string },
  now: Date,
): Promise<RoleMappingInfo> {
  await db
    .insertInto('role_mappings')
    .values({
      kind: input.kind,
      value: input.value,
      role: input.role,
      created_at: now.toISOString(),
      created_by: input.by,
    })
    .onConflict((oc) =>
      oc
        .columns(['kind', 'value'])
        .doUpdateSet({ role: input.role, created_at: now.toISOString(), created_by: input.by }),
    )
    .execute();
  const all = await listRoleMappings(db);
  const found = all.find((m) => m.kind === input.kind && m.value === input.value);
  if (!found) throw new Error('role mapping vanished after saving');
  return found;
}

export async function deleteRoleMapping(db: Kysely<Database>, id: number): Promise<boolean> {
  const res = await db.deleteFrom('role_mappings').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

// ---------------------------------------------------------------------------------------------
// Personal API tokens

export interface ApiTokenInfo {
  id: number;
  userId: number;
  user: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function createApiToken(
  db: Kysely<Database>,
  input: {
    tokenHash: string;
    userId: number;
    name: string;
    role: Role;
    expiresAt: string | null;
    by: string;
  },
  now: Date,
): Promise<ApiTokenInfo> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      token_hash: input.tokenHash,
      user_id: input.userId,
      name: input.name,
      role: input.role,
      created_at: now.toISOString(),
      created_by: input.by,
      expires_at: input.expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const info = (await listApiTokens(db)).find((t) => t.id === row.id);
  if (!info) throw new Error('token vanished after saving');
  return info;
}

export async function listApiTokens(db: Kysely<Database>): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.user_id',
      'u.name as user',
      't.name',
      't.role',
      't.created_at',
      't.created_by',
      't.expires_at',
      't.last_used_at',
      't.revoked_at',
    ])
    .orderBy('t.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    user: r.user,
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}
