/** Comments on a goal (or a whole indicator) and month, with their edit history. */

import type { Kysely } from 'kysely';
import { indicatorOfGoalOrIndicator } from '../../../core/goal-id.js';
import type { Comment, Database } from '../schema.js';
import { childrenByParent } from './children.js';
import { stampOnce } from './stamps.js';

export interface CommentEdit {
  /** The text before the edit. */
  text: string;
  replacedAt: string;
  replacedBy: string;
}

export interface CommentInfo {
  id: number;
  region: string;
  goal: string;
  month: string;
  text: string;
  authorId: number | null;
  author: string;
  createdAt: string;
  editedAt: string | null;
  history: CommentEdit[];
}

export interface CommentQuery {
  region: string;
  /** A goal id: its own comments and those on its whole indicator ('K2-female' → also 'K2'). */
  goal?: string;
  year?: number;
  /** One month only. */
  month?: string;
}

export async function listComments(db: Kysely<Database>, q: CommentQuery): Promise<CommentInfo[]> {
  let sel = db
    .selectFrom('comments')
    .selectAll()
    .where('region_id', '=', q.region)
    .where('deleted_at', 'is', null);
  if (q.goal !== undefined) {
    const goals = [...new Set([q.goal, indicatorOfGoalOrIndicator(q.goal)])];
    sel = sel.where('goal', 'in', goals);
  }
  if (q.year !== undefined)
    sel = sel.where('month', '>=', `${q.year}-01`).where('month', '<=', `${q.year}-12`);
  if (q.month !== undefined) sel = sel.where('month', '=', q.month);
  const rows = await sel.orderBy('month').orderBy('created_at').orderBy('id').execute();
  return withHistory(db, rows);
}

async function withHistory(db: Kysely<Database>, rows: Comment[]): Promise<CommentInfo[]> {
  const byComment = await childrenByParent(
    db,
    { table: 'comment_history', parent: 'comment_id' },
    rows.map((r) => r.id),
    (e): CommentEdit => ({ text: e.text, replacedAt: e.replaced_at, replacedBy: e.replaced_by }),
  );
  return rows.map((r) => ({
    id: r.id,
    region: r.region_id,
    goal: r.goal,
    month: r.month,
    text: r.text,
    authorId: r.author_id,
    author: r.author,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    history: byComment.get(r.id) ?? [],
  }));
}

export async function getComment(db: Kysely<Database>, id: number): Promise<CommentInfo | undefined> {
  const row = await db
    .selectFrom('comments')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? (await withHistory(db, [row]))[0] : undefined;
}

export async function createComment(
  db: Kysely<Database>,
  input: Pick<CommentInfo, 'region' | 'goal' | 'month' | 'text' | 'authorId' | 'author'>,
  now: Date,
): Promise<CommentInfo> {
  const row = await db
    .insertInto('comments')
    .values({
      region_id: input.region,
      goal: input.goal,
      month: input.month,
      text: input.text,
      author_id: input.authorId,
      author: input.author,
      created_at: now.toISOString(),
      edited_at: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const saved = await getComment(db, row.id);
  if (!saved) throw new Error('comment vanished after saving');
  return saved;
}

/** Replaces the text, keeping the old one in the history (one transaction). */
export async function editComment(
  db: Kysely<Database>,
  id: number,
  text: string,
  by: string,
  now: Date,
): Promise<CommentInfo | undefined> {
  await db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('comments').select('text').where('id', '=', id).executeTakeFirst();
    if (!old || old.text === text) return;
    await trx
      .insertInto('comment_history')
      .values({ comment_id: id, text: old.text, replaced_at: now.toISOString(), replaced_by: by })
      .execute();
    await trx
      .updateTable('comments')
      .set({ text, edited_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  });
  return getComment(db, id);
}

/** Marks the comment deleted (it disappears everywhere; the audit log keeps its text). */
export function deleteComment(db: Kysely<Database>, id: number, now: Date): Promise<boolean> {
  return stampOnce(db, { table: 'comments', column: 'deleted_at' }, id, now);
}
