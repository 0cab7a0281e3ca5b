/**
 * The rows of a one-to-many child table (a comment's edits, an import run's files) for a page of
 * parents: one statement for all of them, grouped by parent, so a list costs two queries, not N+1.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { groupBy } from '../../../core/group-by.js';
import type { Database } from '../schema.js';

/** A child table and its column that names the parent row. */
export type ChildTable =
  | { table: 'comment_history'; parent: 'comment_id' }
  | { table: 'imported_files'; parent: 'run_id' };

/** The children of `parentIds` in id order, mapped by `toItem`, by parent id (no entry: none). */
export async function childrenByParent<C extends ChildTable, V>(
  db: Kysely<Database>,
  { table, parent }: C,
  parentIds: readonly number[],
  toItem: (row: Selectable<Database[C['table']]>) => V,
): Promise<Map<number, V[]>> {
  if (parentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom(table)
    .selectAll()
    .select(sql<number>`${sql.ref(parent)}`.as('parent_id'))
    .where(parent, 'in', parentIds)
    .orderBy('id')
    .execute();
  // Over a union of tables Kysely types a row as the merge of their columns; each row is a row of
  // the one table `C` names.
  return groupBy(
    rows,
    (r) => r.parent_id,
    (r) => toItem(r as unknown as Selectable<Database[C['table']]>),
  );
}
