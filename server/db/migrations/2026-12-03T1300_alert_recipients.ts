// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * Alert recipients an admin adds on the Hinweise page (besides ALERT_RECIPIENTS and the
 * configuration file): an address, a name, and what it follows (JSON arrays of region ids and goal
 * references; NULL follows everything). One entry per address, case-insensitively.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    ({ id, isJson }) => `
    create table alert_recipients (
      id ${id}, email text not null, name text, regions text, goals text,
      created_at text not null, created_by text,
      constraint alert_recipients_regions check (regions is null or ${isJson('regions')}),
      constraint alert_recipients_goals check (goals is null or ${isJson('goals')})
    );
    create unique index alert_recipients_email on alert_recipients (lower(email));
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, 'drop table alert_recipients;');
}
