import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Better, Gender } from '../../domain/types.js';
import type { Database, Target } from '../schema.js';
import { bumpDataVersionKeepingObservations } from './meta.js';

/** A target as the API shows it. */
export interface TargetInfo {
  id: number;
  region: string;
  year: number;
  indicator: string;
  gender: Gender;
  targetChangePct: number;
  better: Better;
  source: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

export function toTargetInfo(t: Target): TargetInfo {
  return {
    id: t.id,
    region: t.region_id,
    year: t.year,
    indicator: t.indicator_code,
    gender: t.gender,
    targetChangePct: t.target_change_pct,
    better: t.better,
    source: t.source,
    updatedAt: t.updated_at,
    updatedBy: t.updated_by,
  };
}

/** Which targets a list holds: those of one region, of one year, of both, or all. */
export interface TargetFilter {
  region?: string | undefined;
  year?: number | undefined;
}

/**
 * The filter as a condition on a table with `region_id` and `year` (the change targets, the plan
 * targets), named by `alias` where the query joins.
 */
export function targetFilterWhere(filter: TargetFilter, alias?: 't' | 'p') {
  const column = (name: 'region_id' | 'year') => sql.ref(alias ? `${alias}.${name}` : name);
  const parts = [
    ...(filter.region !== undefined ? [sql`${column('region_id')} = ${filter.region}`] : []),
    ...(filter.year !== undefined ? [sql`${column('year')} = ${filter.year}`] : []),
  ];
  return parts.length > 0 ? sql<SqlBool>`${sql.join(parts, sql` and `)}` : sql<SqlBool>`1 = 1`;
}

/** Targets ordered by region, year, indicator and gender (insgesamt, Frauen, Männer). */
export async function listTargets(db: Kysely<Database>, filter: TargetFilter): Promise<Target[]> {
  return db
    .selectFrom('targets')
    .selectAll()
    .where(targetFilterWhere(filter))
    .orderBy('region_id')
    .orderBy('year')
    .orderBy('indicator_code')
    .orderBy(sql`case gender when 'total' then 0 when 'female' then 1 else 2 end`)
    .execute();
}

/** A target to write (file or API): its fields, and who changed it. */
export type TargetInput = Omit<TargetInfo, 'id' | 'updatedAt' | 'updatedBy'> & { changedBy: string | null };

/** The stored fields of a target that the write rule compares. */
export interface StoredTarget {
  id: number;
  target_change_pct: number;
  better: Better;
  source: string | null;
}

/** What one write of a target does: the target's new fields and its history row, or nothing. */
export type TargetWrite =
  | { kind: 'none' }
  | {
      kind: 'insert' | 'update';
      fields: { target_change_pct: number; better: Better; source: string | null };
      history: { old_change_pct: number | null; new_change_pct: number; source: string | null };
    };

/**
 * THE rule for writing a target, for the targets file and the API alike: a new target is inserted;
 * an existing one changes when its change, its direction or its (given) source differ, and keeps
 * its source when none is given. Every insert and change writes one history row; no change, no row.
 */
export function decideTargetWrite(
  existing: StoredTarget | undefined,
  input: { targetChangePct: number; better: Better; source: string | null },
): TargetWrite {
  const source = input.source ?? existing?.source ?? null;
  const fields = { target_change_pct: input.targetChangePct, better: input.better, source };
  const history = {
    old_change_pct: existing ? existing.target_change_pct : null,
    new_change_pct: input.targetChangePct,
    source,
  };
  if (!existing) return { kind: 'insert', fields, history };
  const changed =
    existing.target_change_pct !== input.targetChangePct ||
    existing.better !== input.better ||
    existing.source !== source;
  return changed ? { kind: 'update', fields, history } : { kind: 'none' };
}

/**
 * Creates or changes a target, writes its history row and bumps the data version, all in one
 * transaction (goal results cached for the old version become invisible at once).
 */
export async function upsertTarget(
  db: Kysely<Database>,
  input: TargetInput,
  now: Date,
): Promise<{ target: Target; created: boolean; changed: boolean }> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('targets')
      .selectAll()
      .where('region_id', '=', input.region)
      .where('year', '=', input.year)
      .where('indicator_code', '=', input.indicator)
      .where('gender', '=', input.gender)
      .executeTakeFirst();
    const write = decideTargetWrite(existing, input);
    if (write.kind === 'none') return { target: existing as Target, created: false, changed: false };
    const stamp = { ...write.fields, updated_at: at, updated_by: input.changedBy };
    const target =
      existing !== undefined
        ? await trx
            .updateTable('targets')
            .set(stamp)
            .where('id', '=', existing.id)
            .returningAll()
            .executeTakeFirstOrThrow()
        : await trx
            .insertInto('targets')
            .values({
              region_id: input.region,
              year: input.year,
              indicator_code: input.indicator,
              gender: input.gender,
              ...stamp,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
    await trx
      .insertInto('target_history')
      .values({ target_id: target.id, ...write.history, changed_at: at, changed_by: input.changedBy })
      .execute();
    await bumpDataVersionKeepingObservations(trx);
    return { target, created: existing === undefined, changed: true };
  });
}

export interface TargetHistoryItem {
  id: number;
  targetId: number;
  region: string;
  year: number;
  indicator: string;
  gender: Gender;
  oldChangePct: number | null;
  newChangePct: number;
  changedAt: string;
  changedBy: string | null;
  source: string | null;
}

/** History rows of the targets, newest first. */
export async function listTargetHistory(
  db: Kysely<Database>,
  filter: TargetFilter,
): Promise<TargetHistoryItem[]> {
  const rows = await db
    .selectFrom('target_history as h')
    .innerJoin('targets as t', 't.id', 'h.target_id')
    .selectAll('h')
    .select(['t.region_id', 't.year', 't.indicator_code', 't.gender'])
    .where(targetFilterWhere(filter, 't'))
    .orderBy('h.changed_at', 'desc')
    .orderBy('h.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    targetId: r.target_id,
    region: r.region_id,
    year: r.year,
    indicator: r.indicator_code,
    gender: r.gender,
    oldChangePct: r.old_change_pct,
    newChangePct: r.new_change_pct,
    changedAt: r.changed_at,
    changedBy: r.changed_by,
    source: r.source,
  }));
}
