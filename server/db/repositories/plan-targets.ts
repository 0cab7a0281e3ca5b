import type { Kysely } from 'kysely';
import { goalUnitOf } from '../../domain/goals.js';
import { makePlanGoalSpec } from '../../domain/plan-goals.js';
import type { IndicatorDef, PathProfile, PlanGoalSpec } from '../../domain/types.js';
import type { Database, PlanTarget } from '../schema.js';
import { type TargetFilter, targetFilterWhere } from './targets.js';

/** A plan target with the commitments series of its indicator (budgets). */
export type PlanTargetRow = PlanTarget & { commitments_code: string | null };

/** Plan targets (kind cumulative, budget, capacity), ordered by region, year and kind. */
export async function listPlanTargets(db: Kysely<Database>, filter: TargetFilter): Promise<PlanTargetRow[]> {
  return db
    .selectFrom('plan_targets as p')
    .innerJoin('indicators as i', 'i.code', 'p.indicator_code')
    .selectAll('p')
    .select('i.commitments_code')
    .where(targetFilterWhere(filter, 'p'))
    .orderBy('p.region_id')
    .orderBy('p.year')
    .orderBy('p.id')
    .execute();
}

function profileOf(t: PlanTarget): PathProfile {
  if (t.profile === 'explicit' && t.profile_weights !== null) {
    const parsed: unknown = JSON.parse(t.profile_weights);
    if (Array.isArray(parsed) && parsed.length === 12 && parsed.every((w) => typeof w === 'number')) {
      return { type: 'explicit', weights: parsed };
    }
    throw new RangeError(`plan target ${t.id}: profile_weights is not 12 numbers`);
  }
  return t.profile === 'last_year' ? { type: 'last_year' } : { type: 'pro_rata' };
}

function weightsOf(t: PlanTarget): number[] | null {
  const p = profileOf(t);
  return p.type === 'explicit' ? [...p.weights] : null;
}

/** A plan target as GET /api/targets shows it (beside the Tabelle 3 targets). */
export function toPlanTargetInfo(t: PlanTargetRow) {
  return {
    id: t.id,
    region: t.region_id,
    year: t.year,
    indicator: t.indicator_code,
    kind: t.kind,
    plan: t.plan_value,
    better: t.better,
    tolerancePct: t.tolerance_pct,
    bandPct: t.band_pct,
    profile: t.profile,
    profileWeights: weightsOf(t),
    source: t.source,
    updatedAt: t.updated_at,
    updatedBy: t.updated_by,
  };
}

/** The domain spec of a plan target row (the one place a row becomes a PlanGoalSpec). */
export function toPlanGoalSpec(t: PlanTargetRow, indicator: IndicatorDef): PlanGoalSpec {
  return makePlanGoalSpec(indicator, {
    kind: t.kind,
    unit: goalUnitOf(indicator.unit),
    year: t.year,
    plan: t.plan_value,
    better: t.better,
    tolerancePct: t.tolerance_pct,
    bandPct: t.band_pct,
    profile: profileOf(t),
    commitmentsCode: t.commitments_code,
    source: t.source,
  });
}
