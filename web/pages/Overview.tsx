/**
 * Überblick: one card per goal (grouped by indicator), the data month and load time, a month
 * selector to see the goals as they stood then, the sample badge, the stale banner and the
 * Vergleichstyp panel. Goals, regions and comparison load in parallel.
 */
import { memo, startTransition, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { formatDateTime, formatMonth, formatPercent, GENDER_TEXT } from '../../core/format';
import { dataMonthsOfYear, parseMonth, yearOf, yearsBetween } from '../../core/months';
import {
  type Goal,
  type GoalQuery,
  type GoalsResponse,
  useComparison,
  useGoalSparkline,
  useGoals,
  useRegions,
} from '../api';
import { SelectControl } from '../components/Controls';
import { PeriodMeta, SampleBadge, StaleBanner } from '../components/DataNotices';
import { Figure } from '../components/Figure';
import { ForecastSummary } from '../components/Forecast';
import { GoalCardHead } from '../components/GoalCardHead';
import { GoalFigures, GoalMissing } from '../components/GoalFigures';
import { PageHeading } from '../components/PageHeading';
import { PlanGoalCard } from '../components/PlanGoalCard';
import { Sparkline } from '../components/Sparkline';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { goalCardView, groupGoals } from '../lib/goal-view';
import { isPlanGoal } from '../lib/plan-view';
import {
  type CommonState,
  commonSearch,
  comparisonQuery,
  goalQuery,
  parseCommon,
  sparklineQuery,
} from '../lib/url-state';

const INDICATOR_TITLE: Record<string, string> = {
  K2: 'K2 Integrationsquote',
  K3: 'K3 Bestand Langzeitleistungsbeziehende (LZB)',
};

/**
 * A card's sparkline. Each card fetches its own series (all in parallel once the goals are known),
 * so an arriving series redraws one small SVG, not the whole overview.
 */
function GoalSparkline({ goal, seriesQ }: { goal: Goal; seriesQ: GoalQuery }) {
  const s = useGoalSparkline(goal.id, seriesQ).data;
  const line = useMemo(() => {
    if (!s) return null;
    return {
      current: s.points.map((p) => p.current),
      previous: s.points.map((p) => p.previous),
      target: s.points[s.points.length - 1]?.target ?? null,
    };
  }, [s]);
  if (!line) return <div className="sparkline sparkline-placeholder" aria-hidden="true" />;
  const gender = goal.gender in GENDER_TEXT ? GENDER_TEXT[goal.gender] : goal.gender;
  return (
    <Sparkline
      current={line.current}
      previous={line.previous}
      target={line.target}
      label={`Verlauf ${gender}: durchgezogen ${yearOf(goal.current.month)}, gepunktet Vorjahr, gestrichelt Zielwert Dezember`}
    />
  );
}

function GoalCard({ goal, common, seriesQ }: { goal: Goal; common: CommonState; seriesQ: GoalQuery }) {
  const v = goalCardView(goal);
  const headingId = useId();
  const href = `/ziel/${encodeURIComponent(goal.id)}${commonSearch(common)}`;
  return (
    <article className="card goal-card" aria-labelledby={headingId} data-testid={`goal-${goal.id}`}>
      <GoalCardHead headingId={headingId} label={goal.label} href={href} status={goal.status} />
      <GoalFigures goal={goal} />
      <GoalSparkline goal={goal} seriesQ={seriesQ} />
      <ForecastSummary status={goal.forecast.status} v={v} />
      <GoalMissing goal={goal} />
    </article>
  );
}

/** The AIP's plan figures beyond Tabelle 3: entries, budgets, places. */
function PlanGoalsSection({ goals, common }: { goals: Goal[]; common: CommonState }) {
  if (goals.length === 0) return null;
  return (
    <section className="goal-group plan-goals" aria-labelledby="grp-plan" data-testid="plan-goals">
      <h2 id="grp-plan">Eingliederung und Budget</h2>
      <ul className="cards">
        {goals.map((g) => (
          <li key={g.id}>
            <PlanGoalCard goal={g} href={`/ziel/${encodeURIComponent(g.id)}${commonSearch(common)}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ComparisonPanel({ q }: { q: ReturnType<typeof comparisonQuery> }) {
  const cmp = useComparison(q);
  return (
    <section className="card comparison" aria-labelledby="cmp-h">
      <h2 id="cmp-h">Vergleichstyp: Anteil LZB an eLb</h2>
      {cmp.isPending ? (
        <Loading what="Vergleich" />
      ) : cmp.isError ? (
        <ErrorState error={cmp.error} what="Vergleich" retry={() => void cmp.refetch()} />
      ) : (
        <ComparisonBody data={cmp.data} />
      )}
    </section>
  );
}

function ComparisonBody({ data }: { data: NonNullable<ReturnType<typeof useComparison>['data']> }) {
  const c = data;
  if (c.peerCount === 0 || c.peerMeanPct === null) {
    return (
      <>
        <p data-field="own-share">
          Eigener Anteil {formatMonth(data.month)}: <strong>{formatPercent(c.ownSharePct)}</strong>
        </p>
        <Empty>
          Keine Vergleichswerte: Vom Vergleichstyp {data.comparisonType ?? '(unbekannt)'} hat keine andere
          Region Zahlen für {formatMonth(data.month)} (LZB und eLb).
        </Empty>
      </>
    );
  }
  return (
    <>
      <dl className="figures">
        <Figure label={<>Eigener Anteil ({formatMonth(data.month)})</>} field="own-share">
          {formatPercent(c.ownSharePct)}
        </Figure>
        <Figure
          label={
            <>
              Mittel Vergleichstyp {data.comparisonType} ({c.peerCount} Regionen)
            </>
          }
          field="peer-share"
        >
          {formatPercent(c.peerMeanPct)}
        </Figure>
      </dl>
      {c.below === null ? (
        <Empty>
          Kein Vergleich möglich: Für {formatMonth(data.month)} fehlt der eigene Anteil (LZB oder eLb ohne
          Wert).
        </Empty>
      ) : (
        <>
          <StatusBadge status={c.below ? 'met' : 'missed'} />{' '}
          {c.below ? 'unter dem Mittel (Ziel erreicht)' : 'nicht unter dem Mittel'}
        </>
      )}
    </>
  );
}

/** Region, year and "as at month" selectors; each choice goes into the URL. */
function OverviewControls({
  regions,
  state,
  years,
  months,
  month,
  setParam,
}: {
  regions: readonly { id: string; name: string }[];
  state: CommonState;
  years: readonly number[];
  months: readonly string[];
  month: string | null;
  setParam: (patch: Partial<CommonState>) => void;
}) {
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()}>
      {regions.length > 1 && (
        <SelectControl
          label="Region"
          value={state.region ?? ''}
          options={regions.map((r) => [r.id, r.name] as const)}
          onChange={(region) => setParam({ region, month: null })}
          long
        />
      )}
      {years.length > 1 && (
        <SelectControl
          label="Jahr"
          value={state.year === null ? '' : String(state.year)}
          options={years.map((y) => [String(y), String(y)] as const)}
          onChange={(y) => setParam({ year: Number(y), month: null })}
        />
      )}
      <SelectControl
        label="Stand zum Monat"
        value={month ?? ''}
        empty={
          months.length > 0
            ? `neuester (${formatMonth(months[months.length - 1])})`
            : `keine Daten für ${state.year}`
        }
        options={months.map((m) => [m, formatMonth(m)] as const)}
        onChange={(m) => setParam({ month: m || null })}
        testId="month-select"
      />
    </form>
  );
}

export default function Overview() {
  const search = useSearch();
  const goals = useGoals(goalQuery(parseCommon(new URLSearchParams(search))));
  const regions = useRegions();
  // The page renders from deferred copies of the answers: react-query delivers them as urgent
  // updates (rendered in one blocking task); deferred, the cards render as a transition, in slices
  // that leave the main thread free in between.
  const data = useDeferredValue(goals.data);
  const regionList = useDeferredValue(regions.data?.regions);
  if (goals.isError) {
    return (
      <section className="page">
        <PageHeading title="Überblick" />
        <ErrorState error={goals.error} what="Ziele" retry={() => void goals.refetch()} />
      </section>
    );
  }
  if (data === undefined) return <Loading what="Ziele" />;
  return (
    <>
      <OverviewBody data={data} regionList={regionList} />
      {goals.isFetching && (
        <p className="visually-hidden" role="status">
          Aktualisiere …
        </p>
      )}
    </>
  );
}

type RegionList = NonNullable<ReturnType<typeof useRegions>['data']>['regions'];

/**
 * False for the first render, true from a transition in the task after it: the page's first
 * commit (with its style and layout) carries the head and the first group of cards, the rest
 * follows in a task of its own (docs/benchmarks.md, fourteenth round).
 */
function useRestOfPage(): boolean {
  const [rest, setRest] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => startTransition(() => setRest(true)), 0);
    return () => clearTimeout(t);
  }, []);
  return rest;
}

const OverviewBody = memo(function OverviewBody({
  data,
  regionList,
}: {
  data: GoalsResponse;
  regionList: RegionList | undefined;
}) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const rest = useRestOfPage();
  const common = parseCommon(new URLSearchParams(search));
  // The sparklines show the goals' year up to their data month.
  const seriesQ: GoalQuery = sparklineQuery(data);
  const regionInfo = regionList?.find((r) => r.id === data.region.id);
  const first = parseMonth(regionInfo?.firstMonth ?? '');
  const latest = parseMonth(regionInfo?.lastMonth ?? '');
  const months = dataMonthsOfYear(data.year, first, latest);
  // A year needs the year before it (the targets are changes against last year).
  const years = first && latest ? yearsBetween(yearOf(first) + 1, yearOf(latest)) : [data.year];
  const state: CommonState = {
    region: common.region ?? data.region.id,
    year: data.year,
    month: common.month,
  };
  // The cards link to the goals of the answer they show (while another region loads, that is the
  // previous one); the controls show the URL's choice.
  const shown: CommonState = { ...state, region: data.region.id };

  const setParam = (patch: Partial<CommonState>) => {
    navigate(`/${commonSearch({ ...state, ...patch })}`, { replace: false });
  };

  return (
    <section className="page overview" aria-labelledby="overview-h">
      <div className="page-head">
        <div>
          <PageHeading id="overview-h" title={`Überblick ${data.region.name} ${data.year}`}>
            {data.region.name} · Ziele {data.year}
          </PageHeading>
          <p className="meta">
            <PeriodMeta dataMonth={data.dataMonth} latest={regionInfo?.latestDataMonth ?? null} />
            <span aria-hidden="true"> · </span>
            <span data-field="loaded-at">geladen am {formatDateTime(data.loadedAt)}</span>{' '}
            <SampleBadge sample={Boolean(data.region.sample)} asOf={data.region.sampleAsOf ?? null} />
          </p>
        </div>
        <OverviewControls
          regions={regionList ?? []}
          state={state}
          years={years}
          months={months}
          month={common.month}
          setParam={setParam}
        />
      </div>

      <StaleBanner
        stale={Boolean(data.stale)}
        expectedMonth={data.expectedMonth ?? null}
        dataMonth={latest ?? data.dataMonth}
      />

      {data.goals.length === 0 ? (
        <Empty>
          Für {data.year} sind keine Ziele hinterlegt. Zielwerte werden als Datei unter data/targets geladen.
        </Empty>
      ) : (
        groupGoals(data.goals.filter((g) => !isPlanGoal(g)))
          .slice(0, rest ? undefined : 1)
          .map((group) => (
            <section key={group.indicator} className="goal-group" aria-labelledby={`grp-${group.indicator}`}>
              <h2 id={`grp-${group.indicator}`}>{INDICATOR_TITLE[group.indicator] ?? group.indicator}</h2>
              <ul className="cards">
                {group.goals.map((g) => (
                  <li key={g.id}>
                    <GoalCard goal={g} common={shown} seriesQ={seriesQ} />
                  </li>
                ))}
              </ul>
            </section>
          ))
      )}

      {rest && <PlanGoalsSection goals={data.goals.filter(isPlanGoal)} common={shown} />}

      {rest && <ComparisonPanel q={comparisonQuery(data)} />}
    </section>
  );
});
