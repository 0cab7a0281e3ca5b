/** Which role the mappings give: highest wins; '*' means everyone signed in; bad files are named. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadStaticRoleMap, mappedRole, RoleMapError } from '../../server/auth/role-map.js';
import { openDatabase } from '../../server/db/connection.js';
import { setRoleMapping } from '../../server/db/repositories/users.js';
import { scratchDir } from '../helpers/scratch.js';

function file(content: string): string {
  const dir = scratchDir('i15-rolemap-');
  const path = join(dir, 'roles.json');
  writeFileSync(path, content);
  return path;
}

describe('role mappings', () => {
  test.each([
    [{ userNames: ['mueller'], groups: [] }, 'admin'],
    [{ userNames: ['schulz'], groups: ['controlling'] }, 'controller'],
    [{ userNames: ['schulz'], groups: ['controlling', 'zm-admins'] }, 'admin'],
    [{ userNames: ['gast'], groups: ['andere'] }, null],
    [{ userNames: ['neu'], groups: ['aus-der-db'] }, 'controller'],
  ] as const)('%j → %s', async (who, role) => {
    const db = await openDatabase(':memory:');
    await setRoleMapping(
      db.db,
      { kind: 'group', value: 'aus-der-db', role: 'controller', by: 't' },
      new Date(),
    );
    const map = loadStaticRoleMap(
      ['zm-admins=admin', 'controlling=viewer'],
      file('{"users":{"mueller":"admin"},"groups":{"controlling":"controller"}}'),
    );
    expect(await mappedRole(db.db, map, { userNames: [...who.userNames], groups: [...who.groups] })).toBe(
      role,
    );
    await db.close();
  });

  test("'*' gives everyone signed in a role", async () => {
    const db = await openDatabase(':memory:');
    const map = loadStaticRoleMap(['*=viewer'], null);
    expect(await mappedRole(db.db, map, { userNames: ['x'], groups: [] })).toBe('viewer');
    await db.close();
  });

  test('a bad ROLE_MAP_FILE names the file and the entry', () => {
    const path = file('{"users":{"mueller":"chef"}}');
    expect(() => loadStaticRoleMap([], path)).toThrow(RoleMapError);
    expect(() => loadStaticRoleMap([], path)).toThrow(/roles\.json: users\.mueller/);
    expect(() => loadStaticRoleMap([], file('{kaputt'))).toThrow(/ROLE_MAP_FILE/);
  });
});
