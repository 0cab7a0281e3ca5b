/**
 * Comment markers under a chart, one per commented month at that month's place on the x axis:
 * buttons that show the comments on hover and on keyboard focus (the chart canvas itself cannot
 * take the focus). The text is React text, never HTML.
 */
import { useId } from 'react';
import { formatMonth, formatMonthShort } from '../../core/format';
import { actorText } from '../../core/people';
import type { CommentItem } from '../api';

function Marker({ month, comments, left }: { month: string; comments: CommentItem[]; left: string }) {
  const tip = useId();
  return (
    <li className="comment-marker" style={{ left }} data-month={month}>
      <button type="button" aria-describedby={tip} aria-label={`Kommentar ${formatMonth(month)}`}>
        <span aria-hidden="true">✎</span> {formatMonthShort(month)}
      </button>
      <div role="tooltip" id={tip} className="comment-tip">
        {comments.map((c) => (
          <p key={c.id}>
            <strong>
              {formatMonth(c.month)}, {actorText(c.author)}:
            </strong>{' '}
            {c.text}
          </p>
        ))}
      </div>
    </li>
  );
}

export function CommentMarkers({
  months,
  comments,
}: {
  months: readonly string[];
  comments: readonly CommentItem[] | undefined;
}) {
  if (!comments || comments.length === 0 || months.length === 0) return null;
  const byMonth = new Map<string, CommentItem[]>();
  for (const c of comments) {
    if (!months.includes(c.month)) continue;
    byMonth.set(c.month, [...(byMonth.get(c.month) ?? []), c]);
  }
  const last = Math.max(1, months.length - 1);
  return (
    <ul className="comment-markers" aria-label="Kommentare im Diagramm" data-testid="comment-markers">
      {[...byMonth].map(([month, list]) => (
        <Marker key={month} month={month} comments={list} left={`${(100 * months.indexOf(month)) / last}%`} />
      ))}
    </ul>
  );
}
