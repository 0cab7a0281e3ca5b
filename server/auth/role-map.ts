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

export interface MappingKeys {
  userNames: readonly string[];
  groups: readonly string[];
}

type MappingRow = { kind: 'user' | 'group'; value: string; role: Role };

/** The highest role the static map and these admin-page mappings give (null: none). */
function roleFrom(map: StaticRoleMap, rows: readonly MappingRow[], who: MappingKeys): Role | null {
  // '*' as a group: everyone who signed in.
  const groups = [...who.groups, '*'];
  const found: (Role | undefined)[] = [
    ...who.userNames.map((u) => map.users.get(u)),
    ...groups.map((g) => map.groups.get(g)),
  ];
  for (const r of rows) {
    if (r.kind === 'user' ? who.userNames.includes(r.value) : groups.includes(r.value)) found.push(r.role);
  }
  return highestRole(found);
}

/** The highest role the mappings give these user names and groups (null: none). */
export async function mappedRole(
  db: Kysely<Database>,
  map: StaticRoleMap,
  who: MappingKeys,
): Promise<Role | null> {
  const values = [...who.userNames, ...who.groups, '*'];
  const rows = await db
    .selectFrom('role_mappings')
    .select(['kind', 'value', 'role'])
    .where('value', 'in', values)
    .execute();
  return roleFrom(map, rows, who);
}

/**
 * What a stored user is matched by: the proxy user's name; an OIDC user's user names and groups of
 * the last sign-in (`claims`). A person who signed in before the claims were stored is matched by
 * the e-mail address only (no groups) until the next sign-in: a change of the mappings must not
 * leave them a role that no mapping gives any more.
 */
export function mappingKeysOf(user: {
  source: string;
  external_id: string;
  email: string | null;
  claims: string | null;
}): MappingKeys | null {
  if (user.source === 'proxy') return { userNames: [user.external_id.slice('proxy:'.length)], groups: [] };
  if (user.source !== 'oidc') return null;
  try {
    const parsed = JSON.parse(user.claims ?? 'null') as Partial<MappingKeys> | null;
    if (parsed && Array.isArray(parsed.userNames) && Array.isArray(parsed.groups)) {
      return { userNames: parsed.userNames.map(String), groups: parsed.groups.map(String) };
    }
  } catch {
    // Not JSON: treated as unknown below.
  }
  return { userNames: user.email === null ? [] : [user.email], groups: [] };
}

/**
 * Works out every signed-in person's mapped role again from the current mappings (after an admin
 * changed them): sessions and tokens read `users.mapped_role`, so the change holds for the next
 * request of every person on every instance. Run it in the transaction that changes the mappings.
 * Returns how many people's role changed.
 */
export async function recomputeMappedRoles(db: Kysely<Database>, map: StaticRoleMap): Promise<number> {
  const rows = await db.selectFrom('role_mappings').select(['kind', 'value', 'role']).execute();
  const users = await db
    .selectFrom('users')
    .select(['id', 'source', 'external_id', 'email', 'claims', 'mapped_role'])
    .where('source', 'in', ['oidc', 'proxy'])
    .execute();
  let changed = 0;
  for (const u of users) {
    const keys = mappingKeysOf(u);
    if (keys === null) continue;
    const role = roleFrom(map, rows, keys);
    if (role === u.mapped_role) continue;
    await db.updateTable('users').set({ mapped_role: role }).where('id', '=', u.id).execute();
    changed++;
  }
  return changed;
}

/** The role in force: the one an admin set on the user, else the mapped one. */
export function effectiveRole(user: { role: Role | null; mapped_role: Role | null }): Role | null {
  return user.role ?? user.mapped_role;
}
