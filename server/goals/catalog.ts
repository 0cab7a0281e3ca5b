/**
 * The reference data of one data version: indicator definitions, regions, and the goal specs
 * built from the targets (one query per year for every region). Rebuilt when the version moves.
 */
import type { Kysely } from 'kysely';
import { listIndicators } from '../db/repositories/indicators.js';
import { getHomeRegion } from '../db/repositories/jobcenters.js';
import { listPlanTargets, toPlanGoalSpec } from '../db/repositories/plan-targets.js';
import { listAllRegions, listRegionAliases } from '../db/repositories/regions.js';
import { listTargets } from '../db/repositories/targets.js';
import type { Database, Region, Target } from '../db/schema.js';
import { makeGoalSpec } from '../domain/goals.js';
import type { GoalSpec, IndicatorDef, PlanGoalSpec } from '../domain/types.js';

export interface Catalog {
  defs: ReadonlyMap<string, IndicatorDef>;
  /** Every region by id, ordered by id. */
  regions: ReadonlyMap<string, Region>;
  /** Other keys of regions (lower-cased alias → region id): `t11522` finds `01060`. */
  aliases: ReadonlyMap<string, string>;
  /** The region of the Jobcenter chosen at set-up (meta `home_region`), or null. */
  home: string | null;
  /** The goal specs of a region and year (from the targets). */
  specs(regionId: string, year: number): Promise<GoalSpec[]>;
  /** The plan goal specs (cumulative, budget, capacity) of a region and year (from plan_targets). */
  planSpecs(regionId: string, year: number): Promise<PlanGoalSpec[]>;
}

/** Goal specs from a region's target rows of one year. */
export function specsOf(defs: ReadonlyMap<string, IndicatorDef>, targets: readonly Target[]): GoalSpec[] {
  const out: GoalSpec[] = [];
  for (const t of targets) {
    const def = defs.get(t.indicator_code);
    if (!def) continue; // FK guarantees it exists; kept for type narrowing
    out.push(
      makeGoalSpec(def, {
        gender: t.gender,
        year: t.year,
        targetChangePct: t.target_change_pct,
        better: t.better,
        source: t.source,
      }),
    );
  }
  return out;
}

export async function loadCatalog(db: Kysely<Database>): Promise<Catalog> {
  const [indicators, regions, aliases, home] = await Promise.all([
    listIndicators(db),
    listAllRegions(db),
    listRegionAliases(db),
    getHomeRegion(db),
  ]);
  const defs = new Map(indicators.map((i) => [i.code, i]));
  const byYear = new Map<number, Promise<Map<string, GoalSpec[]>>>();
  const specsOfYear = (year: number) => {
    let p = byYear.get(year);
    if (!p) {
      p = listTargets(db, { year }).then((rows) => {
        const byRegion = new Map<string, Target[]>();
        for (const t of rows) {
          const list = byRegion.get(t.region_id) ?? [];
          list.push(t);
          byRegion.set(t.region_id, list);
        }
        return new Map([...byRegion].map(([id, list]) => [id, specsOf(defs, list)]));
      });
      byYear.set(year, p);
      // A failed read is not kept for the rest of the version.
      p.catch(() => byYear.delete(year));
    }
    return p;
  };
  const planByYear = new Map<number, Promise<Map<string, PlanGoalSpec[]>>>();
  const planSpecsOfYear = (year: number) => {
    let p = planByYear.get(year);
    if (!p) {
      p = listPlanTargets(db, { year }).then((rows) => {
        const byRegion = new Map<string, PlanGoalSpec[]>();
        for (const t of rows) {
          const def = defs.get(t.indicator_code);
          if (!def) continue; // FK guarantees it exists
          byRegion.set(t.region_id, [...(byRegion.get(t.region_id) ?? []), toPlanGoalSpec(t, def)]);
        }
        return byRegion;
      });
      planByYear.set(year, p);
      p.catch(() => planByYear.delete(year));
    }
    return p;
  };
  return {
    defs,
    regions: new Map(regions.map((r) => [r.id, r])),
    aliases,
    home,
    specs: async (regionId, year) => (await specsOfYear(year)).get(regionId) ?? [],
    planSpecs: async (regionId, year) => (await planSpecsOfYear(year)).get(regionId) ?? [],
  };
}
