/**
 * The wall's overview page: all goals at once as tiles. The chart page (one goal with its chart)
 * is WallGoalPage.tsx, loaded with ECharts only when the rotation first reaches it.
 */
import { useMemo, useRef } from 'react';
import { formatChangePair, GENDER_TEXT } from '../../core/format';
import { monthOfYear } from '../../core/months';
import { actorText } from '../../core/people';
import { FORECAST_LABEL } from '../../core/steering-text';
import type { CommentItem } from '../api';
import { Suffix } from '../components/Suffix';
import { type GoalCardView, goalCardView, goalValueCaption, groupGoals } from '../lib/goal-view';
import type { WallGoals } from './api';
import { latestComment, oneLine, useWallComments } from './comments';
import { useFitTiles } from './fit-tiles';
import { WallStatus as Status } from './WallStatus';

type Goal = WallGoals['goals'][number];

function GoalTile({ goal, comment }: { goal: Goal; comment?: CommentItem | null }) {
  const v = goalCardView(goal);
  const pair = formatChangePair(goal.changePct, goal.targetChangePct);
  const gender =
    goal.gender === 'female' || goal.gender === 'male' || goal.gender === 'total'
      ? GENDER_TEXT[goal.gender]
      : goal.label;
  return (
    <article className="wall-tile" data-goal={goal.id} aria-label={goal.label}>
      <div className="wall-tile-head">
        <h3 className="wall-tile-title">{gender}</h3>
        <Status status={goal.status} />
      </div>
      <p className="wall-tile-value">
        <span className="wall-value" data-testid="wall-value">
          {v.current}
        </span>{' '}
        <span className="wall-value-note">Vorjahr {v.previous}</span>
      </p>
      {goal.provisional && (
        <p className="wall-value-note" data-testid="wall-provisional">
          * vorläufig (hochgerechnete BA-Werte)
        </p>
      )}
      <dl className="wall-tile-facts">
        <dt>Veränderung</dt>
        <dd className="wall-fact-num" data-testid="wall-change">
          {pair.change}
        </dd>
        <dd>Ziel {pair.target}</dd>
        <dt>{FORECAST_LABEL}</dt>
        <dd className="wall-fact-num" data-testid="wall-forecast-change">
          {v.forecastChange}
        </dd>
        <dd>
          <Status status={goal.forecast.status} className="wall-status-sm" />
        </dd>
      </dl>
      <p className="wall-tile-line wall-tile-wrap">
        <span data-testid="wall-forecast-interval">{forecastUncertainty(goal, v)}</span>
        <Suffix
          sep=" · "
          value={v.forecastProbability}
          data={{ 'data-testid': 'wall-forecast-probability' }}
        />
      </p>
      {v.paceShort !== null && (
        <p className="wall-tile-line" data-testid="wall-pace">
          {v.paceShort}
        </p>
      )}
      {comment && (
        <p className="wall-comment" data-testid="wall-comment">
          <span aria-hidden="true">✎ </span>
          {actorText(comment.author)}: {oneLine(comment.text)}
        </p>
      )}
    </article>
  );
}

/** The forecast's 80 % interval "80 %: +0,9 … +2,6 %", or in a few words why there is none. */
export function forecastUncertainty(goal: Goal, v: GoalCardView): string {
  if (v.forecastInterval !== null) return `80 %: ${v.forecastInterval}`;
  if (goal.forecast.changePct === null) return 'keine Prognose';
  if (monthOfYear(goal.current.month) === 12) return 'Jahreswert';
  return 'zu wenig Historie';
}

/** "Integrationsquote Frauen" → "Integrationsquote": the indicator's name without the gender. */
function indicatorName(label: string): string {
  for (const word of Object.values(GENDER_TEXT)) {
    if (label.endsWith(` ${word}`)) return label.slice(0, -word.length - 1);
  }
  return label;
}

export function WallOverview({ goals }: { goals: WallGoals }) {
  // Tabelle 3 only: the plan goals have their own page (WallPlan.tsx).
  const groups = useMemo(() => groupGoals(goals.goals.filter((g) => g.kind === 'change')), [goals.goals]);
  const comments = useWallComments(goals.region.id, goals.year).data?.comments;
  const overview = useRef<HTMLDivElement>(null);
  useFitTiles(overview, groups, comments);
  if (groups.length === 0) {
    return (
      <section className="wall-empty" aria-label="Überblick">
        <p>Für {goals.year} sind keine Ziele hinterlegt.</p>
      </section>
    );
  }
  const columns = Math.max(...groups.map((g) => g.goals.length));
  return (
    <div className="wall-overview" data-testid="wall-overview" ref={overview}>
      {groups.map((g) => {
        const first = g.goals[0];
        return (
          <section key={g.indicator} className="wall-group" aria-label={g.indicator}>
            <h2 className="wall-group-title">
              {g.indicator} · {first ? indicatorName(first.label) : ''}
              {first && (
                <span className="wall-group-caption"> – {goalValueCaption(first, first.current.month)}</span>
              )}
            </h2>
            <div className="wall-tiles" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
              {g.goals.map((goal) => (
                <GoalTile key={goal.id} goal={goal} comment={latestComment(comments, goal.id)} />
              ))}
            </div>
          </section>
        );
      })}
    </div>
  );
}
