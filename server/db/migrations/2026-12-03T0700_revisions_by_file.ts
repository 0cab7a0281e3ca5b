// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * Revisions by the file that wrote them. Whether an uploaded file's content is still current asks
 * for any revision written by a later file (`source_file_id > ?`, etl/run.ts isCurrentContent);
 * the revisions grow with every monthly correction of the BA, so that question reads an index, not
 * the whole table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, 'create index revisions_source_file on revisions (source_file_id);');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, 'drop index revisions_source_file;');
}
