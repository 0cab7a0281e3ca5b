/**
 * A sparkline as plain SVG path data: the overview draws six tiny lines, and pulling ECharts into
 * the first page for them would cost more than the whole page. Gaps (null) break the line.
 */

export interface SparkGeometry {
  /** Path data per series, in the given order; '' when a series has no values. */
  paths: string[];
  /** The y coordinate of a reference value (e.g. the target), when given and in range. */
  refY: number | null;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * Lays out series of up to `slots` points (e.g. the 12 months) on a width × height box with a
 * shared y scale, padded by `pad` pixels so that strokes are not clipped.
 */
export function sparkline(
  series: readonly (readonly (number | null)[])[],
  width: number,
  height: number,
  slots = 12,
  pad = 2,
  ref: number | null = null,
): SparkGeometry {
  const values = series.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  if (ref !== null && Number.isFinite(ref)) values.push(ref);
  if (values.length === 0) return { paths: series.map(() => ''), refY: null };
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const x = (i: number) => pad + (slots <= 1 ? 0 : (i * (width - 2 * pad)) / (slots - 1));
  const y = (v: number) => pad + ((max - v) * (height - 2 * pad)) / (max - min);
  const paths = series.map((s) => {
    let d = '';
    let pen = false;
    s.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${round(x(i))} ${round(y(v))}`;
      pen = true;
    });
    return d;
  });
  return { paths, refY: ref !== null && Number.isFinite(ref) ? y(ref) : null };
}
