/**
 * Prognosegüte: how good the yoy3 forecast has been in the product's own history, by origin month
 * (the backtest report of GET /api/goals/:id/backtest): the mean absolute error of the forecast
 * and of the naive "current change persists" baseline, and how often the 80 % interval held the
 * actual December change: built from every other case, and built from the other years only (what
 * a goal's interval is; the one that shows a common year effect).
 */
import { useDeferredValue } from 'react';
import { formatCount, formatNumber, formatShare, monthName } from '../../core/format';
import { type GoalQuery, useGoalBacktest } from '../api';
import { DataTable, num } from './DataTable';
import { ErrorState, Loading } from './States';

export function ForecastQuality({ id, query }: { id: string; query: GoalQuery }) {
  const bt = useGoalBacktest(id, query);
  // The table renders from a deferred copy (as a transition, in slices), see pages/Goal.tsx.
  const r = useDeferredValue(bt.data);
  if (bt.isError) return <ErrorState error={bt.error} what="Prognosegüte" retry={() => void bt.refetch()} />;
  if (r === undefined) return <Loading what="Prognosegüte" />;
  const pool = r.pool.sample ? 'der Beispielregionen' : 'aller geladenen Regionen';
  return (
    <section className="card forecast-quality" aria-labelledby="fq-h" data-testid="forecast-quality">
      <h2 id="fq-h">Prognosegüte</h2>
      <p>
        Rückrechnung der Prognose (letzte drei Monate gegen Vorjahr, bis Dezember fortgeschrieben) für jedes
        vergangene Jahr {pool} ({formatCount(r.pool.regions)} Regionen), je Prognosemonat: mittlere absolute
        Abweichung von der tatsächlichen Dezember-Veränderung, zum Vergleich die naive Fortschreibung der
        aktuellen Veränderung, und der Anteil der Fälle im 80 %-Intervall – einmal mit dem Intervall aus allen
        anderen Fällen („je Fall“), einmal nur aus den anderen Jahren („je Jahr“, so wie das Intervall der
        Prognose gebildet wird). Die Fehler eines Jahres hängen zusammen (alle Regionen hatten dieselbe Lage),
        daher braucht ein Intervall mindestens {r.minErrors} Vergleichsfälle aus mindestens {r.minYears}{' '}
        anderen Jahren. Die letzten beiden Spalten zeigen nur die Jahre von {r.region.name}.
      </p>
      <DataTable
        wrap
        testId="forecast-quality-table"
        caption={`Prognosegüte ${r.goal.label}: Abweichungen in Prozentpunkten der Veränderung`}
        columns={[
          'Prognose aus Monat',
          num('Fälle'),
          num('Abweichung Prognose'),
          num('Abweichung naiv'),
          num('im 80 %-Intervall je Fall'),
          num('im 80 %-Intervall je Jahr'),
          num(`Fälle ${r.region.name}`),
          num(`Abweichung Prognose ${r.region.name}`),
        ]}
      >
        {r.rows.map((row, i) => (
          <tr key={row.originMonth}>
            <th scope="row" className="row-head">
              {monthName(row.originMonth)}
            </th>
            <td className="num">{formatCount(row.cases)}</td>
            <td className="num">{formatNumber(row.maeForecast, 2)}</td>
            <td className="num">{formatNumber(row.maeNaive, 2)}</td>
            <td className="num">{row.coverage === null ? 'zu wenig Historie' : formatShare(row.coverage)}</td>
            <td className="num">
              {row.yearCoverage === null ? 'zu wenig Historie' : formatShare(row.yearCoverage)}
            </td>
            <td className="num">{formatCount(r.regionRows[i]?.cases ?? 0)}</td>
            <td className="num">{formatNumber(r.regionRows[i]?.maeForecast ?? null, 2)}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
