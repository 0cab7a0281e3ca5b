// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * Roles that follow the mappings, and sign-ins bound to the browser (outside audit, December 2026):
 * - `users.claims`: the user names and groups (JSON) a person signed in with last, so that the
 *   mapped role can be worked out again when an admin changes the role mappings. NULL for people
 *   who signed in before this migration (and for proxy and local users, whose name is the key).
 * - `login_flows.browser_hash`: SHA-256 of the random value in the cookie of the browser that
 *   started the sign-in; the callback is accepted only from that browser.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    `alter table users add column claims text;
    alter table login_flows add column browser_hash text;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    `alter table login_flows drop column browser_hash;
    alter table users drop column claims;`,
  );
}
