/** The numbers a goal's chart is drawn from, one row per month; a month links to Monatswerte. */
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { formatMonth } from '../../core/format';
import { DataTable, num } from './DataTable';

export interface SeriesColumn<P> {
  label: string;
  cell: (point: P) => string;
}

export function SeriesTable<P extends { month: string }>({
  valueName,
  points,
  columns,
  monthHref,
  mark,
}: {
  /** What the chart shows ("Ist seit Januar (kumuliert)"), for the caption. */
  valueName: string;
  points: readonly P[];
  columns: readonly SeriesColumn<P>[];
  monthHref: (month: string) => string;
  /** A mark after the month (revised). */
  mark?: (point: P) => ReactNode;
}) {
  return (
    <DataTable
      wrap
      testId="goal-table"
      caption={`Zahlen zum Diagramm: ${valueName} je Monat`}
      columns={['Monat', ...columns.map((c) => num(c.label))]}
    >
      {points.map((p) => (
        <tr key={p.month}>
          <th scope="row" className="row-head">
            <Link href={monthHref(p.month)}>{formatMonth(p.month)}</Link>
            {mark?.(p)}
          </th>
          {columns.map((c) => (
            <td key={c.label} className="num">
              {c.cell(p)}
            </td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}
