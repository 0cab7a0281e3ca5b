/**
 * The Planwerte of Monatswerte: one row per month with the series of the plan goals (entries,
 * spending, commitments, places), for the table and its CSV/XLSX export.
 */
import type { Kysely } from 'kysely';
import {
  listPlanObservations,
  listPlanSeriesDefs,
  type PlanSeriesDef,
} from '../db/repositories/plan-series.js';
import type { Database } from '../db/schema.js';
import type { Month } from '../domain/types.js';

export interface PlanMonthRow {
  month: Month;
  /** Value per indicator code; null when absent or a BA marker (see `flags`). */
  values: Record<string, number | null>;
  flags: Record<string, string | null>;
}

export interface PlanMonths {
  /** The plan series that have at least one value for the region, in the indicators' order. */
  columns: PlanSeriesDef[];
  /** Newest month first. */
  rows: PlanMonthRow[];
}

export async function planMonthRows(
  db: Kysely<Database>,
  regionId: string,
  range: { from?: Month | undefined; to?: Month | undefined },
): Promise<PlanMonths> {
  const defs = await listPlanSeriesDefs(db);
  const obs = await listPlanObservations(
    db,
    regionId,
    defs.map((d) => d.code),
    range,
  );
  const present = new Set(obs.map((o) => o.indicator_code));
  const columns = defs.filter((d) => present.has(d.code));
  const byMonth = new Map<Month, PlanMonthRow>();
  for (const o of obs) {
    let row = byMonth.get(o.month);
    if (!row) {
      row = { month: o.month, values: {}, flags: {} };
      for (const c of columns) {
        row.values[c.code] = null;
        row.flags[c.code] = null;
      }
      byMonth.set(o.month, row);
    }
    row.values[o.indicator_code] = o.value;
    row.flags[o.indicator_code] = o.flag;
  }
  return { columns, rows: [...byMonth.values()].reverse() };
}
