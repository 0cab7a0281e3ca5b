import { formatGoalValue } from '../../core/format';
import type { GoalSeriesResponse } from '../api';
import { planCardView } from '../lib/plan-view';
import { Figure } from './Figure';
import { GoalChartCard } from './GoalChartCard';
import { GoalMissing } from './GoalFigures';
import { PlanExtraFigure, PlanToDateFigures } from './PlanGoalCard';
import { type SeriesColumn, SeriesTable } from './SeriesTable';
import { StatusBadge } from './StatusBadge';

const SIDE: Record<string, string> = {
  higher: 'Unterschreiten des Pfades ist kritisch',
  lower: 'Überschreiten des Pfades ist kritisch',
  both: 'Unter- und Überschreiten sind kritisch (nicht verausgabte Mittel verfallen)',
};

/** How the dashed forecast is made: along the goal's own path, or along last year's months. */
function forecastCaption(profile: string | undefined): string {
  return profile === 'last_year'
    ? 'die restlichen Monate im Verlauf des Vorjahres, skaliert mit dem Verhältnis der letzten drei Monate'
    : 'der weitere Planpfad, skaliert mit dem Verhältnis von Ist zu Planpfad seit Januar';
}

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
      <GoalMissing goal={goal} />

      <GoalChartCard
        series={data}
        formatValue={formatValue}
        ariaLabel={summary}
        onMonthClick={onMonthClick}
        caption={
          <>
            {capacity
              ? `Mittlere Belegung seit Januar gegen die geplanten ${v.plan} Plätze.`
              : `Ist seit Januar gegen den Planpfad zum Jahresplan ${v.plan} (${rule?.profile === 'last_year' ? 'Verlauf des Vorjahres' : rule?.profile === 'explicit' ? 'Monatsverlauf laut Zieldatei' : 'gleichmäßig je Monat'}); gestrichelt die Prognose: ${forecastCaption(rule?.profile)}.`}{' '}
            {rule &&
              `Im Ziel bis ${rule.tolerancePct} % Abweichung, gefährdet bis ${rule.tolerancePct + rule.bandPct} %; ${SIDE[goal.better] ?? ''}.`}
            {goal.kind === 'budget' &&
              ' Eine Prognose über dem Jahresplan ist nie im Ziel: der Plan ist das verfügbare Mittelvolumen.'}
          </>
        }
      />

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
      <PlanToDateFigures v={v} />
      <Figure label="Jahresplan" field="plan">
        {v.plan}
      </Figure>
      <Figure label="Abweichung" field="deviation">
        {v.deviation}
      </Figure>
      <PlanExtraFigure v={v} />
      {v.forecast && (
        <Figure className="projection" label={`${v.forecast.label} (Hochrechnung)`} field="projection">
          {v.forecast.value} ({v.forecast.change}){' '}
          <StatusBadge status={status} size="sm" prefix="voraussichtlich" />
        </Figure>
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
  const columns: SeriesColumn<GoalSeriesResponse['points'][number]>[] = [
    { label: String(data.year), cell: (p) => full(p.current) },
    { label: String(data.year - 1), cell: (p) => full(p.previous) },
    { label: capacity ? 'Geplante Plätze' : 'Planpfad', cell: (p) => full(p.target) },
    { label: 'Grenze „gefährdet“', cell: (p) => full(p.atRiskEdge) },
    { label: 'Prognose', cell: (p) => (p.forecast === null ? '' : full(p.forecast)) },
  ];
  return (
    <SeriesTable
      valueName={capacity ? 'Ø Belegung seit Januar' : 'Ist seit Januar (kumuliert)'}
      points={data.points}
      columns={columns}
      monthHref={monthLink}
    />
  );
}
