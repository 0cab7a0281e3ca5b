/** A goal's year chart as a card: the chart, what goes with it (comment markers), its caption. */
import type { ReactNode } from 'react';
import { GoalChart, type GoalChartProps } from '../charts/GoalChart';

export function GoalChartCard({
  caption,
  children,
  ...chart
}: GoalChartProps & {
  caption: ReactNode;
  /** Shown between the chart and its caption. */
  children?: ReactNode;
}) {
  return (
    <figure className="card chart-card">
      <GoalChart {...chart} />
      {children}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
