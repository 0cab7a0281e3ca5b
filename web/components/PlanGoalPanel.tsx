/**
 * The Ziel page body of a plan goal (cumulative, budget, capacity): the figures against the plan,
 * the year-to-date figure against the plan path and last year (forecast dashed), and the table of
 * the numbers the chart is drawn from.
 */
import { Link } from 'wouter';
import { formatGoalValue, formatMonth } from '../../core/format';
import type { GoalSeriesResponse } from '../api';
import { GoalChart } from '../charts/GoalChart';
import { missingLines } from '../lib/goal-view';
import { planCardView } from '../lib/plan-view';
import { StatusBadge } from './StatusBadge';

const SIDE: Record<string, string> = {
  higher: 'Unterschreiten des Pfades ist kritisch',
  lower: 'Überschreiten des Pfades ist kritisch',
  both: 'Unter- und Überschreiten sind kritisch (nicht verausgabte Mittel verfallen)',
};

export function PlanGoalPanel({
  data,
  formatValue,
  monthLink,
  onMonthClick,
}: {
  data: GoalSeriesResponse;
  formatValue: (v: number | null) => string;
  monthLink: (month: string) => string;
  onMonthClick: (month: string) => void;
}) {
  const goal = data.goal;
  const v = planCardView(goal);
  const rule = goal.planRule;
  const capacity = goal.kind === 'capacity';
  const summary =
    `Diagramm ${goal.label} ${data.year}: ${v.currentLabel} ${v.current}, ${v.planToDateLabel} ${v.planToDate}, ` +
    `Jahresplan ${v.plan}. ${v.forecast ? `${v.forecast.label} ${v.forecast.value}. ` : ''}` +
    'Die Zahlen stehen in der Tabelle unter dem Diagramm.';
  return (
    <>
      <PlanFigures v={v} status={goal.forecast.status} />
      {v.pace && (
        <p className="plan-pace" data-field="pace">
          {v.pace}
        </p>
      )}
      {goal.status === 'no_data' && goal.missing.length > 0 && (
        <div className="missing">
          <p>Es fehlen Werte:</p>
          <ul className="missing-list">
            {missingLines(goal).map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </div>
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
          {capacity
            ? `Mittlere Belegung seit Januar gegen die geplanten ${v.plan} Plätze.`
            : `Ist seit Januar gegen den Planpfad zum Jahresplan ${v.plan} (${rule?.profile === 'last_year' ? 'Verlauf des Vorjahres' : rule?.profile === 'explicit' ? 'Monatsverlauf laut Zieldatei' : 'gleichmäßig je Monat'}); gestrichelt die Prognose: die restlichen Monate im Verlauf des Vorjahres, skaliert mit dem Verhältnis der letzten drei Monate.`}{' '}
          {rule &&
            `Im Ziel bis ${rule.tolerancePct} % Abweichung, gefährdet bis ${rule.tolerancePct + rule.bandPct} %; ${SIDE[goal.better] ?? ''}.`}
        </figcaption>
      </figure>

      <PlanTable data={data} capacity={capacity} monthLink={monthLink} />
    </>
  );
}

/** The figures against the plan: to date, the whole year, the deviation and the forecast. */
function PlanFigures({
  v,
  status,
}: {
  v: ReturnType<typeof planCardView>;
  status: GoalSeriesResponse['goal']['forecast']['status'];
}) {
  return (
    <dl className="figures figures-row">
      <div className="figure figure-main">
        <dt>{v.currentLabel}</dt>
        <dd data-field="current">{v.current}</dd>
      </div>
      <div className="figure">
        <dt>{v.planToDateLabel}</dt>
        <dd data-field="plan-to-date">{v.planToDate}</dd>
      </div>
      <div className="figure">
        <dt>Jahresplan</dt>
        <dd data-field="plan">{v.plan}</dd>
      </div>
      <div className="figure">
        <dt>Abweichung</dt>
        <dd data-field="deviation">{v.deviation}</dd>
      </div>
      {v.extra && (
        <div className="figure">
          <dt>{v.extra.label}</dt>
          <dd data-field="extra">{v.extra.value}</dd>
        </div>
      )}
      {v.forecast && (
        <div className="figure projection">
          <dt>{v.forecast.label} (Hochrechnung)</dt>
          <dd data-field="projection">
            {v.forecast.value} ({v.forecast.change}) <StatusBadge status={status} size="sm" />
          </dd>
        </div>
      )}
    </dl>
  );
}

/** The numbers the chart is drawn from, one row per month. */
function PlanTable({
  data,
  capacity,
  monthLink,
}: {
  data: GoalSeriesResponse;
  capacity: boolean;
  monthLink: (month: string) => string;
}) {
  // The table gives whole amounts ("1.095.412 €"); the chart's axis the compact form.
  const full = (n: number | null) => formatGoalValue(n, data.goal.unit);
  const valueName = capacity ? 'Ø Belegung seit Januar' : 'Ist seit Januar (kumuliert)';
  return (
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
              {capacity ? 'Geplante Plätze' : 'Planpfad'}
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
          {data.points.map((p) => (
            <tr key={p.month}>
              <th scope="row" className="row-head">
                <Link href={monthLink(p.month)}>{formatMonth(p.month)}</Link>
              </th>
              <td className="num">{full(p.current)}</td>
              <td className="num">{full(p.previous)}</td>
              <td className="num">{full(p.target)}</td>
              <td className="num">{full(p.atRiskEdge)}</td>
              <td className="num">{p.forecast === null ? '' : full(p.forecast)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
