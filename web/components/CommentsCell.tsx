/**
 * The comments of one month and gender, for the Monatswerte table: those on the goals of that
 * gender (K2-female, K3-female, …) and on whole indicators (K2, K3). Plain React text.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { actorText } from '../../core/people';
import type { CommentItem, MonthRow } from '../api';

export function commentsOf(
  comments: readonly CommentItem[] | undefined,
  month: string,
  gender: string,
): CommentItem[] {
  return (comments ?? []).filter(
    (c) => c.month === month && (!c.goal.includes('-') || c.goal.endsWith(`-${gender}`)),
  );
}

export function CommentsCell({
  comments,
  month,
  gender,
}: {
  comments: readonly CommentItem[] | undefined;
  month: string;
  gender: string;
}) {
  const list = commentsOf(comments, month, gender);
  if (list.length === 0) return null;
  return (
    <ul className="month-comments">
      {list.map((c) => (
        <li key={c.id}>
          <span aria-hidden="true">✎ </span>
          <span className="muted">
            {c.goal}, {actorText(c.author)}:
          </span>{' '}
          {c.text}
        </li>
      ))}
    </ul>
  );
}

const NO_COLUMNS: ColumnDef<MonthRow>[] = [];

/**
 * The comments column while there are comments (memoised, so the table keeps its columns; the same
 * empty list before the comments arrive and when there are none, so their arrival re-renders nothing).
 */
export function useCommentsColumn(comments: readonly CommentItem[] | undefined): ColumnDef<MonthRow>[] {
  return useMemo(() => (comments?.length ? [commentsColumn(comments)] : NO_COLUMNS), [comments]);
}

/** The "Kommentare" column of the Monatswerte table (not sortable, not hideable). */
export function commentsColumn(comments: readonly CommentItem[]): ColumnDef<MonthRow> {
  return {
    id: 'comments',
    header: 'Kommentare',
    cell: (c) => (
      <CommentsCell comments={comments} month={c.row.original.month} gender={c.row.original.gender} />
    ),
    enableSorting: false,
    enableHiding: false,
  };
}
