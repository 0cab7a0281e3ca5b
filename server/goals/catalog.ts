/**
 * The reference data of one data version: indicator definitions, regions, and the goal specs
 * built from the targets (one query per year for every region). Rebuilt when the version moves.
 */
import type { Kysely } from 'kysely';
import { groupBy } from '../../core/group-by.js';
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
  const specsOfYear = perYear(async (year) => {
    const byRegion = groupBy(await listTargets(db, { year }), (t) => t.region_id);
    return new Map([...byRegion].map(([id, list]) => [id, specsOf(defs, list)]));
  });
  const planSpecsOfYear = perYear(async (year) => {
    const specs = (await listPlanTargets(db, { year })).flatMap((t) => {
      const def = defs.get(t.indicator_code); // the foreign key guarantees it exists
      return def ? [{ region: t.region_id, spec: toPlanGoalSpec(t, def) }] : [];
    });
    return groupBy(
      specs,
      (s) => s.region,
      (s): PlanGoalSpec => s.spec,
    );
  });
  return {
    defs,
    regions: new Map(regions.map((r) => [r.id, r])),
    aliases,
    home,
    specs: async (regionId, year) => (await specsOfYear(year)).get(regionId) ?? [],
    planSpecs: async (regionId, year) => (await planSpecsOfYear(year)).get(regionId) ?? [],
  };
}

/** A year's value read once and shared by every caller; a failed read is not kept. */
function perYear<T>(read: (year: number) => Promise<T>): (year: number) => Promise<T> {
  const byYear = new Map<number, Promise<T>>();
  return (year) => {
    let p = byYear.get(year);
    if (!p) {
      p = read(year);
      byYear.set(year, p);
      p.catch(() => byYear.delete(year));
    }
    return p;
  };
}
