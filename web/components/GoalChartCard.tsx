/** A goal's year chart as a card: the chart, what goes with it (comment markers), its caption. */
import type { ReactNode } from 'react';
import { GoalChart, type GoalChartProps } from '../charts/GoalChart';

export function GoalChartCard({
  series,
  caption,
  children,
  ...chart
}: Omit<GoalChartProps, 'points' | 'year'> & {
  /** The goal's year and its points (a series answer). */
  series: Pick<GoalChartProps, 'points' | 'year'>;
  caption: ReactNode;
  /** Shown between the chart and its caption. */
  children?: ReactNode;
}) {
  return (
    <figure className="card chart-card">
      <GoalChart points={series.points} year={series.year} {...chart} />
      {children}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
