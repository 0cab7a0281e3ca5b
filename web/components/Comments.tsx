/**
 * Comments under a goal: the list (text as plain React text, never HTML), the form to write one
 * (controllers and admins), and editing or deleting by the author (admins: any).
 */
import { type FormEvent, useId, useState } from 'react';
import { formatCount, formatDateTime, formatMonth } from '../../core/format';
import { indicatorOfGoalOrIndicator } from '../../core/goal-id';
import { monthOfDate } from '../../core/months';
import { actorText } from '../../core/people';
import {
  type CommentItem,
  goalCommentsQuery,
  hasRole,
  type MeResponse,
  useComments,
  useCreateComment,
  useDeleteComment,
  useEditComment,
  useMe,
} from '../api';
import { ActionError } from './States';

export const COMMENT_MAX = 2000;

const length = (s: string) => [...s].length;

function CommentText({ text }: { text: string }) {
  return <p className="comment-text">{text}</p>;
}

function CommentEditor({
  initial,
  label,
  busy,
  onSave,
  onCancel,
}: {
  initial: string;
  label: string;
  busy: boolean;
  onSave: (text: string) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  const n = length(text);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() !== '' && n <= COMMENT_MAX) onSave(text);
  };
  return (
    <form className="comment-editor" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={text} rows={3} onChange={(e) => setText(e.target.value)} />
      <p className={n > COMMENT_MAX ? 'error-text' : 'muted'} aria-live="polite">
        {formatCount(n)} von {formatCount(COMMENT_MAX)} Zeichen
      </p>
      <div className="button-row">
        <button type="submit" disabled={busy || text.trim() === '' || n > COMMENT_MAX}>
          Speichern
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Abbrechen
          </button>
        )}
      </div>
    </form>
  );
}

function CommentEntry({ comment }: { comment: CommentItem }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const edit = useEditComment();
  const del = useDeleteComment();
  return (
    <li className="comment" data-comment={comment.id}>
      <p className="comment-meta">
        <strong>{formatMonth(comment.month)}</strong> · {comment.goal} · {actorText(comment.author)},{' '}
        {formatDateTime(comment.createdAt)}
        {comment.editedAt && <> (bearbeitet {formatDateTime(comment.editedAt)})</>}
      </p>
      {editing ? (
        <CommentEditor
          initial={comment.text}
          label="Kommentar bearbeiten"
          busy={edit.isPending}
          onSave={(text) => edit.mutate({ id: comment.id, text }, { onSuccess: () => setEditing(false) })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <CommentText text={comment.text} />
      )}
      {comment.history.length > 0 && (
        <details className="comment-history">
          <summary>Frühere Fassungen ({comment.history.length})</summary>
          <ol>
            {comment.history.map((h) => (
              <li key={h.replacedAt + h.text}>
                <span className="muted">
                  bis {formatDateTime(h.replacedAt)} ({h.replacedBy}):
                </span>{' '}
                <CommentText text={h.text} />
              </li>
            ))}
          </ol>
        </details>
      )}
      {comment.canEdit && !editing && (
        <div className="button-row">
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Bearbeiten
          </button>
          {confirming ? (
            <button type="button" className="danger" onClick={() => del.mutate(comment.id)}>
              Wirklich löschen
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              Löschen
            </button>
          )}
        </div>
      )}
      <ActionError error={edit.error ?? del.error} />
    </li>
  );
}

function NewComment({
  region,
  goal,
  months,
  defaultMonth,
}: {
  region: string;
  goal: string;
  months: readonly string[];
  defaultMonth: string;
}) {
  const ids = { month: useId(), whole: useId() };
  const create = useCreateComment();
  const [month, setMonth] = useState(months.includes(defaultMonth) ? defaultMonth : (months[0] ?? ''));
  const [whole, setWhole] = useState(false);
  const [key, setKey] = useState(0);
  const indicator = indicatorOfGoalOrIndicator(goal);
  return (
    <div className="comment-new">
      <h3>Kommentar schreiben</h3>
      <p>
        <label htmlFor={ids.month}>Monat</label>{' '}
        <select id={ids.month} value={month} onChange={(e) => setMonth(e.target.value)}>
          {months.map((m) => (
            <option key={m} value={m}>
              {formatMonth(m)}
            </option>
          ))}
        </select>{' '}
        <input id={ids.whole} type="checkbox" checked={whole} onChange={(e) => setWhole(e.target.checked)} />{' '}
        <label htmlFor={ids.whole}>für die ganze Kennzahl {indicator} (alle Geschlechter)</label>
      </p>
      <CommentEditor
        key={key}
        initial=""
        label="Text (nur Text, höchstens 2.000 Zeichen)"
        busy={create.isPending}
        onSave={(text) =>
          create.mutate(
            { region, goal: whole ? indicator : goal, month, text },
            { onSuccess: () => setKey((k) => k + 1) },
          )
        }
      />
      <ActionError error={create.error} />
    </div>
  );
}

export interface GoalCommentsProps {
  region: string;
  goal: string;
  months: readonly string[];
  /** The month the form starts on: the newest month with data. */
  defaultMonth: string;
  comments: readonly CommentItem[] | undefined;
  me: MeResponse | undefined;
}

export function GoalComments({ region, goal, months, defaultMonth, comments, me }: GoalCommentsProps) {
  return (
    <section className="card comments" aria-labelledby="comments-h" data-testid="goal-comments">
      <h2 id="comments-h">Kommentare</h2>
      {comments === undefined ? (
        <p className="muted">Kommentare werden geladen …</p>
      ) : comments.length === 0 ? (
        <p className="muted">Noch keine Kommentare zu diesem Ziel in diesem Jahr.</p>
      ) : (
        <ol className="comment-list">
          {comments.map((c) => (
            <CommentEntry key={c.id} comment={c} />
          ))}
        </ol>
      )}
      {hasRole(me, 'controller') ? (
        <NewComment region={region} goal={goal} months={months} defaultMonth={defaultMonth} />
      ) : (
        <p className="muted">
          {me?.signedIn
            ? 'Kommentare schreiben dürfen Personen mit der Rolle Controlling oder Verwaltung.'
            : 'Zum Kommentieren bitte anmelden.'}
        </p>
      )}
    </section>
  );
}

/** What a goal page knows that the comments need (the goal series answer fits). */
export interface CommentedSeries {
  region: { id: string };
  year: number;
  goal: { id: string; current: { month: string } };
  points: readonly { month: string }[];
}

/** The comments of the goal's year (one query, shared by the chart markers and this list). */
export function useGoalComments(series: CommentedSeries) {
  // Not deferred: after a comment is posted, edited or deleted the list must follow at once (the
  // route prefetch starts this query with the page, so its first answer is usually there before
  // the page body renders).
  return useComments(goalCommentsQuery(series)).data?.comments;
}

/** The months of `months` up to `last` (YYYY-MM strings compare as months). */
export function monthsUpTo(months: readonly string[], last: string): string[] {
  return months.filter((m) => m <= last);
}

/** The comments section under a goal, fetching what it needs. */
export function GoalCommentsFor({ series }: { series: CommentedSeries }) {
  const me = useMe();
  return (
    <GoalComments
      region={series.region.id}
      goal={series.goal.id}
      // Comments explain figures: months still to come have none (the server refuses them).
      months={monthsUpTo(
        series.points.map((p) => p.month),
        monthOfDate(new Date()),
      )}
      defaultMonth={series.goal.current.month}
      comments={useGoalComments(series)}
      me={me.data}
    />
  );
}
