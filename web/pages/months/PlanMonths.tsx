/**
 * Monatswerte, section Planwerte: the series of the plan goals (entries, spending, commitments,
 * places) by month, newest first, with CSV and XLSX export of the same rows.
 */
import { useDeferredValue } from 'react';
import { formatGoalValue, formatMonth } from '../../../core/format';
import { usePlanMonths } from '../../api';
import { DataTable, num } from '../../components/DataTable';
import { ErrorState, Loading } from '../../components/States';
import { goalUnitOfIndicator } from '../../lib/plan-view';

function exportUrl(region: string | null, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams({ format });
  if (region) q.set('region', region);
  return `/api/months/plan?${q.toString()}`;
}

export function PlanMonths({ region }: { region: string | null }) {
  const plan = usePlanMonths(region ? { region } : {});
  // Rendered from a deferred copy (as a transition, in slices), see pages/Months.tsx.
  const data = useDeferredValue(plan.data);
  if (plan.isError)
    return <ErrorState error={plan.error} what="Planwerte" retry={() => void plan.refetch()} />;
  if (data === undefined) return <Loading what="Planwerte" />;
  const { columns, rows } = data;
  if (columns.length === 0) return null;
  return (
    <section className="plan-months" aria-labelledby="plan-months-h" data-testid="plan-months">
      <div className="page-head">
        <h2 id="plan-months-h">Planwerte: Eingliederung und Budget</h2>
        <div className="export">
          {(['csv', 'xlsx'] as const).map((format) => (
            <a
              key={format}
              className="button"
              href={exportUrl(region, format)}
              download
              data-testid={`plan-export-${format}`}
            >
              <span className="visually-hidden">Export der Planwerte als </span>
              {format === 'csv' ? 'CSV (Excel)' : 'XLSX'}
            </a>
          ))}
        </div>
      </div>
      <DataTable
        wrap
        testId="plan-months-table"
        caption="Eintritte, Ausgaben, Bindungen und Belegung je Monat (insgesamt)"
        columns={[
          'Monat',
          ...columns.map((c) => num(c.name, { key: c.code, title: `Kürzel in Importdateien: ${c.code}` })),
        ]}
      >
        {rows.map((r) => (
          <tr key={r.month}>
            <th scope="row" className="row-head">
              {formatMonth(r.month)}
            </th>
            {columns.map((c) => (
              <td key={c.code} className="num" data-code={c.code}>
                {r.values[c.code] == null
                  ? (r.flags[c.code] ?? '')
                  : formatGoalValue(r.values[c.code], goalUnitOfIndicator(c.unit))}
              </td>
            ))}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
