/**
 * Which role a person gets from the mappings: user names and group (claim) values, from three
 * places that add up: OIDC_ROLE_MAP (groups), the ROLE_MAP_FILE, and the admin page. The highest
 * role found wins; a role an admin set on the user directly overrides all of them.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, Role } from '../db/schema.js';
import { highestRole, roleSchema } from './roles.js';

export interface StaticRoleMap {
  users: ReadonlyMap<string, Role>;
  groups: ReadonlyMap<string, Role>;
}

const fileSchema = z
  .object({
    users: z.record(z.string().min(1), roleSchema).optional(),
    groups: z.record(z.string().min(1), roleSchema).optional(),
  })
  .strict();

/** Thrown at start-up when the ROLE_MAP_FILE cannot be used; names the file and the problem. */
export class RoleMapError extends Error {
  constructor(file: string, problem: string) {
    super(`ROLE_MAP_FILE ${file}: ${problem}`);
    this.name = 'RoleMapError';
  }
}

/** OIDC_ROLE_MAP entries ('group=role') and the ROLE_MAP_FILE, merged (highest role per key). */
export function loadStaticRoleMap(oidcRoleMap: readonly string[], file: string | null): StaticRoleMap {
  const users = new Map<string, Role>();
  const groups = new Map<string, Role>();
  const put = (map: Map<string, Role>, key: string, role: Role) =>
    map.set(key, highestRole([map.get(key), role]) ?? role);
  for (const entry of oidcRoleMap) {
    const i = entry.lastIndexOf('=');
    const role = roleSchema.safeParse(entry.slice(i + 1));
    if (i > 0 && role.success) put(groups, entry.slice(0, i), role.data);
  }
  if (file !== null) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new RoleMapError(file, err instanceof Error ? err.message : String(err));
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new RoleMapError(file, `${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
    }
    for (const [k, r] of Object.entries(parsed.data.users ?? {})) put(users, k, r);
    for (const [k, r] of Object.entries(parsed.data.groups ?? {})) put(groups, k, r);
  }
  return { users, groups };
}

/** The highest role the mappings give these user names and groups (null: none). */
export async function mappedRole(
  db: Kysely<Database>,
  map: StaticRoleMap,
  who: { userNames: readonly string[]; groups: readonly string[] },
): Promise<Role | null> {
  // '*' as a group: everyone who signed in.
  who = { userNames: who.userNames, groups: [...who.groups, '*'] };
  const found: (Role | undefined)[] = [
    ...who.userNames.map((u) => map.users.get(u)),
    ...who.groups.map((g) => map.groups.get(g)),
  ];
  const keys = [
    ...who.userNames.map((v) => ({ kind: 'user' as const, v })),
    ...who.groups.map((v) => ({ kind: 'group' as const, v })),
  ];
  if (keys.length > 0) {
    const rows = await db
      .selectFrom('role_mappings')
      .select(['kind', 'value', 'role'])
      .where(
        'value',
        'in',
        keys.map((k) => k.v),
      )
      .execute();
    for (const r of rows) if (keys.some((k) => k.kind === r.kind && k.v === r.value)) found.push(r.role);
  }
  return highestRole(found);
}

/** The role in force: the one an admin set on the user, else the mapped one. */
export function effectiveRole(user: { role: Role | null; mapped_role: Role | null }): Role | null {
  return user.role ?? user.mapped_role;
}
