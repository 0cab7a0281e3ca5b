/** Role names for people (German). */
export const ROLE_OPTIONS = ['viewer', 'controller', 'admin'] as const;
export type RoleOption = (typeof ROLE_OPTIONS)[number];
export const ROLE_TEXT: Record<RoleOption, string> = {
  viewer: 'Lesen',
  controller: 'Controlling',
  admin: 'Verwaltung',
};

export function roleOf(value: string): RoleOption | null {
  return ROLE_OPTIONS.find((r) => r === value) ?? null;
}
