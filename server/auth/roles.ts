/** The three roles, each including the one before: viewer < controller < admin. */
import { z } from 'zod';
import type { Role } from '../db/schema.js';

export type { Role };

export const ROLES = ['viewer', 'controller', 'admin'] as const satisfies readonly Role[];
export const roleSchema = z.enum(ROLES);

const RANK: Record<Role, number> = { viewer: 1, controller: 2, admin: 3 };

/** True when `role` includes the rights of `needed`. */
export function roleAtLeast(role: Role | null, needed: Role): boolean {
  return role !== null && RANK[role] >= RANK[needed];
}

/** The highest of the given roles (null when none). */
export function highestRole(roles: Iterable<Role | null | undefined>): Role | null {
  let best: Role | null = null;
  for (const r of roles) if (r && (best === null || RANK[r] > RANK[best])) best = r;
  return best;
}

/** The lower of two roles. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** German names of the roles (admin page, header). */
export const ROLE_TEXT: Record<Role, string> = {
  viewer: 'Lesen',
  controller: 'Controlling',
  admin: 'Verwaltung',
};
