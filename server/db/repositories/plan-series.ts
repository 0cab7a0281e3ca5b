import type { Kysely } from 'kysely';
import type { Month } from '../../domain/types.js';
import type { Database } from '../schema.js';

/** An indicator shown in the Planwerte table: its code, German name and unit. */
export interface PlanSeriesDef {
  code: string;
  name: string;
  unit: string;
}

/**
 * The series of the plan goals: loadable base counts (formula `count`) that are not an input of a
 * Tabelle 3 indicator (INT, ELB, LZB are), e.g. EIN_FBW, EGT_IST, EGT_BIND, BELEGT_AC. Decided by
 * the indicators table, so a new plan series is a row there.
 */
export async function listPlanSeriesDefs(db: Kysely<Database>): Promise<PlanSeriesDef[]> {
  const rows = await db
    .selectFrom('indicators')
    .select(['code', 'name', 'unit', 'formula', 'numerator_code', 'denominator_code'])
    .execute();
  const inputs = new Set<string>();
  for (const r of rows) {
    if (r.formula === 'rate' || r.formula === 'stock') {
      if (r.numerator_code) inputs.add(r.numerator_code);
      if (r.denominator_code) inputs.add(r.denominator_code);
    }
  }
  return rows
    .filter((r) => r.formula === 'count' && !inputs.has(r.code))
    .map((r) => ({ code: r.code, name: r.name, unit: r.unit }));
}

/** The values (gender total) of `codes` for a region, optionally within [from, to], by month. */
export async function listPlanObservations(
  db: Kysely<Database>,
  regionId: string,
  codes: readonly string[],
  range: { from?: Month | undefined; to?: Month | undefined },
): Promise<{ month: Month; indicator_code: string; value: number | null; flag: string | null }[]> {
  if (codes.length === 0) return [];
  let q = db
    .selectFrom('observations')
    .select(['month', 'indicator_code', 'value', 'flag'])
    .where('region_id', '=', regionId)
    .where('gender', '=', 'total')
    .where('indicator_code', 'in', [...codes]);
  if (range.from !== undefined) q = q.where('month', '>=', range.from);
  if (range.to !== undefined) q = q.where('month', '<=', range.to);
  return q.orderBy('month').execute();
}
