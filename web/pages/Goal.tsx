/**
 * Ziel: one goal's year as a chart (this year vs last year, target path, at-risk band, the forecast
 * with its 80 % band, revised months), the forecast, pace and drivers as sentences, a gender
 * switch, the table of the numbers the chart is drawn from, and the forecast's track record. A click
 * on a chart point (or a month in the table) opens Monatswerte filtered to that month and gender.
 */
import { useCallback } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { formatChange, formatMonth, GENDER_TEXT } from '../../core/format';
import { parseGoalId } from '../../core/goal-id';
import { useGoalSeries, useGoals } from '../api';
import { atRiskEdgePctOf, ChangeChart, GoalChart, monthlyChanges } from '../charts/GoalChart';
import { SampleBadge, StaleBanner } from '../components/DataNotices';
import { ForecastSummary } from '../components/Forecast';
import { ForecastQuality } from '../components/ForecastQuality';
import { GoalFigures, GoalMissing } from '../components/GoalFigures';
import { PageHeading } from '../components/PageHeading';
import { ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { Tabs } from '../components/Tabs';
import { formatGoalValue, goalCardView, goalValueName } from '../lib/goal-view';
import { type CommonState, commonSearch, goalQuery, monthsLinkFor, parseCommon } from '../lib/url-state';

export default function Goal() {
  const params = useParams<{ id: string }>();
  const id = params.id ?? '';
  const search = useSearch();
  const [, navigate] = useLocation();
  const common = parseCommon(new URLSearchParams(search));
  const q = goalQuery(common);
  // Both in parallel: the series for the chart, the goal list for the gender tabs.
  const series = useGoalSeries(id, q);
  const goals = useGoals(q);

  const ref = parseGoalId(id);
  const gender = ref?.gender ?? null;
  const region = common.region ?? series.data?.region.id ?? null;
  const indicator = series.data?.goal.indicator ?? ref?.indicator ?? '';
  const formatValue = useCallback((v: number | null) => formatGoalValue(indicator, v), [indicator]);
  const onMonthClick = useCallback(
    (month: string) => navigate(monthsLinkFor(region, month, gender)),
    [navigate, region, gender],
  );

  if (series.isPending) return <Loading what="Ziel" />;
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
  const data = series.data;
  const goal = data.goal;
  const v = goalCardView(goal);
  const state: CommonState = { region: data.region.id, year: data.year, month: common.month };
  const siblings = (goals.data?.goals ?? []).filter((g) => g.indicator === goal.indicator);
  const order = ['female', 'male', 'total'];
  siblings.sort((a, b) => order.indexOf(a.gender) - order.indexOf(b.gender));
  const valueName = goalValueName(goal.indicator);
  const withData = data.points.filter((p) => p.current !== null);
  const lastPoint = withData[withData.length - 1];
  const summary =
    `Diagramm ${goal.label} ${data.year}: ${valueName} ${formatMonth(goal.current.month)} ${v.current}, ` +
    `Vorjahr ${v.previous}, Veränderung ${v.change}. ` +
    `Prognose Dezember ${v.forecastValue} (${v.forecastChange}). ` +
    (lastPoint ? `Letzter Monat mit Daten: ${formatMonth(lastPoint.month)}. ` : '') +
    'Die Zahlen stehen in der Tabelle unter dem Diagramm.';
  const panelId = 'goal-panel';
  const edgePct = atRiskEdgePctOf(data.points);
  const changes = monthlyChanges(data.points);

  const panel = (
    <>
      <GoalFigures goal={goal} className="figures figures-row">
        <div className="figure">
          <dt>Prognose Dezember</dt>
          <dd data-field="forecast-value">{v.forecastValue}</dd>
        </div>
      </GoalFigures>
      <GoalMissing goal={goal} />
      <ForecastSummary status={goal.forecast.status} v={v} />
      {v.drivers !== null && (
        <p className="drivers" data-field="drivers">
          Warum: {v.drivers}
        </p>
      )}

      <figure className="card chart-card">
        <GoalChart
          points={data.points}
          year={data.year}
          formatValue={formatValue}
          ariaLabel={summary}
          onMonthClick={onMonthClick}
        />
        <figcaption>
          Ziel: {formatChange(goal.targetChangePct)} gegenüber dem Vorjahr (
          {goal.better === 'higher' ? 'höher ist besser' : 'niedriger ist besser'}). Zielpfad = Vorjahr × (1 +
          Ziel). Prognose (gestrichelt): die letzten drei Monate im Verhältnis zum Vorjahr, mit den
          Vorjahresmonaten bis Dezember fortgeschrieben; die Fläche darum zeigt das 80 %-Intervall aus der
          Rückrechnung (im Dezember, davor zur Orientierung aufgeweitet). Ein Klick auf einen Monat öffnet die
          Monatswerte.
        </figcaption>
      </figure>

      {edgePct !== null && (
        <figure className="card chart-card">
          <ChangeChart
            points={data.points}
            targetChangePct={goal.targetChangePct}
            atRiskEdgePct={edgePct}
            ariaLabel={`Diagramm: Veränderung gegenüber dem Vorjahr je Monat, Ziel ${formatChange(goal.targetChangePct)}, gefährdet bis ${formatChange(edgePct)}. Die Werte stehen in der Tabelle.`}
            onMonthClick={onMonthClick}
          />
          <figcaption>
            Veränderung gegenüber dem Vorjahresmonat ({valueName}) mit dem Ziel{' '}
            {formatChange(goal.targetChangePct)} und dem Bereich „gefährdet“ bis {formatChange(edgePct)}.
          </figcaption>
        </figure>
      )}

      <div className="table-wrap">
        <table className="data-table" data-testid="goal-table">
          <caption>Zahlen zum Diagramm: {valueName} je Monat</caption>
          <thead>
            <tr>
              <th scope="col">Monat</th>
              <th scope="col" className="num">
                {data.year}
              </th>
              <th scope="col" className="num">
                {data.year - 1}
              </th>
              <th scope="col" className="num">
                Veränderung
              </th>
              <th scope="col" className="num">
                Zielpfad
              </th>
              <th scope="col" className="num">
                Grenze „gefährdet“
              </th>
              <th scope="col" className="num">
                Prognose
              </th>
            </tr>
          </thead>
          <tbody>
            {data.points.map((p, i) => (
              <tr key={p.month}>
                <th scope="row" className="row-head">
                  <Link href={monthsLinkFor(state.region, p.month, gender)}>{formatMonth(p.month)}</Link>
                  {p.revised && (
                    <span className="revised-mark" title="revidiert">
                      {' '}
                      <span aria-hidden="true">↻</span>
                      <span className="visually-hidden">revidiert</span>
                    </span>
                  )}
                </th>
                <td className="num">{formatValue(p.current)}</td>
                <td className="num">{formatValue(p.previous)}</td>
                <td className="num">{formatChange(changes.actual[i] ?? null)}</td>
                <td className="num">{formatValue(p.target)}</td>
                <td className="num">{formatValue(p.atRiskEdge)}</td>
                <td className="num">{p.forecast === null ? '' : formatValue(p.forecast)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ForecastQuality id={goal.id} query={q} />
    </>
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
            {data.region.name} · Datenstand: {formatMonth(data.dataMonth)}{' '}
            <SampleBadge sample={Boolean(data.region.sample)} asOf={data.region.sampleAsOf ?? null} />
          </p>
        </div>
        <StatusBadge status={goal.status} size="lg" />
      </div>
      {goals.data && (
        <StaleBanner
          stale={Boolean(goals.data.stale)}
          expectedMonth={goals.data.expectedMonth ?? null}
          dataMonth={goals.data.dataMonth}
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
}
