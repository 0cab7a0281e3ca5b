/**
 * Ziel: one goal's year as a chart (this year vs last year, target path, at-risk band, the forecast
 * with its 80 % band, revised months), the forecast, pace and drivers as sentences, a gender
 * switch, the table of the numbers the chart is drawn from, and the forecast's track record. A click
 * on a chart point (or a month in the table) opens Monatswerte filtered to that month and gender.
 */
import { memo, useCallback, useDeferredValue } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { formatChange, formatGoalValue as formatInUnit, formatMonth, GENDER_TEXT } from '../../core/format';
import { parseGoalId } from '../../core/goal-id';
import { type GoalsResponse, useGoalSeries, useGoals, useRegions } from '../api';
import { ChangeChart } from '../charts/GoalChart';
import { CommentMarkers } from '../components/CommentMarkers';
import { GoalCommentsFor, useGoalComments } from '../components/Comments';
import { PeriodMeta, SampleBadge, StaleBanner } from '../components/DataNotices';
import { Figure } from '../components/Figure';
import { ForecastSummary } from '../components/Forecast';
import { ForecastQuality } from '../components/ForecastQuality';
import { GoalChartCard } from '../components/GoalChartCard';
import { GoalFigures, GoalMissing } from '../components/GoalFigures';
import { PageHeading } from '../components/PageHeading';
import { PlanGoalPanel } from '../components/PlanGoalPanel';
import { type SeriesColumn, SeriesTable } from '../components/SeriesTable';
import { ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { Tabs } from '../components/Tabs';
import { formatGoalValue, goalCardView, goalValueCaption, goalValueName } from '../lib/goal-view';
import { isPlanGoal } from '../lib/plan-view';
import { type CommonState, commonSearch, goalQuery, monthsLinkFor, parseCommon } from '../lib/url-state';

type SeriesData = NonNullable<ReturnType<typeof useGoalSeries>['data']>;
type Point = SeriesData['points'][number];
type ValueFormat = (v: number | null) => string;

/** The numbers the chart is drawn from, one row per month; a month opens Monatswerte. */
function GoalTable({
  data,
  formatValue,
  monthHref,
}: {
  data: SeriesData;
  formatValue: ValueFormat;
  monthHref: (month: string) => string;
}) {
  const columns: SeriesColumn<Point>[] = [
    { label: String(data.year), cell: (p) => formatValue(p.current) },
    { label: String(data.year - 1), cell: (p) => formatValue(p.previous) },
    { label: 'Veränderung', cell: (p) => formatChange(p.changePct) },
    { label: 'Zielpfad', cell: (p) => formatValue(p.target) },
    { label: 'Grenze „gefährdet“', cell: (p) => formatValue(p.atRiskEdge) },
    { label: 'Prognose', cell: (p) => (p.forecast === null ? '' : formatValue(p.forecast)) },
  ];
  return (
    <SeriesTable
      valueName={goalValueName(data.goal)}
      points={data.points}
      columns={columns}
      monthHref={monthHref}
      mark={(p) =>
        p.revised && (
          <span className="revised-mark" title="revidiert">
            {' '}
            <span aria-hidden="true">↻</span>
            <span className="visually-hidden">revidiert</span>
          </span>
        )
      }
    />
  );
}

/** The year's chart with its caption (target rule and projection explained). */
function GoalChartFigure({
  data,
  formatValue,
  onMonthClick,
}: {
  data: SeriesData;
  formatValue: ValueFormat;
  onMonthClick: (month: string) => void;
}) {
  // Deferred for the chart: comments arriving after the page body would otherwise redraw the
  // chart in one blocking task. (The comments section itself follows a new comment at once.)
  const comments = useDeferredValue(useGoalComments(data));
  const goal = data.goal;
  const v = goalCardView(goal);
  const lastPoint = data.points.filter((p) => p.current !== null).at(-1);
  const summary =
    `Diagramm ${goal.label} ${data.year}: ${goalValueCaption(goal, goal.current.month)} ${v.current}, ` +
    `Vorjahr ${v.previous}, Veränderung ${v.change}. ` +
    `Prognose Dezember ${v.forecastValue} (${v.forecastChange}). ` +
    (lastPoint ? `Letzter Monat mit Daten: ${formatMonth(lastPoint.month)}. ` : '') +
    'Die Zahlen stehen in der Tabelle unter dem Diagramm.';
  return (
    <GoalChartCard
      series={data}
      formatValue={formatValue}
      ariaLabel={summary}
      onMonthClick={onMonthClick}
      comments={comments}
      caption={
        <>
          Ziel: {formatChange(goal.targetChangePct)} gegenüber dem Vorjahr (
          {goal.better === 'higher' ? 'höher ist besser' : 'niedriger ist besser'}). Zielpfad = Vorjahr × (1 +
          Ziel). Prognose (gestrichelt): die letzten drei Monate im Verhältnis zum Vorjahr, mit den
          Vorjahresmonaten bis Dezember fortgeschrieben; die Fläche darum zeigt das 80 %-Intervall aus der
          Rückrechnung (im Dezember, davor zur Orientierung aufgeweitet). Ein Klick auf einen Monat öffnet die
          Monatswerte.
        </>
      }
    >
      <CommentMarkers months={data.points.map((p) => p.month)} comments={comments} />
    </GoalChartCard>
  );
}

/** The change against last year per month, with the target and the at-risk band (both from the API). */
function ChangeFigure({ data, onMonthClick }: { data: SeriesData; onMonthClick: (month: string) => void }) {
  const goal = data.goal;
  const target = formatChange(goal.targetChangePct);
  const edge = formatChange(goal.atRiskEdgePct);
  return (
    <figure className="card chart-card">
      <ChangeChart
        points={data.points}
        targetChangePct={goal.targetChangePct}
        atRiskEdgePct={goal.atRiskEdgePct}
        ariaLabel={`Diagramm: Veränderung gegenüber dem Vorjahr je Monat, Ziel ${target}, gefährdet bis ${edge}. Die Werte stehen in der Tabelle.`}
        onMonthClick={onMonthClick}
      />
      <figcaption>
        Veränderung gegenüber dem Vorjahresmonat ({goalValueName(goal)}) mit dem Ziel {target} und dem Bereich
        „gefährdet“ bis {edge}.
      </figcaption>
    </figure>
  );
}

/** The body of a Tabelle 3 change goal: figures, forecast, drivers, charts, table, comments, track record. */
function ChangeGoalPanel({
  data,
  formatValue,
  onMonthClick,
  monthHref,
  query,
}: {
  data: SeriesData;
  formatValue: ValueFormat;
  onMonthClick: (month: string) => void;
  monthHref: (month: string) => string;
  query: ReturnType<typeof goalQuery>;
}) {
  const goal = data.goal;
  const v = goalCardView(goal);
  return (
    <>
      <GoalFigures goal={goal} className="figures figures-row">
        <Figure label="Prognose Dezember" field="forecast-value">
          {v.forecastValue}
        </Figure>
      </GoalFigures>
      <GoalMissing goal={goal} />
      <ForecastSummary status={goal.forecast.status} v={v} />
      {v.drivers !== null && (
        <p className="drivers" data-field="drivers">
          Warum: {v.drivers}
        </p>
      )}
      <GoalChartFigure data={data} formatValue={formatValue} onMonthClick={onMonthClick} />
      {data.points.some((p) => p.previous !== null) && (
        <ChangeFigure data={data} onMonthClick={onMonthClick} />
      )}
      <GoalTable data={data} formatValue={formatValue} monthHref={monthHref} />
      <GoalCommentsFor series={data} />
      <ForecastQuality id={goal.id} query={query} />
    </>
  );
}

export default function Goal() {
  const params = useParams<{ id: string }>();
  const id = params.id ?? '';
  const search = useSearch();
  const common = parseCommon(new URLSearchParams(search));
  const q = goalQuery(common);
  // Both in parallel: the series for the chart, the goal list for the gender tabs.
  const series = useGoalSeries(id, q);
  const goals = useGoals(q);
  // Rendered from deferred copies: the answers arrive as urgent updates; deferred, the page renders
  // as a transition, in slices that leave the main thread free in between.
  const data = useDeferredValue(series.data);
  const goalsData = useDeferredValue(goals.data);

  if (series.isError) {
    return (
      <section className="page">
        <PageHeading title={`Ziel ${id}`} />
        <ErrorState error={series.error} what="Ziel" retry={() => void series.refetch()} />
        <p>
          <Link href={`/${commonSearch(common)}`}>Zurück zum Überblick</Link>
        </p>
      </section>
    );
  }
  if (data === undefined) return <Loading what="Ziel" />;
  return <GoalBody id={id} data={data} goalsData={goalsData} />;
}

const GoalBody = memo(function GoalBody({
  id,
  data,
  goalsData,
}: {
  id: string;
  data: SeriesData;
  goalsData: GoalsResponse | undefined;
}) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const common = parseCommon(new URLSearchParams(search));
  const q = goalQuery(common);
  const gender = parseGoalId(id)?.gender ?? null;
  const region = common.region ?? data.region.id;
  const unit = data.goal.unit;
  // Plan goals (euros, places) in their unit, compact; Tabelle 3 goals as the dashboard formats them.
  const plan = isPlanGoal(data.goal);
  const formatValue = useCallback(
    (v: number | null) => (plan ? formatInUnit(v, unit, { compact: true }) : formatGoalValue({ unit }, v)),
    [unit, plan],
  );
  const onMonthClick = useCallback(
    (month: string) => navigate(monthsLinkFor(region, month, gender)),
    [navigate, region, gender],
  );

  const goal = data.goal;
  // The region's newest month, to tell a chosen month from the Datenstand: asked for only when a
  // month or year is chosen (otherwise the goal stands at the newest month).
  const chosen = common.month !== null || common.year !== null;
  const regions = useRegions(chosen);
  const latest = chosen
    ? (regions.data?.regions.find((r) => r.id === data.region.id)?.latestDataMonth ?? null)
    : null;
  const state: CommonState = { region: data.region.id, year: data.year, month: common.month };
  const siblings = (goalsData?.goals ?? []).filter((g) => g.indicator === goal.indicator);
  const order = ['female', 'male', 'total'];
  siblings.sort((a, b) => order.indexOf(a.gender) - order.indexOf(b.gender));
  const panelId = 'goal-panel';

  const panel = isPlanGoal(goal) ? (
    <PlanGoalPanel
      data={data}
      formatValue={formatValue}
      monthLink={(month) => monthsLinkFor(state.region, month, null)}
      onMonthClick={onMonthClick}
    />
  ) : (
    <ChangeGoalPanel
      data={data}
      formatValue={formatValue}
      onMonthClick={onMonthClick}
      monthHref={(month) => monthsLinkFor(state.region, month, gender)}
      query={q}
    />
  );

  return (
    <section className="page goal-page" aria-labelledby="goal-h">
      <p className="breadcrumb">
        <Link href={`/${commonSearch(state)}`}>Überblick</Link> <span aria-hidden="true">›</span> {goal.label}
      </p>
      <div className="page-head">
        <div>
          <PageHeading id="goal-h" title={`${goal.label} ${data.year}`} />
          <p className="meta">
            {data.region.name} · <PeriodMeta dataMonth={data.dataMonth} latest={latest} />{' '}
            <SampleBadge sample={Boolean(data.region.sample)} asOf={data.region.sampleAsOf ?? null} />
          </p>
        </div>
        <StatusBadge status={goal.status} size="lg" />
      </div>
      {goalsData && (
        <StaleBanner
          stale={Boolean(goalsData.stale)}
          expectedMonth={goalsData.expectedMonth ?? null}
          dataMonth={goalsData.dataMonth}
        />
      )}

      {siblings.length > 1 && (
        <Tabs
          label="Geschlecht"
          items={siblings.map((g) => ({
            key: g.id,
            label: g.gender in GENDER_TEXT ? GENDER_TEXT[g.gender] : g.gender,
          }))}
          selected={goal.id}
          onSelect={(key) => navigate(`/ziel/${encodeURIComponent(key)}${commonSearch(state)}`)}
          panelId={panelId}
        />
      )}

      {siblings.length > 1 ? (
        <div id={panelId} role="tabpanel" aria-labelledby={`tab-${goal.id}`}>
          {panel}
        </div>
      ) : (
        <div id={panelId}>{panel}</div>
      )}
    </section>
  );
});
