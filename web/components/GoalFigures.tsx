/**
 * The figures of one goal as the overview card and the goal page both show them: the tracked value
 * of the data month, last year's, the change against the target, and what is missing (if anything).
 */
import type { ReactNode } from 'react';
import {
  type GoalFacts,
  goalCardView,
  goalPreviousCaption,
  goalValueCaption,
  missingLines,
} from '../lib/goal-view';
import { PROVISIONAL_FOOTNOTE } from '../lib/provisional';
import { Figure } from './Figure';
import { ChangeVsTarget } from './StatusBadge';

export function GoalFigures({
  goal,
  className = 'figures',
  children,
}: {
  goal: GoalFacts;
  className?: string;
  /** Further figures (`<div className="figure">`) after the three. */
  children?: ReactNode;
}) {
  const v = goalCardView(goal);
  return (
    <dl className={className}>
      <Figure
        main
        label={
          <>
            {goalValueCaption(goal, goal.current.month)}
            {goal.provisional && ' *'}
          </>
        }
        field="current"
      >
        {v.current}
      </Figure>
      <Figure label={goalPreviousCaption(goal, goal.previous.month)} field="previous">
        {v.previous}
      </Figure>
      <Figure label="Veränderung" field="change">
        <ChangeVsTarget change={goal.changePct} target={goal.targetChangePct} />
      </Figure>
      {children}
      {goal.provisional && (
        <div className="figure provisional-note muted" data-field="provisional">
          <dt>*</dt>
          <dd>{PROVISIONAL_FOOTNOTE}</dd>
        </div>
      )}
    </dl>
  );
}

/** "Es fehlen Werte:" and one line per missing input, for a goal without status. */
export function GoalMissing({ goal }: { goal: Pick<GoalFacts, 'missing'> & { status: string } }) {
  if (goal.status !== 'no_data' || goal.missing.length === 0) return null;
  return (
    <div className="missing">
      <p>Es fehlen Werte:</p>
      <ul className="missing-list">
        {missingLines(goal).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
