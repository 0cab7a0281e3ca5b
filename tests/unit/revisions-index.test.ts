/**
 * The question whether a file's content is still current (etl/run.ts isCurrentContent: any
 * revision written by a later file?) reads the index on revisions.source_file_id, not the table.
 */
import { expect, test } from 'vitest';
import { openDatabase } from '../../server/db/connection.js';
import { sqliteOf } from '../helpers/db.js';

test('revisions by a later file: a range of the index revisions_source_file (SQLite query plan)', async () => {
  const db = await openDatabase(':memory:');
  try {
    const plan = sqliteOf(db)
      .prepare('explain query plan select "id" from "revisions" where "source_file_id" > ? limit ?')
      .all(7, 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(
      /SEARCH revisions USING (COVERING )?INDEX revisions_source_file \(source_file_id>\?\)/,
    );
  } finally {
    await db.close();
  }
});
