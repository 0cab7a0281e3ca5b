/**
 * A tiny hand-drawn SVG line (no ECharts on the overview): this year solid, last year dotted, the
 * December target level as a dashed rule.
 */
import { sparkline } from '../lib/sparkline';

export function Sparkline({
  current,
  previous,
  target,
  label,
}: {
  current: readonly (number | null)[];
  previous: readonly (number | null)[];
  target: number | null;
  label: string;
}) {
  const w = 160;
  const h = 40;
  const g = sparkline([previous, current], w, h, 12, 3, target);
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${w} ${h}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      {g.refY !== null && <line className="spark-target" x1={0} x2={w} y1={g.refY} y2={g.refY} />}
      {g.paths[0] && <path className="spark-previous" d={g.paths[0]} />}
      {g.paths[1] && <path className="spark-current" d={g.paths[1]} />}
    </svg>
  );
}
