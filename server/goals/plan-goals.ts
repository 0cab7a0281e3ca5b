/**
 * The goal service's part for plan goals (cumulative, budget, capacity): loads the plan targets
 * of a year once per data version and evaluates them with the domain (server/domain/plan-goals.ts)
 * into the same goal object as the Tabelle 3 goals.
 */
import type { Db } from '../db/connection.js';
import { listPlanTargets, toPlanGoalSpec } from '../db/repositories/plan-targets.js';
import { evaluatePlanGoal, planGoalSeries } from '../domain/plan-goals.js';
import type {
  GoalEvaluation,
  GoalOptions,
  GoalSeriesPoint,
  IndicatorDef,
  Month,
  PlanGoalSpec,
  SeriesLookup,
} from '../domain/types.js';

export interface PlanGoals {
  /** The plan goals of a region and year, evaluated at `month`. */
  evaluate(
    version: string,
    q: {
      regionId: string;
      year: number;
      month: Month;
      lookup: SeriesLookup;
      defs: Map<string, IndicatorDef>;
    },
  ): Promise<GoalEvaluation[]>;
  /** The chart points of one plan goal, or null when the region has no plan goal `id` that year. */
  series(
    version: string,
    q: {
      regionId: string;
      year: number;
      id: string;
      dataMonth: Month;
      lookup: SeriesLookup;
      defs: Map<string, IndicatorDef>;
    },
  ): Promise<GoalSeriesPoint[] | null>;
}

export function createPlanGoals(db: Db, options: GoalOptions): PlanGoals {
  let cacheVersion = '';
  let byYear = new Map<number, Promise<Awaited<ReturnType<typeof listPlanTargets>>>>();

  async function specs(
    version: string,
    regionId: string,
    year: number,
    defs: Map<string, IndicatorDef>,
  ): Promise<PlanGoalSpec[]> {
    if (version !== cacheVersion) {
      cacheVersion = version;
      byYear = new Map();
    }
    let rows = byYear.get(year);
    if (!rows) {
      rows = listPlanTargets(db.db, { year });
      byYear.set(year, rows);
      rows.catch(() => byYear.delete(year));
    }
    const out: PlanGoalSpec[] = [];
    for (const t of await rows) {
      const def = defs.get(t.indicator_code);
      if (t.region_id === regionId && def) out.push(toPlanGoalSpec(t, def));
    }
    return out;
  }

  return {
    async evaluate(version, q) {
      const list = await specs(version, q.regionId, q.year, q.defs);
      return list.map((spec) => evaluatePlanGoal(spec, q.lookup, q.month, options));
    },
    async series(version, q) {
      const spec = (await specs(version, q.regionId, q.year, q.defs)).find((s) => s.id === q.id);
      return spec ? planGoalSeries(spec, q.lookup, q.year, q.dataMonth, options) : null;
    },
  };
}
